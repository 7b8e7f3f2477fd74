"""`sim app` in a real browser: offline, truthful about the design on screen, fit for a projector.

One `sim app` server (its own process, a free port) on a tiny scenario that launches in week
2 serves every test of this module; each test drives it in headless Chromium (tests/browser.py)
in a tab of its own (each tab has its own models), and the last one stops it by its process
id. Screenshots go to results/test-artefacts/ (not in git; SIM_TEST_ARTEFACTS chooses another
folder).
"""

import base64
import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from browser import (
    ARGS,
    CHROMIUM,
    free_port,
    kill_group,
    local,
    refuse_outside,
    stop_and_check,
    wait_until_serving,
)
from sim.app.dashboard import FONT_SCALE, FRAME
from sim.viz.animation.sizing import TYPE_POINTS, frame_size

if not CHROMIUM.exists():
    pytest.skip(
        "no /usr/bin/chromium (apt-get install chromium) to drive sim app", allow_module_level=True
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytest.importorskip("solara", reason="the app extra (solara) is not installed")

REPO = Path(__file__).resolve().parent.parent
ARTEFACTS = Path(os.environ.get("SIM_TEST_ARTEFACTS", REPO / "results" / "test-artefacts"))
LABEL = "Reverse mentoring, every two weeks"
TINY = f"""
name = "tiny"
start_date = 2024-01-01
launch_date = 2024-01-15  # week 2
years = 0.5
replicates = 5

[org]
size = 60

[designs.program]
label = "{LABEL}"
mentee_levels = "all"
topic_focus = 1.0
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The server's address, the browser, and the record of every request and page error."""
    folder = tmp_path_factory.mktemp("app")
    scenario = folder / "tiny.toml"
    scenario.write_text(TINY)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "app", str(scenario), "--port", str(port)],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # so that the clean-up below can reach every survivor
    )
    record = {"requests": [], "errors": [], "failed": []}
    try:
        wait_until_serving(proc, url)
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)

            def open_page(width=1400, height=1000, query=""):
                page = browser.new_page(viewport={"width": width, "height": height})
                refuse_outside(page, record["requests"])
                page.on("pageerror", lambda err: record["errors"].append(str(err)))
                page.on("requestfailed", lambda r: record["failed"].append(r.url))
                page.on("response", lambda r: r.status >= 400 and record["failed"].append(r.url))
                page.goto(url + query)
                page.locator(".sim-week").first.wait_for(timeout=60_000)
                return page

            yield open_page, record, proc
            browser.close()
        outside = [u for u in record["requests"] if not local(u)]
        assert record["requests"] and not outside, outside
        assert not record["failed"], record["failed"]
        assert not record["errors"], record["errors"]
        assert stop_and_check(proc) == []  # stopped by its pid, nothing left behind
    finally:
        kill_group(proc)


def numbers(page) -> dict[str, tuple[str, str]]:
    """The page's table of this week's numbers: measure -> (no program, the design)."""
    rows = page.evaluate(
        "Array.from(document.querySelectorAll('.sim-numbers tr[data-measure]')).map(r => "
        "[r.dataset.measure, r.querySelector('[data-side=baseline]').innerText, "
        "r.querySelector('[data-side=program]').innerText])"
    )
    return {name: (base, program) for name, base, program in rows}


def control(page, name: str):
    return page.locator(".sim-control", has=page.locator(f'[data-control="{name}"]'))


def press(locator, key: str, times: int) -> None:
    locator.focus()
    for _ in range(times):
        locator.press(key)


def nudge(page, name: str, key: str, times: int) -> None:
    """Press a key on a control's slider, waiting for the page to show each new value."""
    value = page.locator(f'[data-control="{name}"]')
    for _ in range(times):
        before = value.inner_text()
        handle = control(page, name).locator("[role=slider]")
        handle.focus()
        handle.press(key)
        page.wait_for_function(
            "([name, before]) => { const e = document.querySelector(`[data-control=${name}]`);"
            " return e !== null && e.innerText !== before; }",
            arg=[name, before],
            timeout=30_000,
        )


def test_app_steps_both_runs_and_each_tab_has_its_own(served):
    open_page, _record, _proc = served
    page = open_page()
    week = page.locator(".sim-week")
    assert week.inner_text().startswith("week 0 of 28")
    at_start = numbers(page)
    assert all(base == program for base, program in at_start.values()), at_start

    page.get_by_role("button", name="Step").click()
    week.filter(has_text="week 1 of 28").wait_for(timeout=30_000)
    before_launch = numbers(page)
    assert all(base == program for base, program in before_launch.values())

    press(
        page.locator(".v-input", has_text="Weeks per step").locator("[role=slider]"),
        "ArrowRight",
        8,
    )
    page.get_by_role("button", name="Step").click()
    week.filter(has_text="week 10 of 28").wait_for(timeout=30_000)
    after = numbers(page)
    assert after["pairs"][0] == "0" and int(after["pairs"][1]) > 0, after
    assert after["junior engagement"][0] != after["junior engagement"][1]
    assert after["junior turnover"][0] != "n/a yet"  # shown from week 8

    canvas = page.locator("canvas.sim-picture[data-week='10']")
    canvas.wait_for(timeout=30_000)  # the animation's frame, projector-sized, drawn
    assert page.evaluate(
        "() => { const c = document.querySelector('canvas.sim-picture');"
        " return [c.width, c.height]; }"
    ) == list(FRAME)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTEFACTS / "app-dashboard.png"
    page.screenshot(path=str(shot))
    with Image.open(shot) as png:
        low, high = png.convert("L").getextrema()
        assert low < 64 and high > 192  # a drawn page, not a blank one

    other = open_page()
    assert other.locator(".sim-week").inner_text().startswith("week 0 of 28")
    other.get_by_role("button", name="Step").click()
    other.locator(".sim-week", has_text="week 1 of 28").wait_for(timeout=30_000)
    assert week.inner_text().startswith("week 10 of 28")
    page.close()
    other.close()


def test_every_control_shows_its_value_and_unit_at_rest_on_a_wide_slider(served):
    open_page, _record, _proc = served
    page = open_page()
    values = page.evaluate(
        "Array.from(document.querySelectorAll('[data-control]')).map(e => "
        "[e.dataset.control, e.innerText, e.getBoundingClientRect().height])"
    )
    shown = {name: text for name, text, height in values if height > 0}
    assert shown["cadence_weeks"] == "2 weeks" and shown["commitment"] == "90%", shown
    assert len(shown) == 13
    widths = page.evaluate(
        "Array.from(document.querySelectorAll('.sim-control .v-slider')).map(e => "
        "e.getBoundingClientRect().width)"
    )
    assert widths and min(widths) >= 200, widths
    assert page.locator(".sim-pending").count() == 0  # nothing changed, nothing pending
    page.close()


def test_the_design_on_the_sliders_is_named_and_compared_not_the_last_one_applied(served):
    """The mislabel and the stale Compare: cadence 8 weeks and no formal program."""
    open_page, _record, _proc = served
    page = open_page()
    nudge(page, "cadence_weeks", "ArrowRight", 6)
    control(page, "formal").locator("input[type=checkbox]").click(force=True)
    page.locator('[data-control="formal"]', has_text="off").wait_for(timeout=30_000)
    pending = page.locator(".sim-pending")
    assert "Weeks between sessions: 2 weeks -> 8 weeks" in pending.inner_text()
    assert "Formal program (off: coffee chats): on -> off" in pending.inner_text()
    assert control(page, "cadence_weeks").inner_text().count("applied: 2 weeks") == 1
    new = "Mentoring every 8 weeks, coffee chats"

    # Compare runs the sliders' design before it is applied, and says so.
    button = page.locator(".sim-compare-btn")
    assert new in button.inner_text() and "not yet applied" in button.inner_text()
    button.click()
    compared = page.locator(".sim-compared")
    compared.wait_for(timeout=60_000)
    assert new in compared.inner_text() and "not yet applied" in compared.inner_text()
    differences = page.locator(".sim-differences").inner_text()
    assert f"{new} minus no program" in differences
    money = page.locator(".sim-money").inner_text()
    assert "chance net benefit > 0" in money and "net benefit: median" in money
    assert page.locator(".sim-headline th", has_text="no program").count() == 1
    assert page.locator(".sim-headline th", has_text=new).count() == 1
    assert "baseline" not in page.locator(".sim-compare").inner_text()

    # Apply: every name of the design on screen is the new label, none the old one.
    page.locator(".sim-apply").click()
    page.locator(".sim-label", has_text=new).wait_for(timeout=30_000)
    assert page.locator(".sim-pending").count() == 0
    page.locator('.sim-numbers th[data-side="program"]', has_text=new).wait_for(timeout=30_000)
    assert page.locator('.sim-numbers th[data-side="baseline"]').inner_text() == "no program"
    assert LABEL not in page.locator("body").inner_text()
    assert page.locator('[data-knob="cadence_weeks"]').inner_text().endswith("8 weeks")
    assert page.locator(".sim-compared").count() == 0  # a result of another design is gone
    page.close()


def test_a_refused_value_is_said_next_to_its_control_and_nothing_runs_it(served):
    open_page, _record, _proc = served
    page = open_page()
    coverage = control(page, "coverage")
    nudge(page, "coverage", "Home", 1)
    refusal = coverage.locator('[data-refused="coverage"]')
    refusal.wait_for(timeout=30_000)
    assert "rounds to 0 mentees" in refusal.inner_text()
    assert page.locator(".sim-apply").is_disabled()
    assert "fix the refused values first" in page.locator(".sim-compare-btn").inner_text()
    assert "Reset re-runs the design on screen" in page.locator(".sim-pending").inner_text()
    page.close()


@pytest.mark.parametrize(("width", "height", "smallest"), [(1920, 1080, 24), (1280, 720, 16)])
def test_presenter_mode_fits_the_screen_with_large_type(served, width, height, smallest):
    open_page, _record, _proc = served
    page = open_page(width, height, "?present=1")
    picture = page.locator(".sim-present-stage canvas:not([data-paints='0'])")  # painted
    picture.wait_for(timeout=30_000)
    sizes = page.evaluate(
        "() => { const d = document.documentElement;"
        " return [d.scrollWidth, d.scrollHeight, innerWidth, innerHeight]; }"
    )
    assert sizes[0] <= sizes[2] and sizes[1] <= sizes[3], sizes  # nothing scrolls
    box = picture.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= height + 0.5, box
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, box
    # The smallest text in the page's own elements, as the browser lays it out.
    dom = page.evaluate(
        "() => Array.from(document.querySelectorAll('.sim-present *'))"
        ".filter(e => e.offsetParent !== null && Array.from(e.childNodes).some("
        "n => n.nodeType === 3 && n.textContent.trim()))"
        ".map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert dom and min(dom) >= smallest, sorted(dom)[:5]
    # The picture's smallest text: its size in the frame times the scale it is shown at
    # (object-fit: contain scales the canvas to the smaller ratio).
    natural = TYPE_POINTS["small"] * FONT_SCALE * frame_size(2, FRAME, None).dpi / 72
    shown = page.evaluate(
        "() => { const c = document.querySelector('.sim-present-stage canvas');"
        " const r = c.getBoundingClientRect();"
        " return Math.min(r.width / c.width, r.height / c.height); }"
    )
    assert natural * shown >= smallest, (natural, shown)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"app-present-{width}x{height}.png"))
    # The run buttons are on the bar, on screen.
    for name in ("Reset", "Play", "Step", "Controls"):
        button = page.get_by_role("button", name=name).bounding_box()
        assert button and button["y"] >= 0 and button["y"] + button["height"] <= height, name
        assert button["x"] + button["width"] <= width, name
    # The controls wait in a drawer.
    assert page.locator(".sim-control").count() == 0
    page.get_by_role("button", name="Controls").click()
    page.locator(".sim-drawer .sim-control").first.wait_for(timeout=30_000)
    page.close()


def canvas_pixels(page, selector: str = "canvas.sim-picture") -> np.ndarray:
    """The grey levels the page's canvas holds (what it drew), read back as PNG."""
    url = page.evaluate(f"document.querySelector('{selector}').toDataURL('image/png')")
    png = base64.b64decode(url.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)


def blocks(grey: np.ndarray, size: int = 8) -> np.ndarray:
    """Mean grey level of each `size` x `size` block."""
    h, w = (n // size * size for n in grey.shape)
    return grey[:h, :w].reshape(h // size, size, w // size, size).mean(axis=(1, 3))


def test_the_page_draws_the_picture_matplotlib_draws(served):
    """The browser paints the week's people, pairs, numbers and lines on the still image:
    the result is the animation's own frame of that week, up to the type's rasteriser."""
    from sim.app.dashboard import WorkshopModel

    open_page, _record, proc = served
    page = open_page()
    press(
        page.locator(".v-input", has_text="Weeks per step").locator("[role=slider]"),
        "ArrowRight",
        11,
    )
    page.get_by_role("button", name="Step").click()
    page.locator("canvas.sim-picture[data-week='12']").wait_for(timeout=30_000)
    drawn = canvas_pixels(page)
    page.close()

    model = WorkshopModel(proc.args[4])  # the server's scenario, at its default seed
    for _ in range(12):
        model.step()
    assert model.steps == 12
    reference = np.asarray(model.stage.render().convert("L"), dtype=float)
    still = model.picture().background  # what the page starts each frame from
    still = np.asarray(
        Image.open(io.BytesIO(base64.b64decode(still.split(",", 1)[1]))).convert("L"), dtype=float
    )
    assert drawn.shape == reference.shape == still.shape
    # Compared in blocks of 8x8 pixels: the browser sets the same type a pixel or two apart
    # from matplotlib (its own rasteriser and kerning), which a pixel-by-pixel difference
    # would count as much as a missing person.
    moving = np.abs(blocks(still) - blocks(reference)).mean()  # what the shapes add
    missed = np.abs(blocks(drawn) - blocks(reference)).mean()
    assert moving > 1.0, moving  # the week's people and text are a visible part of it
    assert missed < 0.25 * moving, (missed, moving)


def test_pause_stops_on_the_week_shown_and_step_goes_on_from_it(served):
    open_page, _record, _proc = served
    page = open_page()
    pause = page.locator(".v-input", has_text="Pause between steps").locator("[role=slider]")
    press(pause, "PageUp", 2)  # about 200 ms between weeks: the run lasts a few seconds
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(
        "Number(document.querySelector('canvas.sim-picture').dataset.week) >= 3", timeout=30_000
    )
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for(timeout=30_000)
    page.wait_for_timeout(1500)  # anything still queued would arrive now
    text = page.locator(".sim-week").inner_text()
    week = int(text.split()[1])
    assert 3 <= week < 28, text
    assert page.locator("canvas.sim-picture").get_attribute("data-week") == str(week)
    assert page.locator("canvas.sim-charts").get_attribute("data-week") == str(week)
    page.wait_for_timeout(1000)
    assert page.locator(".sim-week").inner_text() == text  # paused means paused
    page.get_by_role("button", name="Step").click()
    page.locator(".sim-week", has_text=f"week {week + 1} of 28").wait_for(timeout=30_000)
    page.close()


def test_reset_while_playing_shows_the_new_run_from_week_0(served):
    open_page, _record, _proc = served
    page = open_page()
    pause = page.locator(".v-input", has_text="Pause between steps").locator("[role=slider]")
    press(pause, "PageUp", 1)  # about 100 ms between weeks
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(
        "Number(document.querySelector('canvas.sim-picture').dataset.week) >= 2", timeout=30_000
    )
    page.get_by_role("button", name="Reset").click()
    page.get_by_role("button", name="Play").wait_for(timeout=30_000)  # stopped playing
    page.locator(".sim-week", has_text="week 0 of 28").wait_for(timeout=30_000)  # the new run
    page.wait_for_timeout(1500)  # a late week of the old run would arrive now
    assert page.locator(".sim-week").inner_text().startswith("week 0 of 28")
    assert page.locator("canvas.sim-picture").get_attribute("data-week") == "0"
    assert page.locator("canvas.sim-charts").get_attribute("data-week") == "0"
    page.close()
