"""`sim app` in a real browser: it serves offline, the controls drive both runs, it stops.

The test starts `sim app` as a user would (its own process, a free port) on a tiny scenario
that launches in week 2, drives the page in headless Chromium (tests/browser.py), and stops
the server by its process id. The screenshot goes to results/test-artefacts/ (not in git;
SIM_TEST_ARTEFACTS chooses another folder).
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from PIL import Image

from browser import ARGS, CHROMIUM, local, refuse_outside
from sim.viz.animation.sizing import DEFAULT_SIZE

if not CHROMIUM.exists():
    pytest.skip(
        "no /usr/bin/chromium (apt-get install chromium) to drive sim app", allow_module_level=True
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytest.importorskip("solara", reason="the app extra (solara) is not installed")

REPO = Path(__file__).resolve().parent.parent
ARTEFACTS = Path(os.environ.get("SIM_TEST_ARTEFACTS", REPO / "results" / "test-artefacts"))
TINY = """
name = "tiny"
start_date = 2024-01-01
launch_date = 2024-01-15  # week 2
years = 0.5
replicates = 5

[org]
size = 60

[designs.program]
mentee_levels = "all"
topic_focus = 1.0
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(proc: subprocess.Popen, url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"sim app exited with {proc.returncode}: {proc.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"sim app did not answer at {url} within {timeout} s")


def numbers(page) -> dict[str, tuple[str, str]]:
    """The page's table of this week's numbers: measure -> (no program, program)."""
    rows = page.evaluate(
        "Array.from(document.querySelectorAll('.sim-numbers tr[data-measure]')).map(r => "
        "[r.dataset.measure, r.querySelector('[data-side=baseline]').innerText, "
        "r.querySelector('[data-side=program]').innerText])"
    )
    return {name: (base, program) for name, base, program in rows}


def slider(page, label: str):
    return page.locator(".v-input", has_text=label).locator("[role=slider]")


def press(locator, key: str, times: int) -> None:
    locator.focus()
    for _ in range(times):
        locator.press(key)


def test_app_steps_both_runs_offline_and_stops_by_pid(tmp_path):
    scenario = tmp_path / "tiny.toml"
    scenario.write_text(TINY)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "app", str(scenario), "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # so that the clean-up below can reach every survivor
    )
    requests: list[str] = []
    errors: list[str] = []
    failed: list[str] = []
    try:
        wait_until_serving(proc, url)
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                refuse_outside(page, requests)
                page.on("pageerror", lambda err: errors.append(str(err)))
                page.on("requestfailed", lambda r: failed.append(r.url))
                page.on("response", lambda r: r.status >= 400 and failed.append(r.url))
                page.goto(url)
                week = page.locator(".sim-week")
                week.wait_for(timeout=60_000)
                assert week.inner_text().startswith("week 0 of 28")
                at_start = numbers(page)
                assert all(base == program for base, program in at_start.values()), at_start

                # A knob: 2 -> 4 weeks between sessions, applied at Reset.
                cadence = slider(page, "Weeks between sessions")
                assert cadence.get_attribute("aria-valuenow") == "2"
                press(cadence, "ArrowRight", 2)
                assert cadence.get_attribute("aria-valuenow") == "4"
                page.get_by_role("button", name="Reset").click()
                knob = page.locator('[data-knob="cadence_weeks"]')
                knob.filter(has_text="cadence_weeks: 4").wait_for(timeout=30_000)

                # One week: still the warm-up, so both runs are the same run.
                page.get_by_role("button", name="Step").click()
                week.filter(has_text="week 1 of 28").wait_for(timeout=30_000)
                before_launch = numbers(page)
                assert all(base == program for base, program in before_launch.values())

                # Nine more weeks in one step: 8 weeks after the launch, the program shows.
                weeks_per_step = slider(page, "Weeks per step")
                press(weeks_per_step, "ArrowRight", 8)
                assert weeks_per_step.get_attribute("aria-valuenow") == "9"
                page.get_by_role("button", name="Step").click()
                week.filter(has_text="week 10 of 28").wait_for(timeout=30_000)
                assert "8 weeks after launch" in week.inner_text()
                after = numbers(page)
                assert after["pairs"][0] == "0" and int(after["pairs"][1]) > 0, after
                assert after["junior engagement"][0] != after["junior engagement"][1]
                assert after["junior engagement"] != before_launch["junior engagement"]
                assert after["junior turnover"][0] != "n/a yet"  # shown from week 8

                chart = page.evaluate(
                    "Array.from(document.images).filter(i => i.naturalWidth >= 1000)"
                    ".map(i => [i.complete, i.naturalWidth, i.naturalHeight])"
                )
                assert chart == [[True, *DEFAULT_SIZE]], chart  # the animation's frame
                ARTEFACTS.mkdir(parents=True, exist_ok=True)
                shot = ARTEFACTS / "app-dashboard.png"
                page.screenshot(path=str(shot))

                # A second tab gets models of its own: it starts at week 0, and stepping it
                # leaves the first tab where it was.
                other = browser.new_page(viewport={"width": 1400, "height": 1000})
                refuse_outside(other, requests)
                other.on("pageerror", lambda err: errors.append(str(err)))
                other.goto(url)
                other.locator(".sim-week", has_text="week 0 of 28").wait_for(timeout=60_000)
                other.get_by_role("button", name="Step").click()
                other.locator(".sim-week", has_text="week 1 of 28").wait_for(timeout=30_000)
                assert week.inner_text().startswith("week 10 of 28")
                assert "cadence_weeks: 2" in other.locator(".sim-design").inner_text()
            finally:
                browser.close()
        with Image.open(shot) as png:
            assert png.size == (1400, 1000)
            low, high = png.convert("L").getextrema()
            assert low < 64 and high > 192  # a drawn page, not a blank one
        outside = [u for u in requests if not local(u)]
        assert requests and not outside, outside
        assert not failed, failed
        assert not errors, errors

        # Stop the server by its process id: it exits, and leaves no process behind.
        children = psutil.Process(proc.pid).children(recursive=True)
        os.kill(proc.pid, signal.SIGTERM)
        assert proc.wait(timeout=30) is not None
        gone, alive = psutil.wait_procs(children, timeout=10)
        assert not alive, [p.cmdline() for p in alive]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
