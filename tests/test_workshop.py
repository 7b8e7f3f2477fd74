"""`sim workshop` without a browser: the room's checks, rounds, leaderboard, folder and command."""

import json

import pytest

from sim.app.room import MAX_DESIGNS_PER_ROUND, Room, knob_ranges
from sim.app.room_runs import run_round
from sim.cli.main import main
from sim.errors import InputError
from sim.runs.executors import SerialExecutor

SCENARIO = """
name = "tiny"
start_date = 2024-01-01
launch_date = 2024-01-15
years = 1

[org]
size = 60

[designs.program]
mentee_levels = "all"
"""


@pytest.fixture
def tiny(tmp_path) -> str:
    path = tmp_path / "tiny.toml"
    path.write_text(SCENARIO)
    return str(path)


def room(tiny, tmp_path, **kw) -> Room:
    return Room(tiny, [], tmp_path / "session", replicates=2, budget_hours=300, **kw)


def refusal(r: Room, payload, who="someone1", now=0.0) -> str:
    with pytest.raises(InputError) as err:
        r.submit(who, payload, now=now)
    return str(err.value)


def test_the_default_budget_is_what_the_scenarios_own_design_plans(tiny, tmp_path):
    r = Room(tiny, [], tmp_path / "s")
    sub = r.submit("p1", {"team": "A"}, now=0)
    assert sub.hours_per_year == pytest.approx(r.budget_hours, abs=0.1)
    assert sub.label == "Program"  # no knob changed: the scenario's own design


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"team": "A", "commitment": 1.5}, "found 1.5; allowed: from 0 to 1"),
        ({"team": "A", "cadence_weeks": 2.5}, "a whole number of weeks"),
        ({"team": "A", "cadence_weeks": "2"}, "allowed: a number"),
        ({"team": "A", "formal": "yes"}, "allowed: one of true, false"),
        ({"team": "A", "duration_weeks": "3"}, "allowed: one of 8, 17, 26, 52, ongoing"),
        ({"team": "A", "colour": "red"}, "colour: unknown field"),
        ({"team": ""}, "give your team a name"),
        ({"team": "x" * 41}, "at most 40 printable characters"),
        ({"team": "A", "coverage": 0.01}, "rounds to 0 mentees"),
        ({"team": "A", "cadence_weeks": 1}, "the budget is 300"),
        (["not", "a", "form"], "expected a form"),
    ],
)
def test_a_bad_submission_is_refused_saying_what_is_allowed(tiny, tmp_path, payload, message):
    assert message in refusal(room(tiny, tmp_path), payload)


def test_submissions_are_rate_limited_replaced_and_capped(tiny, tmp_path):
    r = room(tiny, tmp_path)
    r.submit("p1", {"team": "A", "cadence_weeks": 4}, now=0)
    assert "wait 2 s" in refusal(r, {"team": "A"}, "p1", now=1.0)
    r.submit("p1", {"team": "A2", "cadence_weeks": 3}, now=5)  # replaces p1's design
    assert [s.team for s in r.rounds[0].submissions.values()] == ["A2"]
    for i in range(MAX_DESIGNS_PER_ROUND - 1):
        r.rounds[0].submissions[f"x{i}"] = r.rounds[0].submissions["p1"]
    assert "full" in refusal(r, {"team": "B"}, "new", now=100)


def test_a_round_runs_ranks_and_resumes_from_the_folder(tiny, tmp_path):
    r = room(tiny, tmp_path, uncertainty="replicates")
    for i, knobs in enumerate([{"cadence_weeks": 4}, {"cadence_weeks": 2, "coverage": 0.5}]):
        r.submit(f"p{i}", {"team": f"T{i}", **knobs}, now=10 * i)
    with pytest.raises(InputError, match="not finished"):
        r.next_round()
    r.close()
    assert "closed" in refusal(r, {"team": "late"}, "p9", now=99)
    board = run_round(r, 1, SerialExecutor())
    r.finish(1, board, "", 1.0)
    nets = [row["expected_net_benefit"] for row in board]
    assert nets == sorted(nets, reverse=True) and [row["rank"] for row in board] == [1, 2]
    assert all(0 <= row["p_beats_nothing"] <= 1 and row["runs"] == 2 for row in board)
    r.next_round()
    again = room(tiny, tmp_path, uncertainty="replicates")
    assert again.resumed and [x.status for x in again.rounds] == ["done", "open"]
    assert again.rounds[0].leaderboard == json.loads(json.dumps(board))
    folder = tmp_path / "session"
    assert {p.name for p in folder.iterdir()} >= {
        "session.json",
        "designs.csv",
        "results.csv",
        "report.html",
    }


def test_a_folder_of_another_scenario_is_not_overwritten(tiny, tmp_path):
    room(tiny, tmp_path).save()
    with pytest.raises(InputError, match="a session of another scenario"):
        Room(tiny, ["org.size=80"], tmp_path / "session")


def test_a_run_shorter_than_a_year_is_refused(tiny, tmp_path):
    with pytest.raises(InputError, match="needs at least 1 year"):
        Room(tiny, ["years=0.5"], tmp_path / "s")


def test_the_phone_offers_the_declared_ranges():
    ranges = knob_ranges()
    assert ranges["commitment"]["min"] == 0 and ranges["commitment"]["max"] == 1
    assert ranges["cadence_weeks"]["max"] == 13 and ranges["formal"]["choices"] == [True, False]


def test_workshop_help_and_refusals(tiny, capsys):
    with pytest.raises(SystemExit):
        main(["workshop", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for word in ("--share", "--folder", "--budget-hours", "QR code", "join code", "resumed"):
        assert word in out, word
    assert main(["workshop", tiny, "--port", "0"]) == 2
    assert main(["workshop", tiny, "--replicates", "1"]) == 2
    err = capsys.readouterr().err
    assert "--port 0: must be from 1 to 65535" in err and "--replicates 1" in err
