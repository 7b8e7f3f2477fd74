"""Effects measured against a paired run: mentor retention vs its counterfactual, relevance."""

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from helpers import design, small_scenario
from sim.cli.main import main
from sim.errors import InputError
from sim.model.model import OrgCultureModel
from sim.runs.effects import (
    MENTOR_COLUMNS,
    add_paired_effects,
    all_pathways_off,
    first_intake_mentors,
    mentor_counterfactual,
)
from sim.runs.replicates import run_one, run_scenario
from sim.scenario.cases import CASES_DIR
from sim.scenario.loading import load_scenario, loads_scenario
from sim.scenario.outcomes import is_summary_outcome
from sim.scenario.parameters import Observation

DESIGN = design(name="program", mentee_levels=(0, 1, 2), duration_weeks=52, cadence_weeks=2)


def scenario(**changes):
    """300 people, a one-year intake, 1.2 years: retention is measured in week 53."""
    s = small_scenario(size=300, years=1.2, designs=(DESIGN,), **changes)
    obs = dataclasses.replace(s.observation, mentor_counterfactual=True)
    return s.with_changes(observation=obs)


def test_the_counterfactual_run_has_the_same_first_intake_mentors():
    s = scenario()
    model = OrgCultureModel(s, DESIGN, seed=3)
    model.run_for(s.weeks)
    twin = OrgCultureModel(all_pathways_off(s), DESIGN, seed=3)
    twin.run_for(53)
    start, at, ids = first_intake_mentors(model)
    twin_start, twin_at, twin_ids = first_intake_mentors(twin)
    assert len(at) > 10 and start == twin_start
    np.testing.assert_array_equal(at, twin_at)
    np.testing.assert_array_equal(ids, twin_ids)
    # The runs diverge after the intake forms: the comparison is not a run with itself.
    assert not np.array_equal(model.people.engagement, twin.people.engagement)


def test_the_counterfactual_is_the_same_people_employed_in_the_pathways_off_run():
    s = scenario()
    model = OrgCultureModel(s, DESIGN, seed=3)
    model.run_for(s.weeks)
    row = mentor_counterfactual(s, "program", 3, model)
    _, at, ids = first_intake_mentors(model)
    # By hand: the design run's mentors, looked up in the pathways-off run at week 1 + 52.
    check = OrgCultureModel(all_pathways_off(s), DESIGN, seed=3)
    check.run_for(53)
    still = check.people.filled[at] & (check.people.person_id[at] == ids)
    assert row["mentor_retention_counterfactual_52w"] == pytest.approx(still.mean(), abs=0)
    assert row["mentor_retention_52w"] == model.program.intakes[0].retention
    assert row["mentor_retention_effect_52w"] == (
        row["mentor_retention_52w"] - row["mentor_retention_counterfactual_52w"]
    )


def test_with_every_pathway_off_in_the_design_run_the_effect_is_exactly_zero():
    s = all_pathways_off(scenario())
    _, row, _ = run_one(s, "program", 0, 7)
    assert not math.isnan(row["mentor_retention_52w"])
    assert row["mentor_retention_counterfactual_52w"] == row["mentor_retention_52w"]
    assert row["mentor_retention_effect_52w"] == 0.0


def test_the_programs_effect_on_its_mentors_shows_over_replicates():
    # Voice lifts mentors' engagement, so fewer leave than the same people without it.
    s = scenario()
    s = s.with_changes(
        dynamics=dataclasses.replace(
            s.dynamics, engagement=dataclasses.replace(s.dynamics.engagement, a_voice=0.5)
        )
    )
    effects = [
        run_one(s, "program", r, 100 + r)[1]["mentor_retention_effect_52w"] for r in range(6)
    ]
    assert np.mean(effects) > 0


def test_baseline_rows_and_short_runs_have_no_mentor_retention():
    s = scenario()
    _, row, _ = run_one(s, "baseline", 0, 1)
    assert all(math.isnan(row[c]) for c in MENTOR_COLUMNS)
    short = s.with_changes(years=0.5)  # ends before the measuring week
    _, row, _ = run_one(short, "program", 0, 1)
    assert all(math.isnan(row[c]) for c in MENTOR_COLUMNS)


def test_without_the_option_no_counterfactual_is_run():
    s = small_scenario(size=300, years=1.2, designs=(DESIGN,))
    assert Observation().mentor_counterfactual is False
    _, row, _ = run_one(s, "program", 0, 1)
    assert "mentor_retention_counterfactual_52w" not in row
    assert not math.isnan(row["mentor_retention_52w"])


def test_digital_relevance_effect_is_the_design_minus_the_baseline_on_the_same_seed():
    s = small_scenario(size=200, years=1.0, designs=(DESIGN,))
    summary = run_scenario(s, seeds=[4, 5]).summary
    cols = list(summary.columns)
    assert cols.index("digital_relevance_effect_end") == cols.index("digital_relevance_end") + 1
    for seed in (4, 5):
        at = summary[summary["seed"] == seed].set_index("design")
        expected = (
            at.loc["program", "digital_relevance_end"] - at.loc["baseline", "digital_relevance_end"]
        )
        assert at.loc["program", "digital_relevance_effect_end"] == expected
        assert at.loc["baseline", "digital_relevance_effect_end"] == 0.0
    assert (summary.loc[summary["design"] == "program", "digital_relevance_effect_end"] > 0).all()


def test_a_design_whose_sessions_never_happen_has_no_relevance_effect():
    # The no-program run's own index moves (hires, drift): the change since launch is not 0.
    never = design(name="program", commitment=0.0)
    s = small_scenario(size=200, years=1.0, designs=(never,))
    summary = run_scenario(s, seeds=[4]).summary.set_index("design")
    assert summary.loc["program", "digital_relevance_end"] != 1.0
    assert summary.loc["program", "digital_relevance_effect_end"] == 0.0


def test_paired_effects_pair_by_seed_and_leave_unpaired_runs_nan():
    table = pd.DataFrame(
        {
            "design": ["baseline", "a", "a", "baseline", "b"],
            "seed": [1, 1, 2, 3, 3],
            "digital_relevance_end": [1.0, 1.5, 1.25, 0.5, 2.0],
        }
    )
    out = add_paired_effects(table)
    assert out["digital_relevance_effect_end"].tolist()[:2] == [0.0, 0.5]
    assert math.isnan(out["digital_relevance_effect_end"].iloc[2])  # no baseline on seed 2
    assert out["digital_relevance_effect_end"].tolist()[3:] == [0.0, 1.5]
    assert "digital_relevance_effect_end" not in table  # the input is not changed


def test_the_new_outcomes_are_registered_for_targets():
    for name in (*MENTOR_COLUMNS, "digital_relevance_effect_end"):
        assert is_summary_outcome(name)


def test_a_counterfactual_target_needs_the_option_and_a_relevance_effect_the_baseline():
    text = "[targets.mentor_retention_effect_52w]\nvalue = 0.01\ndesign = 'program'\n"
    with pytest.raises(InputError, match="observation.mentor_counterfactual = true"):
        loads_scenario(text, "x.toml")
    loads_scenario("[observation]\nmentor_counterfactual = true\n" + text, "x.toml")
    text = "include_baseline = false\n[targets.digital_relevance_effect_end]\nvalue = 0.2\n"
    with pytest.raises(InputError, match="include_baseline = true"):
        loads_scenario(text, "x.toml")


def test_the_case_scenarios_ask_for_the_paired_measures():
    pershing = load_scenario(CASES_DIR / "pershing.toml")
    assert pershing.observation.mentor_counterfactual
    surabaya = load_scenario(CASES_DIR / "surabaya.toml")
    assert [t.outcome for t in surabaya.targets] == ["digital_relevance_effect_end"]


def test_sim_run_prints_mentor_retention_and_writes_the_columns(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text(
        "years = 1.2\nreplicates = 2\n[org]\nsize = 300\n[observation]\n"
        "mentor_counterfactual = true\n[designs.program]\nmentee_levels = [0, 1, 2]\n"
        "duration_weeks = 52\n"
    )
    assert main(["run", str(path), "--quiet", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "Mentor retention against the same people with every pathway off" in out
    assert "the program's effect on its mentors" in out
    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    for c in (*MENTOR_COLUMNS, "digital_relevance_effect_end"):
        assert c in summary
    program = summary[summary["design"] == "program"]
    assert program["mentor_retention_counterfactual_52w"].notna().all()
    assert np.allclose(
        program["mentor_retention_effect_52w"],
        program["mentor_retention_52w"] - program["mentor_retention_counterfactual_52w"],
    )
