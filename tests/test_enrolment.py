"""Targeted enrolment: each `mentee_selection` rule, the `max_pairs` budget, keyed tie-breaks.

A hand-made org of 12 positions (levels 0-3) whose scores are worked out by hand:

    0 ─┬─ 1 ─┬─ 3 ─┬─ 7         seniors: 0, 1, 2, 3, 6
       │     │     └─ 8         most_reports (chain_depth 3): 0: 7, 1: 4, 2: 3, 6: 3, 3: 2
       │     ├─ 4               most_reports (chain_depth 1): 6: 3, 1: 2, 3: 2, 0: 0, 2: 0
       │     └─ 5               most_connected (informal ties to juniors): 3: 3, 2: 1, 6: 1
       └─ 2 ─── 6 ─┬─ 9
                   ├─ 10
                   └─ 11
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model import enrolment, keyed
from sim.model.model import OrgCultureModel
from sim.model.org import build_org, generate_org
from sim.model.people import initial_people
from sim.model.program import Program
from sim.scenario.design import ProgramDesign
from sim.scenario.parameters import OrgSpec, SessionParams, Workforce, default_scenario

PARENT = np.array([-1, 0, 0, 1, 1, 1, 2, 3, 3, 6, 6, 6])
INFORMAL = np.array([[3, 9], [3, 10], [3, 11], [6, 7], [0, 6], [2, 10]])
KEY = 987654321


def hand_org(informal=INFORMAL):
    spec = OrgSpec(informal_ties=0)
    return build_org(PARENT, spec, np.random.default_rng(0), informal=informal)


def intake(design, org=None, depth=3, key=KEY, listed=None):
    """The mentees of the first intake of `design` on the hand-made org (week-0 people)."""
    org = hand_org() if org is None else org
    people = initial_people(org, Workforce(), 2024, np.random.default_rng(1))
    program = Program(
        design, org, people, 0, key, SessionParams(), chain_depth=depth, listed=listed
    )
    program.open_intake(program.first_week)
    return program, program.intakes[0].mentees.tolist()


def design(**knobs):
    return ProgramDesign(mentee_levels=None, min_mentor_tenure_weeks=0, **knobs)


def test_scores_on_the_hand_made_org():
    org = hand_org()
    assert enrolment.junior_reach(org, 3)[[0, 1, 2, 3, 6]].tolist() == [7, 4, 3, 2, 3]
    assert enrolment.junior_reach(org, 1)[[0, 1, 2, 3, 6]].tolist() == [0, 2, 0, 2, 3]
    assert enrolment.junior_ties(org)[[0, 1, 2, 3, 6]].tolist() == [0, 0, 1, 3, 1]


@pytest.mark.parametrize(
    ("rule", "depth", "budget", "expected"),
    [
        ("top_levels", 3, 1, [0]),
        ("top_levels", 3, 3, [0, 1, 2]),
        ("most_reports", 3, 2, [0, 1]),
        ("most_reports", 1, 1, [6]),
        ("most_connected", 3, 1, [3]),
        ("most_reports", 3, 5, [0, 1, 2, 3, 6]),
    ],
)
def test_each_rule_enrols_the_highest_scores(rule, depth, budget, expected):
    _, mentees = intake(design(mentee_selection=rule, max_pairs=budget), depth=depth)
    assert mentees == expected


def test_listed_enrols_exactly_the_listed_seniors():
    listed = np.array([2, 6])
    program, mentees = intake(design(mentee_selection="listed"), listed=listed)
    assert mentees == [2, 6]
    assert program.mentee_level_mask.nonzero()[0].tolist() == [2, 6]


def test_listed_without_a_list_is_a_clear_error():
    from sim.errors import InputError

    with pytest.raises(InputError, match="no list of mentees"):
        intake(design(mentee_selection="listed"))


def test_a_listed_position_refilled_by_a_new_hire_is_not_the_person_listed():
    org = hand_org()
    people = initial_people(org, Workforce(), 2024, np.random.default_rng(1))
    program = Program(
        design(mentee_selection="listed", intake_every_weeks=20, duration_weeks=10),
        org,
        people,
        0,
        KEY,
        SessionParams(),
        listed=np.array([2, 6]),
    )
    people.person_id[6] += 1000  # someone else now holds position 6
    assert program.eligible_mentees().tolist() == [2]


def test_max_pairs_caps_every_rule_and_coverage_still_applies():
    for rule in ("random", "top_levels", "most_reports", "most_connected"):
        for budget in (1, 2, 4):
            _, mentees = intake(design(mentee_selection=rule, max_pairs=budget))
            assert len(mentees) == budget
        _, mentees = intake(design(mentee_selection=rule, coverage=0.4, max_pairs=4))
        assert len(mentees) == 2  # 0.4 x 5 seniors = 2, under the budget of 4


def test_ties_within_a_rule_are_broken_by_the_keyed_intake_draw():
    # top_levels with a budget of 2: the top (0), then one of the two level-1 seniors.
    picks = set()
    for key in range(40):
        _, mentees = intake(design(mentee_selection="top_levels", max_pairs=2), key=key)
        assert mentees == intake(design(mentee_selection="top_levels", max_pairs=2), key=key)[1]
        tied = np.array([1, 2])
        week = 1
        u = keyed.keyed_uniforms(key, week, keyed.INTAKE, 0, keyed.ENROL, tied)
        assert mentees == [0, int(tied[np.argmin(u)])]
        picks.add(mentees[1])
    assert picks == {1, 2}  # either can win the tie, depending on the draw


def test_random_is_the_earlier_rule_draw_for_draw():
    org = generate_org(OrgSpec(size=400), np.random.default_rng(3))
    for coverage in (0.3, 0.77, 1.0):
        program, mentees = intake(design(coverage=coverage), org=org)
        eligible = np.flatnonzero(org.is_senior)
        u = keyed.keyed_uniforms(KEY, program.first_week, keyed.INTAKE, 0, keyed.ENROL, eligible)
        n = int(np.floor(coverage * len(eligible) + 0.5))
        assert mentees == np.sort(keyed.order_by(eligible, u)[:n]).tolist()


def test_default_design_keys_leave_the_scenario_digest_as_it_was():
    s = default_scenario()
    d = s.designs[0]
    changed = s.with_changes(designs=(d.with_changes(mentee_selection="top_levels"),))
    assert "mentee_selection" not in s.model_dict()["designs"][0]
    assert "ties_file" not in s.model_dict()["org"]
    assert changed.digest() != s.digest()


def test_a_run_with_a_targeted_budget_enrols_the_budget():
    model = OrgCultureModel(
        default_scenario(), "program", 5, mentee_selection="most_reports", max_pairs=6
    )
    model.run_for(2)
    mentees = model.program.intakes[0].mentees
    assert len(mentees) == 6
    reach = enrolment.junior_reach(model.org, model.config.dynamics.engagement.chain_depth)
    others = np.setdiff1d(np.flatnonzero(model.org.is_senior), mentees)
    assert reach[mentees].min() >= reach[others].max()


@settings(max_examples=25, deadline=None)
@given(
    size=st.integers(20, 300),
    rule=st.sampled_from(["top_levels", "most_reports", "most_connected"]),
    coverage=st.floats(0.05, 1.0),
    budget=st.one_of(st.none(), st.integers(1, 30)),
    seed=st.integers(0, 2**31),
)
def test_a_rule_takes_the_intake_size_and_no_one_left_out_outranks_an_enrolled(
    size, rule, coverage, budget, seed
):
    org = generate_org(OrgSpec(size=size), np.random.default_rng(seed))
    _, mentees = intake(
        design(mentee_selection=rule, coverage=coverage, max_pairs=budget), org=org, key=seed
    )
    eligible = np.flatnonzero(org.is_senior)
    assert len(mentees) == enrolment.intake_size(coverage, len(eligible), budget)
    key = enrolment.rank_key(rule, org, 3)
    out = np.setdiff1d(eligible, mentees)
    if len(mentees) and len(out):
        assert key[mentees].max() <= key[out].min()
