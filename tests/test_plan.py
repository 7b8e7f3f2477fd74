"""`sim plan`: rollout plans, staggered starts in the model, the assignment file, the command."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from helpers import small_scenario
from sim.cli.main import main
from sim.errors import InputError
from sim.model.model import OrgCultureModel
from sim.model.program import NEVER
from sim.planning import simulate
from sim.planning.assignment import assignment_table
from sim.planning.plans import (
    AFTER,
    Plan,
    default_pilot_sizes,
    parse_plans,
    rank_units,
    unit_of_positions,
)
from sim.planning.simulate import Task, Timeline, run_panels
from sim.planning.summary import recommendation


# --- plans ---------------------------------------------------------------------------------
def test_each_plan_starts_the_units_it_says():
    rank = np.array([3, 0, 4, 1, 2, 5])  # unit 1 first, then 3, 4, 0, 2, 5
    assert (Plan("all_at_once").start_months(rank, 12) == 0).all()
    cluster = Plan("cluster").start_months(rank, 12)
    assert set(np.flatnonzero(cluster == 0)) == {1, 3, 4}
    assert (cluster[[0, 2, 5]] == AFTER).all()
    pilot = Plan("pilot", pilot_units=2).start_months(rank, 12)
    assert set(np.flatnonzero(pilot == 0)) == {1, 3}
    wedge = Plan("stepped_wedge", step_months=6).start_months(rank, 12)
    # Steps at months 0 and 6 and a group after: two units each, in the random order.
    assert wedge.tolist() == [6, 0, AFTER, 0, 6, AFTER]


def test_the_order_is_a_reproducible_permutation_of_the_units():
    a, b = rank_units(12345, 9), rank_units(12345, 9)
    assert np.array_equal(a, b) and sorted(a.tolist()) == list(range(9))
    assert not np.array_equal(a, rank_units(54321, 9))


@pytest.mark.parametrize(
    ("designs", "n_units", "step", "pilots", "said"),
    [
        (["stepwedge"], 6, 3, None, "unknown; allowed: all_at_once, cluster"),
        (["cluster"], 3, 3, None, "needs at least 4 departments"),
        (["stepped_wedge"], 6, 12, None, "from 1 to 11"),
        (["stepped_wedge"], 6, 0, None, "from 1 to 11"),
        (["stepped_wedge"], 4, 2, None, "use --step-months 4 or more"),
        (["pilot"], 6, 3, [1, 5], "a pilot needs 2 to 4 departments"),
    ],
)
def test_bad_plans_are_refused_with_what_is_allowed(designs, n_units, step, pilots, said):
    with pytest.raises(InputError) as err:
        parse_plans(designs, n_units, 12, step, pilots)
    assert said in str(err.value)


def test_default_pilot_sizes_leave_two_departments_waiting():
    assert default_pilot_sizes(5) == [2, 3]
    assert max(default_pilot_sizes(30)) == 28 and len(default_pilot_sizes(30)) == 4
    assert default_pilot_sizes(3) == []


def test_units_are_departments_or_teams_with_juniors():
    org = OrgCultureModel(small_scenario(400), None, seed=1).org
    unit, names = unit_of_positions(org)
    assert len(names) == unit.max() + 1
    has_junior = np.bincount(unit[(unit >= 0) & ~org.is_senior], minlength=len(names))
    assert (has_junior > 0).all()
    team, team_names = unit_of_positions(org, "team")
    assert len(team_names) > len(names)
    # A team lies inside one department.
    for t in range(len(team_names)):
        assert len(set(org.department[team == t].tolist())) == 1


# --- staggered starts in the model -----------------------------------------------------------
def run_series(rollout) -> pd.DataFrame:
    scenario = small_scenario(200)
    model = OrgCultureModel(scenario, scenario.designs[0], seed=3)
    if rollout is not None:
        unit, _ = unit_of_positions(model.org)
        n = unit.max() + 1
        model.program.set_rollout(np.where(unit < 0, n, unit), rollout(n + 1))
    model.run_for(52)
    return model.series()


def test_a_rollout_with_every_unit_at_the_launch_is_the_default_draw_for_draw():
    default = run_series(None)
    at_once = run_series(lambda n: np.zeros(n, dtype=np.int64))
    pd.testing.assert_frame_equal(default, at_once)


def test_units_that_have_not_started_hold_no_pair():
    scenario = small_scenario(300)
    model = OrgCultureModel(scenario, scenario.designs[0], seed=4)
    unit, _ = unit_of_positions(model.org)
    n = unit.max() + 1
    starts = np.full(n + 1, NEVER, dtype=np.int64)
    starts[0] = 0
    starts[1] = 20
    program = model.program
    program.set_rollout(np.where(unit < 0, n, unit), starts)
    model.run_for(10)
    paired = np.flatnonzero(program.partner >= 0)
    assert len(paired) and set(unit[paired].tolist()) == {0}
    model.run_for(20)
    paired = np.flatnonzero(program.partner >= 0)
    assert set(unit[paired].tolist()) == {0, 1}


def test_set_rollout_refuses_arrays_of_the_wrong_shape():
    scenario = small_scenario(100)
    model = OrgCultureModel(scenario, scenario.designs[0], seed=1)
    with pytest.raises(ValueError, match="one unit number"):
        model.program.set_rollout(np.zeros(3, dtype=np.int64), np.zeros(1, dtype=np.int64))
    with pytest.raises(ValueError, match="one offset"):
        model.program.set_rollout(np.zeros(model.org.size, dtype=np.int64), np.array([-1]))


# --- replicates --------------------------------------------------------------------------------
def task(seed: int = 5) -> Task:
    scenario = small_scenario(300)
    plans = parse_plans(["all_at_once", "cluster", "stepped_wedge"], 5, 6, 2, None)
    return Task(
        scenario, scenario.designs[0].name, 0, seed, tuple(plans), Timeline(3, 6), (6,), 0.05
    )


def test_forked_plans_equal_plans_run_from_the_start(monkeypatch):
    forked = run_panels(task())
    monkeypatch.setattr(simulate, "CAN_FORK", False)
    fresh = run_panels(task())
    for a, b in zip(forked, fresh, strict=True):
        assert np.array_equal(a.exits, b.exits) and np.array_equal(a.at_risk, b.at_risk)
        assert np.array_equal(a.treated, b.treated)


def test_plans_share_the_months_before_the_first_start():
    panels = run_panels(task())
    pre = 3
    for p in panels[1:]:
        assert np.array_equal(p.exits[:, :pre], panels[0].exits[:, :pre])
        assert not p.treated[:, :pre].any()
    assert panels[1].treated[:, pre:].all()  # all at once
    assert not panels[0].treated.any()  # no program


# --- the assignment file ---------------------------------------------------------------------
def test_the_assignment_is_reproducible_from_the_seed():
    plans = parse_plans(["cluster", "stepped_wedge"], 6, 12, 4, None)
    names = [f"d{i}" for i in range(6)]
    start = dt.date(2027, 1, 4)
    a = assignment_table(plans, names, 42, start, 12)
    pd.testing.assert_frame_equal(a, assignment_table(plans, names, 42, start, 12))
    assert not a.equals(assignment_table(plans, names, 43, start, 12))
    wedge = a[a["plan"] == "stepped_wedge_4m"]
    # Whole weeks from the start (a month is 52/12 weeks, rounded): always a Monday here.
    assert sorted(wedge["start_date"].unique()) == [
        "2027-01-04",
        "2027-05-03",
        "2027-09-06",
        "2028-01-03",
    ]
    # Six units in four groups (months 0, 4, 8 and after): the first groups take the extra.
    assert wedge["note"].str.startswith("after").sum() == 1


# --- the recommendation ----------------------------------------------------------------------
def plan_rows(powers, mdes, costs, comparisons=None):
    n = len(powers)
    return pd.DataFrame(
        {
            "plan": [f"p{i}" for i in range(n)],
            "label": [f"Plan {i}" for i in range(n)],
            "power": powers,
            "assurance": [np.nan] * n,
            "model_effect": [-2.0] * n,
            "min_detectable_effect": mdes,
            "cost_of_waiting": costs,
            "comparison": comparisons or ["concurrent comparison"] * n,
        }
    )


def test_the_recommendation_follows_the_numbers():
    months = pd.DataFrame({"plan": ["p0"], "months": [12], "power": [0.1]})
    weak = recommendation(plan_rows([0.1, 0.3], [9.0, 5.0], [0, 100]), months, "USD")
    assert "No plan here reaches 80% power" in weak and "'Plan 1'" in weak
    assert "2.5 times the model's" in weak
    strong = recommendation(plan_rows([0.85, 0.95], [1.5, 1.2], [500, 900]), months, "USD")
    assert strong.count("Choose 'Plan 0'") == 1 and "500 USD" in strong
    before_after = recommendation(plan_rows([0.2], [4.0], [0], ["before/after"]), months, "USD")
    assert "before/after" in before_after


# --- the command -----------------------------------------------------------------------------
def test_sim_plan_writes_its_folder_and_says_what_it_found(tmp_path, capsys):
    out = tmp_path / "plan"
    args = [
        "plan",
        "--set",
        "org.size=200",
        "--replicates",
        "10",
        "--months",
        "6",
        "--pre-months",
        "3",
        "--uncertainty",
        "replicates",
        "--workers",
        "1",
        "--quiet",
        "--design",
        "all_at_once,stepped_wedge",
        "--step-months",
        "2",
        "--out",
        str(out),
    ]
    assert main(args) == 0, capsys.readouterr().err
    said = capsys.readouterr().out
    assert "power" in said and ("Choose" in said or "No plan here reaches" in said)
    table = pd.read_csv(out / "plan.csv")
    assert list(table["plan"]) == ["all_at_once", "stepped_wedge_2m"]
    assert table["power"].between(0, 1).all() and (table["min_detectable_effect"] > 0).all()
    for name in ("plan_replicates.csv", "assignment.csv", "plan.html", "power.png"):
        assert (out / name).is_file()
    assert "planning the program" in (out / "plan.html").read_text()
    # The folder is not replaced without --force.
    assert main(args) == 2


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--design", "waves"], "--design waves: unknown"),
        (["--design", "stepped_wedge", "--step-months", "40"], "--step-months 40"),
        (["--months", "0"], "--months 0"),
        (["--alpha", "0.7"], "--alpha 0.7"),
        (["--replicates", "3"], "--replicates 3"),
        (["--program", "nope"], "--program nope"),
        (["--pilot-sizes", "two"], "--pilot-sizes two"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message_and_writes_nothing(tmp_path, capsys, extra, said):
    out = tmp_path / "plan"
    args = ["plan", "--set", "org.size=200", "--quiet", "--out", str(out), *extra]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
    assert not out.exists()
