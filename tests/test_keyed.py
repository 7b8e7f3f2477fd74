"""Keyed draws: hires and program draws are common to every design on a seed (ODD section 4)."""

import copy
import dataclasses as dc
import datetime as dt
import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from helpers import design
from sim import OrgCultureModel
from sim.model import keyed
from sim.model import people as people_module
from sim.model.keyed import keyed_uniforms
from sim.model.people import Hiring, ages_for, hire_into
from sim.scenario.design import default_program
from sim.scenario.parameters import OrgSpec, Pathways, Scenario

PATHWAYS = tuple(f.name for f in dc.fields(Pathways))


def busy(size: int = 250, **scenario_changes) -> Scenario:
    """Quick exits and hires, so that hires happen in different weeks in different designs."""
    base = Scenario(org=OrgSpec(size=size), **scenario_changes)
    dyn = base.dynamics
    exits = dc.replace(dyn.exits, base_junior=0.35, base_senior=0.2)
    return base.with_changes(dynamics=dc.replace(dyn, exits=exits))


# --- the keyed-draw function ----------------------------------------------------------
def test_keyed_uniforms_are_uniform_independent_and_depend_on_the_key_alone():
    key = keyed.base_key(np.random.SeedSequence(5))
    n = np.arange(200_000)
    u = keyed_uniforms(key, 3, 7, n)
    assert u.min() > 0 and u.max() < 1
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    # Neighbouring keys are not correlated: nor are draws of the next week or purpose.
    for other in (keyed_uniforms(key, 3, 7, n + 1), keyed_uniforms(key, 4, 7, n)):
        assert abs(np.corrcoef(u, other)[0, 1]) < 0.01
    assert abs(np.corrcoef(u, keyed_uniforms(key, 3, 8, n))[0, 1]) < 0.01
    # A draw is a function of its key: drawing fewer, more or in another order changes none.
    assert np.array_equal(keyed_uniforms(key, 3, 7, n[:10]), u[:10])
    assert np.array_equal(keyed_uniforms(key, 3, 7, n[::-1])[::-1], u)
    # Whole-number components are mixed in Python, arrays in numpy: the same words.
    assert keyed_uniforms(key, 3, 7, 42) == u[42]
    assert keyed_uniforms(key, np.array([3]), 7, np.array([42]))[0] == u[42]
    assert keyed_uniforms(key, 3, 7, n[:0]).shape == (0,)
    # A few draws are mixed as Python integers, more in numpy: the same numbers.
    for few in (1, keyed.FEW_DRAWS, keyed.FEW_DRAWS + 1):
        assert np.array_equal(keyed_uniforms(key, 3, 7, n[100 : 100 + few]), u[100 : 100 + few])
        square = keyed_uniforms(key, 3, 7, n[100 : 100 + few].reshape(-1, 1))
        assert square.shape == (few, 1) and np.array_equal(square[:, 0], u[100 : 100 + few])
    # Broadcast keys: a row per position, a column per draw index.
    grid = keyed_uniforms(key, n[:4, None], 2, np.arange(3))
    assert grid.shape == (4, 3) and grid[2, 1] == keyed_uniforms(key, 2, 2, 1)
    # Another base key (another seed or stream) draws other numbers.
    other_key = keyed.base_key(np.random.SeedSequence(6))
    assert not np.array_equal(keyed_uniforms(other_key, 3, 7, n[:10]), u[:10])


def test_beta_draws_by_inverse_distribution_function_have_the_asked_mean_and_sd():
    u = keyed_uniforms(keyed.base_key(np.random.SeedSequence(1)), np.arange(100_000))
    draws = keyed.beta_from_uniforms(u, 0.55, 0.12)
    assert draws.mean() == pytest.approx(0.55, abs=0.002)
    assert draws.std() == pytest.approx(0.12, abs=0.002)
    assert stats.kstest(draws, "beta", args=keyed.beta_parameters(0.55, 0.12)).pvalue > 1e-3


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 2**32 - 1), st.integers(1, 2**29 - 1)), max_size=20),
    st.integers(0, 2**64 - 1),
)
def test_hire_uniforms_are_the_keyed_uniforms_of_the_hire_keys(hires, base):
    # The shortcut folds the traits' constants into the key: the very same words, whether
    # mixed as Python integers (a few hires) or in numpy (more than `keyed.FEW_DRAWS`).
    positions = np.array([p for p, _ in hires], dtype=np.int64)
    k = np.array([k for _, k in hires], dtype=np.int64)
    expected = keyed_uniforms(base, keyed.hire_key(positions, k))
    assert expected.shape == (len(hires), 3)
    assert np.array_equal(keyed.hire_uniforms(base, positions, k), expected)


def test_a_hire_draws_its_traits_as_the_documented_formulas_say():
    # hire_into gathers one row of a per-position table (Beta shapes, age ranges) and draws
    # each trait from it: the same numbers as drawing each from its own distribution.
    model = OrgCultureModel(busy(size=120), None, seed=3)
    wf, key, org, p = model.config.workforce, model.keys["hiring"], model.org, model.people
    hired = np.array([0, 5, 40, 119])
    k = p.occupant[hired] + 1
    hire_into(p, Hiring(org, wf, key), hired, 2031)
    u = keyed_uniforms(key, keyed.hire_key(hired, k))
    senior = org.is_senior[hired]
    e0_mean = np.where(senior, wf.senior_e0, wf.junior_e0)
    assert np.array_equal(p.e0[hired], keyed.beta_from_uniforms(u[:, 0], e0_mean, wf.sd))
    assert np.array_equal(p.openness[hired], keyed.beta_from_uniforms(u[:, 1], wf.openness, wf.sd))
    age = ages_for(org, hired, wf, u[:, 2])
    assert np.array_equal(p.birth_year[hired], (2031 - np.floor(age)).astype(np.int64))
    assert np.array_equal(
        p.digital[hired], np.where(senior, wf.hire_senior_digital, wf.hire_junior_digital)
    )
    assert np.array_equal(p.exposure[hired], p.digital[hired])
    assert np.array_equal(
        p.business_initial[hired],
        np.where(senior, wf.hire_senior_business, wf.hire_junior_business),
    )
    assert p.filled[hired].all() and (p.tenure[hired] == 0).all() and (p.occupant[hired] == k).all()
    # Another workforce on the same org: its own table, not the first one's.
    other = dc.replace(wf, junior_age=(60, 61), manager_age=(60, 61), executive_age=(60, 61))
    hire_into(p, Hiring(org, other, key), hired, 2031)
    assert ((2031 - p.birth_year[hired]) == 60).all()


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_a_few_hires_one_at_a_time_are_the_hires_of_the_array_form(data):
    # Up to people.FEW_HIRES hires are filled one by one with Python numbers: every value
    # must be the array form's, bit for bit (and the next hire's k and id follow on).
    model = few_hires_model()
    n = data.draw(st.integers(1, people_module.FEW_HIRES))
    hired = np.array(sorted(data.draw(st.sets(st.integers(0, 119), min_size=n, max_size=n))))
    year = data.draw(st.integers(1990, 2060))
    wf, key = model.config.workforce, model.keys["hiring"]
    one_by_one, as_arrays = copy.deepcopy(model.people), copy.deepcopy(model.people)
    hiring = Hiring(model.org, wf, key)
    hire_into(one_by_one, hiring, hired, year)
    few = people_module.FEW_HIRES
    try:
        people_module.FEW_HIRES = 0
        hire_into(as_arrays, hiring, hired, year)
    finally:
        people_module.FEW_HIRES = few
    assert one_by_one.next_person_id == as_arrays.next_person_id
    arrays = as_arrays.arrays()
    assert len(arrays) == len(one_by_one.arrays()) > 10
    for name, a in one_by_one.arrays().items():
        b = arrays[name]
        assert a.dtype == b.dtype and np.array_equal(a, b), name


@functools.cache
def few_hires_model() -> OrgCultureModel:
    """One small model for every example (its people are copied before each hire)."""
    return OrgCultureModel(Scenario(org=OrgSpec(size=120)), None, seed=6)


# --- hires on their own substreams ------------------------------------------------------
def hires_by_person(model: OrgCultureModel, weeks: int) -> dict[tuple[int, int], tuple]:
    """(position, k) -> (week, e0, openness, digital, business, birth year) of every hire."""
    p, seen = model.people, {}
    for _ in range(weeks):
        model.step()
        new = np.flatnonzero(p.filled & (p.tenure == 1))
        for i in new.tolist():
            if p.occupant[i] > 0:
                year = (model.config.start_date + dt.timedelta(weeks=model.steps)).year
                seen[i, int(p.occupant[i])] = (
                    year,
                    float(p.e0[i]),
                    float(p.openness[i]),
                    float(p.business_initial[i]),
                    float(p.digital[i]),
                    int(p.birth_year[i]),
                )
    return seen


def test_the_kth_hire_into_a_position_is_the_same_person_in_every_design():
    scenario = busy()
    base = hires_by_person(OrgCultureModel(scenario, None, seed=4), 104)
    program = hires_by_person(OrgCultureModel(scenario, design(two_way=True), seed=4), 104)
    common = base.keys() & program.keys()
    assert len(common) > 100
    same_year = [key for key in common if base[key][0] == program[key][0]]
    assert len(same_year) > 0.8 * len(common)
    moved = 0
    for key in common:
        year, *traits = base[key]
        # e0, openness, business and digital knowledge when hired.
        assert traits[:4] == list(program[key][1:5]), key
        if year == program[key][0]:
            assert traits[4] == program[key][5], key  # birth year, from the hire's year
        else:
            moved += 1
    # The program moved exits, so hires happened in other weeks: the keys matter.
    assert moved > 0 or len(base) != len(program)


def test_hires_do_not_depend_on_how_many_others_are_hired_that_week():
    model = OrgCultureModel(busy(size=120), None, seed=2)
    wf, key = model.config.workforce, model.keys["hiring"]
    many, alone = copy.deepcopy(model.people), copy.deepcopy(model.people)
    k = model.people.occupant[[10, 20, 30]]  # after the warm-up's hires
    hiring = Hiring(model.org, wf, key)
    hire_into(many, hiring, np.array([10, 20, 30]), 2025)
    hire_into(alone, hiring, np.array([20]), 2025)
    traits = ("e0", "openness", "birth_year", "digital", "business", "occupant")
    for name in traits:
        assert getattr(many, name)[20] == getattr(alone, name)[20], name
    assert many.occupant[[10, 20, 30]].tolist() == (k + 1).tolist()
    # The next hire into the position (k + 2) is another person.
    hire_into(alone, hiring, np.array([20]), 2025)
    assert alone.occupant[20] == k[1] + 2 and alone.e0[20] != many.e0[20]


# --- common random numbers: designs share the exits stream and the warm-up --------------------
def test_the_exits_stream_is_untouched_by_the_program():
    scenario = busy(size=200)
    runs = [
        OrgCultureModel(scenario, d, seed=21)
        for d in (None, design(), design(mentor_selection="volunteers", commitment=0.5))
    ]
    for m in runs:
        m.run_for(30)
    states = [m.streams["exits"].bit_generator.state for m in runs]
    assert states[0] == states[1] == states[2]
    assert runs[1].program.sessions_held > 0


def test_every_design_equals_the_baseline_until_the_launch():
    scenario = busy(size=200, start_date=dt.date(2024, 1, 1), launch_date=dt.date(2024, 7, 1))
    launch = scenario.launch_week
    designs = [
        None,
        design(),
        design(mentor_selection="volunteers", two_way=True, cadence_weeks=1),
        design(coverage=0.5, start_week=3, pairing="skill_gap"),
    ]
    series = []
    for d in designs:
        m = OrgCultureModel(scenario, d, seed=8)
        m.run_for(launch + 30)
        series.append(m.series())
    base = series[0]
    assert base.loc[:launch, ["exits_junior", "exits_senior"]].to_numpy().sum() > 10
    for s in series[1:]:
        for column in base.columns:
            a = base.loc[:launch, column].to_numpy()
            b = s.loc[:launch, column].to_numpy()
            assert np.array_equal(a, b) or (
                a.dtype.kind == "f" and np.array_equal(a, b, equal_nan=True)
            ), column
        # ... and the program did something after it.
        assert not np.array_equal(base["engagement_junior"], s["engagement_junior"])


def test_runs_that_differ_only_in_a_pathway_share_every_program_draw():
    # Nobody leaves, so pairs end only by misses: the keyed attendance draws are then the
    # same whatever the pathways carry, and so is the whole pair table, week by week.
    base = Scenario(org=OrgSpec(size=200))
    exits = dc.replace(base.dynamics.exits, base_junior=0.0, base_senior=0.0)
    d = default_program().with_changes(commitment=0.6, two_way=True, max_missed=2)
    tables = []
    for switches in ({}, {p: False for p in PATHWAYS}, {"listening": False, "learning": False}):
        dyn = dc.replace(base.dynamics, exits=exits, pathways=Pathways(**switches))
        m = OrgCultureModel(base.with_changes(dynamics=dyn), d, seed=3)
        m.run_for(40)
        pt = m.program.pairs
        tables.append([getattr(pt, c).tolist() for c in pt.COLUMNS])
    assert tables[0] == tables[1] == tables[2]
    assert max(tables[0][-1]) > 0  # some pairs ended after missed sessions (and re-matched)


# --- volunteer mentors ---------------------------------------------------------------
def volunteer_program(s_eng: float, s_dig: float, seed: int = 6):
    scenario = Scenario(org=OrgSpec(size=400))
    vol = dc.replace(scenario.dynamics.volunteers, s_eng=s_eng, s_dig=s_dig)
    scenario = scenario.with_changes(dynamics=dc.replace(scenario.dynamics, volunteers=vol))
    return OrgCultureModel(scenario, design(mentor_selection="volunteers"), seed=seed).program


def test_volunteers_lean_toward_the_engaged_and_the_digital_by_their_weights():
    prog = volunteer_program(s_eng=3.0, s_dig=0.0)
    p = prog.people
    pool = prog.eligible_mentors()
    chosen = prog.volunteer_pool(pool, 20, 1, keyed.INTAKE, 0)
    assert len(set(chosen.tolist())) == 20 and set(chosen.tolist()) <= set(pool.tolist())
    e, d = p.engagement, p.digital
    assert e[chosen].mean() > e[pool].mean() + 1.0 * e[pool].std()
    by_digital = volunteer_program(s_eng=0.0, s_dig=3.0)
    chosen_d = by_digital.volunteer_pool(pool, 20, 1, keyed.INTAKE, 0)
    assert d[chosen_d].mean() > d[pool].mean() + 1.0 * d[pool].std()
    assert abs(e[chosen_d].mean() - e[pool].mean()) < e[chosen].mean() - e[pool].mean()


def test_volunteers_with_both_weights_zero_are_a_uniform_draw():
    prog = volunteer_program(s_eng=0.0, s_dig=0.0)
    pool = prog.eligible_mentors()
    n, size = len(pool), 10
    counts = np.zeros(prog.org.size)
    draws = 600
    for week in range(draws):
        np.add.at(counts, prog.volunteer_pool(pool, size, week, keyed.INTAKE, 0), 1)
    counts = counts[pool]
    # Each eligible junior is chosen with probability size / n in each draw.
    chi2 = stats.chisquare(counts, np.full(n, draws * size / n))
    assert chi2.pvalue > 1e-3
    # ... and not tied to engagement: its correlation with the counts is small.
    assert abs(np.corrcoef(counts, prog.people.engagement[pool])[0, 1]) < 0.25


def test_a_volunteer_design_runs_and_pairs_volunteers():
    m = OrgCultureModel(Scenario(org=OrgSpec(size=300)), design(mentor_selection="volunteers"), 1)
    eligible = m.program.eligible_mentors()
    m.step()
    rows = m.program.pairs.active_rows()
    mentors = m.program.pairs.mentor[rows]
    assert len(mentors) == len(m.program.intakes[0].mentees)
    # Not simply the most digital (that is the other rule).
    top = eligible[np.argsort(-m.people.digital[eligible], kind="stable")[: len(mentors)]]
    assert set(mentors.tolist()) != set(top.tolist())
