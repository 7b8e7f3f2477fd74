"""Mesa's own SolaraViz page of an OrgCultureModel in Chromium: Step, a slider, Reset, Step.

Before the model accepted Mesa's ``scenario=`` keyword, Reset replaced this page with a
traceback. The page is `sim.app.mesa_page` (the docs/mesa.md example), served offline by
`sim.app.server` in its own process and stopped by its process id.
"""

import subprocess
import sys

import pytest

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

if not CHROMIUM.exists():
    pytest.skip("no /usr/bin/chromium to drive Mesa's page", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytest.importorskip("solara", reason="the app extra (solara) is not installed")

TINY = """
name = "tiny"
start_date = 2024-01-01
launch_date = 2024-01-15
years = 0.5

[org]
size = 60

[designs.program]
mentee_levels = "all"
"""


def test_mesas_solaraviz_resets_with_its_own_controls(tmp_path):
    scenario = tmp_path / "tiny.toml"
    scenario.write_text(TINY)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    code = (
        "from sim.app.server import serve; "
        f"serve({{'source': {str(scenario)!r}, 'sets': []}}, '127.0.0.1', {port}, "
        "app='sim.app.mesa_page')"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    requests: list[str] = []
    errors: list[str] = []
    try:
        wait_until_serving(proc, url)
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                refuse_outside(page, requests)
                page.on("pageerror", lambda err: errors.append(str(err)))
                page.goto(url)
                run = page.locator(".sim-mesa-run")
                run.filter(has_text="cadence 2 weeks").wait_for(timeout=60_000)
                page.get_by_role("button", name="Step").click()
                run.filter(has_text="week 1").wait_for(timeout=30_000)

                cadence = page.locator(".v-input", has_text="Weeks between sessions")
                handle = cadence.locator("[role=slider]")
                handle.focus()
                for _ in range(2):
                    handle.press("ArrowRight")
                page.get_by_role("button", name="Reset").click()
                run.filter(has_text="cadence 4 weeks").wait_for(timeout=30_000)
                assert "week 0" in run.inner_text()
                page.get_by_role("button", name="Step").click()
                run.filter(has_text="week 1").wait_for(timeout=30_000)
                body = page.locator("body").inner_text()
                assert "Traceback" not in body and "Error" not in body, body[:2000]
                assert page.locator("img, canvas, svg").count() > 0  # the org and the plot
            finally:
                browser.close()
        assert requests and not [u for u in requests if not local(u)]
        assert not errors, errors
        assert stop_and_check(proc) == []
    finally:
        kill_group(proc)
