"""`sim workshop` in Chromium: ten phones, a facilitator, a round, a leaderboard, a restart.

One headless Chromium (tests/browser.py) with a context per participant (a phone's 390x844
screen) and one for the projector. The server is `sim workshop --share` on a 60-person
scenario, in its own process, stopped by its process id; the leaderboard's order is checked
against the project's own posterior runs on the same seeds and draws, computed here.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

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
    pytest.skip("no /usr/bin/chromium to drive sim workshop", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytest.importorskip("qrcode", reason="the app extra (qrcode) is not installed")

REPO = Path(__file__).resolve().parent.parent
ARTEFACTS = Path(os.environ.get("SIM_TEST_ARTEFACTS", REPO / "results" / "test-artefacts"))
SCENARIO = """
name = "tiny"
start_date = 2024-01-01
launch_date = 2024-01-15
years = 1

[org]
size = 60

[designs.program]
label = "Reverse mentoring, every two weeks"
mentee_levels = "all"
"""
# Eight designs that fit the budget, one over it.
GOOD = [
    {"cadence_weeks": 2},
    {"cadence_weeks": 4},
    {"cadence_weeks": 3, "commitment": 0.5},
    {"cadence_weeks": 2, "coverage": 0.5},
    {"cadence_weeks": 6, "two_way": True},
    {"cadence_weeks": 2, "formal": False},
    {"cadence_weeks": 8, "topic_focus": 0.2},
    {"cadence_weeks": 5, "coverage": 0.7, "two_way": True},
]
OVER_BUDGET = {"cadence_weeks": 1}


def start(folder: Path, scenario: Path, port: int) -> tuple[subprocess.Popen, str]:
    """`sim workshop --share` on `port`; the process and its join code."""
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "sim", "workshop", str(scenario), "--share",
         "--port", str(port), "--folder", str(folder), "--replicates", "3",
         "--budget-hours", "250", "--workers", "2"],
        cwd=folder.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("Join code: "):
            return proc, line.split()[2].rstrip(".")
    raise AssertionError(f"no join code printed: {lines} {proc.stderr.read()}")


def set_form(page, team: str, knobs: dict) -> None:
    page.fill("#team", team)
    for name, value in knobs.items():
        page.evaluate(
            "([name, value]) => { const e = document.getElementById(name);"
            " if (e.type === 'checkbox') e.checked = value; else e.value = value;"
            " e.dispatchEvent(new Event('input')); }",
            [name, value],
        )


def post(page, path: str, body: str, participant: str = "abcdefgh12345678") -> list:
    return page.evaluate(
        "async ([path, body, who]) => { const r = await fetch(path, {method: 'POST',"
        " headers: {'Content-Type': 'application/json', 'X-Participant': who}, body});"
        " return [r.status, await r.json()]; }",
        [path, body, participant],
    )


def submit_from_phones(phones, url: str, code: str) -> None:
    """Eight good designs; one too fast, one over budget, and bad requests, each refused."""
    for phone in phones:
        phone.goto(f"{url}/join?code={code}")
        phone.locator("#send").wait_for()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    for i, knobs in enumerate(GOOD):
        set_form(phones[i], f"Team {i + 1}", knobs)
        phones[i].click("#send")
        phones[i].locator("#result.ok").wait_for(timeout=30_000)
    # A second send at once is refused as too fast.
    phones[0].click("#send")
    phones[0].locator("#result.problems", has_text="wait").wait_for(timeout=30_000)
    # Over the budget, out of range, unknown fields, oversized, not JSON: refused, saying why.
    set_form(phones[8], "Team 9", OVER_BUDGET)
    phones[8].click("#send")
    over = phones[8].locator("#result.problems")
    over.wait_for(timeout=30_000)
    assert "the budget is 250" in over.inner_text()
    q = f"/api/submit?code={code}"
    status, body = post(phones[9], q, json.dumps({"team": "x", "commitment": 1.5}))
    assert status == 400 and "allowed: from 0 to 1" in body["problems"][0]
    status, body = post(phones[9], q, json.dumps({"team": "y", "colour": "red"}), "p9p9p9p9p9")
    assert status == 400 and "unknown field" in body["problems"][0]
    status, body = post(phones[9], q, json.dumps({"team": "z" * 100_000}), "p8p8p8p8p8")
    assert status == 413 and "too large" in body["problems"][0]
    assert post(phones[9], q, "not json", "p7p7p7p7p7")[0] == 400


def direct_order(folder: Path, scenario: Path) -> list[str]:
    """The leaderboard computed here with the project's posterior runs on the same seeds."""
    from sim.app.room import Room, leaderboard
    from sim.app.room_runs import round_designs
    from sim.calibration.posterior import library_posterior_path, read_posterior, run_over_posterior
    from sim.scenario.loading import load_scenario
    from sim.scenario.seeds import replicate_seeds

    room = Room(str(scenario), [], folder, replicates=3, budget_hours=250)
    subs = room.round_designs(1)
    designs = round_designs(room, subs)
    results = run_over_posterior(
        lambda first: load_scenario(str(scenario), first).with_changes(designs=designs),
        read_posterior(library_posterior_path()),
        ["baseline", *(d.name for d in designs)],
        replicate_seeds(room.base.seed, 3),
        room.base.seed,
    )
    board = leaderboard(
        results.summary, results.series, room.base.with_changes(designs=designs), dict(subs)
    )
    return [row["design"] for row in board]


def test_a_room_of_ten_phones_runs_a_round_and_resumes_after_a_restart(tmp_path):
    scenario = tmp_path / "tiny.toml"
    scenario.write_text(SCENARIO)
    folder = tmp_path / "session"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc, code = start(folder, scenario, port)
    requests: list[str] = []
    errors: list[str] = []
    try:
        wait_until_serving(proc, url + "/api/state")
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)

            def context(width, height):
                ctx = browser.new_context(viewport={"width": width, "height": height})
                page = ctx.new_page()
                refuse_outside(page, requests)
                page.on("pageerror", lambda err: errors.append(str(err)))
                return page

            projector = context(1920, 1080)
            projector.goto(url + "/")
            projector.locator("#joinurl", has_text=f"/join?code={code}").wait_for()
            assert projector.evaluate("document.querySelector('#join img').naturalWidth") > 0

            phones = [context(390, 844) for _ in range(10)]
            # Without the join code, a phone is asked for it and cannot submit.
            phones[0].goto(url + "/join")
            assert phones[0].locator("input#code").count() == 1
            assert post(phones[0], "/api/submit", "{}")[0] == 403
            submit_from_phones(phones, url, code)

            # The facilitator closes the round; the designs run; the leaderboard shows.
            projector.locator("#count", has_text="8 design(s)").wait_for(timeout=10_000)
            projector.click("#close")
            projector.wait_for_selector("body[data-status=done]", timeout=180_000)
            shown = projector.evaluate(
                "Array.from(document.querySelectorAll('.board tr[data-design]'))"
                ".map(r => r.dataset.design)"
            )
            assert len(shown) == 8
            assert shown == direct_order(folder, scenario)
            assert "chance of beating doing nothing" in projector.inner_text(".board")
            projector.click("#playbtn")
            projector.wait_for_function(
                "Number(document.body.dataset.played || -1) >= 8", timeout=60_000
            )
            assert projector.locator("#play img").count() == 3
            ARTEFACTS.mkdir(parents=True, exist_ok=True)
            projector.screenshot(path=str(ARTEFACTS / "workshop-leaderboard.png"))
            # A phone cannot run the facilitator's actions (it is local here, so: the room
            # refuses a second close of a finished round).
            assert post(phones[0], "/api/close", "")[0] == 409
            projector.click("#next")
            projector.wait_for_selector("body[data-round='2'][data-status=open]")
            browser.close()
        assert not errors, errors
        outside = [u for u in requests if not local(u)]
        assert requests and not outside, outside
        assert stop_and_check(proc) == []  # the server and its pool's workers are gone
        proc = check_saved_and_resume(folder, scenario, port)
    finally:
        kill_group(proc)


def check_saved_and_resume(folder: Path, scenario: Path, port: int) -> subprocess.Popen:
    """The folder holds the session; a restart on it resumes at round 2."""
    import urllib.request

    saved = json.loads((folder / "session.json").read_text())
    assert [r["status"] for r in saved["rounds"]] == ["done", "open"]
    assert (folder / "results.csv").read_text().count("\n") == 9  # header + 8 designs
    assert "Team 1" in (folder / "report.html").read_text()
    proc, _code = start(folder, scenario, port)
    try:
        url = f"http://127.0.0.1:{port}/api/state"
        wait_until_serving(proc, url)
        with urllib.request.urlopen(url) as response:
            state = json.load(response)
        assert state["round"] == 2 and state["status"] == "open"
        assert stop_and_check(proc) == []
    finally:
        kill_group(proc)
    return proc
