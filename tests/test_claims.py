"""The model's qualitative claims (docs/ODD.md section 11.3), over replicates on shared seeds."""

import dataclasses as dc

import numpy as np
import pytest

from sim import OrgCultureModel, run_scenario
from sim.analysis import paired_differences
from sim.scenario.design import default_program
from sim.scenario.parameters import Scenario

SEEDS = [101, 102, 103, 104, 105, 106, 107, 108]
ONE_WAY = default_program().with_changes(name="one_way")
TWO_WAY = ONE_WAY.with_changes(name="two_way", two_way=True)


def difference(summary, outcome, design, baseline="baseline"):
    d = paired_differences(summary, [outcome], baseline)
    return d[d["design"] == design].iloc[0]


@pytest.fixture(scope="module")
def default_results():
    scenario = Scenario(years=2).with_changes(designs=(ONE_WAY, TWO_WAY))
    return run_scenario(scenario, seeds=SEEDS)


def test_default_design_lowers_junior_turnover(default_results):
    for year in ("y1", "y2"):
        d = difference(default_results.summary, f"turnover_junior_{year}", "one_way")
        assert d["ci_high"] < 0, d


def test_default_design_raises_leadership_fluency(default_results):
    d = difference(default_results.summary, "leadership_fluency_end", "one_way")
    assert d["ci_low"] > 0.15, d


def test_two_way_raises_junior_engagement_more_than_one_way(default_results):
    d = difference(default_results.summary, "engagement_junior_end", "two_way", "one_way")
    assert d["ci_low"] > 0, d


def test_two_way_raises_junior_business_knowledge_and_one_way_does_not():
    gains = {}
    for d in (ONE_WAY, TWO_WAY):
        model = OrgCultureModel(Scenario(), d, seed=3)
        model.run_for(52)
        p, juniors = model.people, model.people.filled & ~model.org.is_senior
        gains[d.name] = (p.business - p.business_initial)[juniors]
    assert np.all(gains["one_way"] == 0)
    assert gains["two_way"].mean() > 0.01 and gains["two_way"].min() >= 0


def test_without_a_digital_gap_the_program_does_not_raise_fluency(default_results):
    base = Scenario(years=2)
    same = dict(
        junior_digital=0.5,
        senior_digital=0.5,
        hire_junior_digital=0.5,
        hire_senior_digital=0.5,
        sd=0.01,
    )
    knowledge = dc.replace(base.dynamics.knowledge, frontier_drift=0.0)
    no_gap = base.with_changes(
        workforce=dc.replace(base.workforce, **same),
        dynamics=dc.replace(base.dynamics, knowledge=knowledge),
        designs=(ONE_WAY,),
    )
    flat = difference(
        run_scenario(no_gap, seeds=SEEDS).summary, "leadership_fluency_end", "one_way"
    )
    with_gap = difference(default_results.summary, "leadership_fluency_end", "one_way")
    assert abs(flat["difference"]) < 0.03
    assert flat["difference"] < 0.1 * with_gap["difference"]


def test_a_narrow_short_program_barely_moves_division_turnover(default_results):
    # docs/ODD.md section 11.3: levels 0-1 only, 4 months: mentees gain, the division does not.
    narrow = default_program().with_changes(name="narrow", mentee_levels=(0, 1), duration_weeks=17)
    r = run_scenario(Scenario(years=2).with_changes(designs=(narrow,)), seeds=SEEDS)
    d = difference(r.summary, "turnover_junior_y2", "narrow")
    wide = difference(default_results.summary, "turnover_junior_y2", "one_way")
    assert abs(d["difference"]) < 0.5 * abs(wide["difference"])
