"""The model as a Mesa model: construction, agents, determinism, common random numbers."""

import numpy as np
import pandas as pd
import pytest

from helpers import design, small_scenario
from sim import Junior, OrgCultureModel, ProgramDesign, Senior, run_scenario
from sim.model.org import TIE_KINDS, generate_org
from sim.scenario.design import default_program
from sim.scenario.parameters import OrgSpec, Scenario

PROGRAM_COLUMNS = {
    "pairs_active",
    "unpaired_mentees",
    "pairs_formed",
    "sessions_held",
    "program_hours",
    "program_cost",
    "sessions_per_pair",
}


def test_org_has_levels_departments_and_typed_ties():
    org = generate_org(OrgSpec(size=500, span=6), np.random.default_rng(3))
    g = org.to_networkx()
    assert g.number_of_nodes() == 500
    assert org.level[0] == 0 and (org.level[1:] == org.level[org.parent[1:]] + 1).all()
    # Departments are the level-1 subtrees; the root is its own department.
    top = np.flatnonzero(org.level == 1)
    assert org.n_departments == len(top) + 1
    assert (org.department[top] == np.arange(1, len(top) + 1)).all()
    kinds = {d["kind"] for _, _, d in g.edges(data=True)}
    assert kinds == set(TIE_KINDS)
    for child in range(1, 500):
        assert g.edges[child, org.parent[child]]["kind"] == "reports_to"
    assert g.nodes[0]["manager"] is None and g.nodes[7]["manager"] == org.parent[7]
    # Spans stay within span +- jitter (the last manager may get fewer).
    spans = np.bincount(org.parent[1:])
    assert spans[spans > 0][:-1].min() >= 5 and spans.max() <= 7


def test_informal_ties_are_mostly_inside_the_department():
    org = generate_org(OrgSpec(size=3000, informal_ties=2), np.random.default_rng(1))
    informal = org.edges[org.edge_kind == TIE_KINDS.index("informal")]
    inside = (org.department[informal[:, 0]] == org.department[informal[:, 1]]).mean()
    assert 0.75 < inside < 0.9


def test_mesa_idioms_work():
    model = OrgCultureModel(small_scenario(), design(), seed=4)
    juniors, seniors = model.agents_by_type[Junior], model.agents_by_type[Senior]
    # An agent for everyone there at week 0 (the warm-up leaves some positions vacant).
    assert len(juniors) + len(seniors) == model.people.filled.sum() > 0.9 * model.org.size
    assert {a.position for a in model.agents} == set(model.people.filled.nonzero()[0].tolist())
    assert all(not model.org.is_senior[a.position] for a in juniors)
    agent = seniors.to_list()[0]
    assert 0 <= agent.digital <= 1 and agent.generation in (
        "Boomer",
        "Gen X",
        "Millennial",
        "Gen Z",
    )
    agent.engagement = 0.123  # writes through to the per-position array
    assert model.people.engagement[agent.position] == 0.123
    model.step()
    model.run_for(9)
    assert model.steps == 10 and len(model.series()) == 11
    assert model.grid._cells[0].agents == [model.agent_at(0)] or model.agent_at(0) is None


def test_same_seed_gives_identical_tables_and_different_seeds_differ():
    scenario = small_scenario(years=1)
    a = run_scenario(scenario, seeds=[11, 12])
    b = run_scenario(scenario, seeds=[11, 12])
    c = run_scenario(scenario, seeds=[13, 14])
    pd.testing.assert_frame_equal(a.series, b.series)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    assert not a.series["engagement_junior"].equals(c.series["engagement_junior"])


def test_zero_commitment_reproduces_the_baseline_exactly():
    scenario = small_scenario(size=300, years=2)
    base = OrgCultureModel(scenario, None, seed=7)
    idle = OrgCultureModel(scenario, design(commitment=0.0), seed=7)
    base.run_for(104)
    idle.run_for(104)
    b, i = base.series(), idle.series()
    assert idle.program.pairs_formed > 0  # pairs were formed but never met
    shared = [c for c in b.columns if c not in PROGRAM_COLUMNS]
    pd.testing.assert_frame_equal(b[shared], i[shared])


def test_exit_draws_are_common_across_designs():
    # Same seed: same org, same initial people, and the same uniforms for exits.
    scenario = small_scenario(size=200)
    a = OrgCultureModel(scenario, None, seed=21)
    b = OrgCultureModel(scenario, design(), seed=21)
    assert np.array_equal(a.org.edges, b.org.edges)
    assert np.array_equal(a.people.digital, b.people.digital)
    ua = a.streams["exits"].random(5)
    ub = b.streams["exits"].random(5)
    assert np.array_equal(ua, ub)


def test_mentors_are_the_most_digital_eligible_juniors():
    model = OrgCultureModel(small_scenario(size=300), design(mentee_levels=(0, 1)), seed=2)
    p = model.people
    digital = p.digital.copy()
    eligible = np.flatnonzero(p.filled & ~model.org.is_senior & (p.tenure >= 52))
    model.step()
    prog = model.program
    mentees = np.flatnonzero(prog.enrolled >= 0)
    pool = eligible[np.argsort(-digital[eligible], kind="stable")[: len(mentees)]]
    mentors = prog.pairs.mentor[prog.pairs.active_rows()]
    assert len(mentors) > 0 and set(mentors) <= set(pool)


def test_pairing_rules_respect_departments():
    for rule, same in (("same_department", True), ("cross_department", False)):
        model = OrgCultureModel(small_scenario(size=400), design(pairing=rule), seed=5)
        model.step()
        prog = model.program
        rows = prog.pairs.active_rows()
        assert len(rows) > 0
        d = model.org.department
        match = d[prog.pairs.mentor[rows]] == d[prog.pairs.mentee[rows]]
        assert match.all() if same else not match.any()


def test_skill_gap_pairs_least_digital_mentee_with_most_digital_mentor():
    model = OrgCultureModel(small_scenario(size=400), design(pairing="skill_gap"), seed=6)
    digital_before = model.people.digital.copy()
    model.step()
    prog = model.program
    rows = prog.pairs.active_rows()
    mentees, mentors = prog.pairs.mentee[rows], prog.pairs.mentor[rows]
    gaps = digital_before[mentors] - digital_before[mentees]
    first = np.argmin(digital_before[mentees])
    assert digital_before[mentors[first]] >= np.median(digital_before[mentors])
    assert gaps.mean() > 0


def test_fixed_duration_program_ends_and_sessions_follow_the_schedule():
    d = design(duration_weeks=17, cadence_weeks=2, commitment=1.0, mentee_levels=(0, 1))
    model = OrgCultureModel(small_scenario(size=300), d, seed=8)
    model.run_for(30)
    prog = model.program
    assert prog.active_pairs == 0
    # 17 weeks from week 1 at every 2 weeks: weeks 1, 3, ..., 17 = 9 sessions per pair.
    first = prog.pairs.sessions[prog.pairs.intake == 0]
    assert first.max() == 9


def test_intakes_start_new_cohorts():
    d = design(duration_weeks=10, intake_every_weeks=26, mentee_levels=(0, 1), coverage=0.5)
    model = OrgCultureModel(small_scenario(size=300), d, seed=9)
    model.run_for(60)
    starts = [i.start for i in model.program.intakes]
    assert starts == [1, 27, 53]


def test_missed_sessions_end_pairs_and_rematch_replaces_them():
    d = design(commitment=0.3, max_missed=1, rematch=True, mentee_levels=(0, 1))
    model = OrgCultureModel(small_scenario(size=300), d, seed=10)
    model.run_for(20)
    prog = model.program
    assert prog.pairs_formed > len(prog.intakes[0].mentor_positions)
    no_rematch = OrgCultureModel(small_scenario(size=300), d.with_changes(rematch=False), seed=10)
    no_rematch.run_for(20)
    assert no_rematch.program.pairs_formed == len(no_rematch.program.intakes[0].mentor_positions)
    assert no_rematch.program.active_pairs < prog.active_pairs


def test_mentor_retention_counts_a_vacant_mentor_position_as_gone():
    model = OrgCultureModel(small_scenario(size=300), design(mentee_levels=(0, 1)), seed=11)
    model.run_for(52)
    intake = model.program.intakes[0]
    at, people = intake.mentor_positions, model.people
    stayed = people.filled[at] & (people.person_id[at] == intake.mentor_ids)
    # The mentor leaves; the position stays vacant and still holds the leaver's id until a hire.
    leaver = at[stayed][0]
    people.filled[leaver] = False
    model.program.note_retention(intake.start + 52)
    assert intake.retention == pytest.approx((stayed.sum() - 1) / len(at))


def test_unpaired_mentees_are_counted_when_mentors_run_out():
    # Nobody has 100 years of tenure: no eligible mentors at all.
    d = design(min_mentor_tenure_weeks=5200, mentee_levels=(0, 1))
    model = OrgCultureModel(small_scenario(size=300), d, seed=1)
    model.step()
    enrolled = int((model.program.enrolled >= 0).sum())
    assert enrolled > 0 and model.program.unpaired_mentees(1) == enrolled
    assert model.series()["unpaired_mentees"].iloc[-1] == model.program.unpaired_mentees(1)


def test_ending_a_mentoring_tie_leaves_org_ties():
    model = OrgCultureModel(small_scenario(size=200), design(duration_weeks=3), seed=3)
    edges = model.grid.G.number_of_edges()
    model.run_for(2)
    assert model.program.ties.number_of_edges() > 0
    model.run_for(3)
    assert model.program.ties.number_of_edges() == 0
    assert model.grid.G.number_of_edges() == edges


def test_week_zero_is_the_initial_state_and_turnover_is_flagged_before_week_52():
    model = OrgCultureModel(small_scenario(), None, seed=1)
    model.run_for(60)
    s = model.series()
    assert s["week"].tolist() == list(range(61))
    assert np.isnan(s["turnover_junior"].iloc[0])
    assert s["turnover_annualised"].iloc[:52].all() and not s["turnover_annualised"].iloc[52:].any()
    assert str(s["date"].iloc[1]) == "2024-01-08"


def test_per_person_rows_only_when_asked():
    scenario = small_scenario(size=50, years=0.1)
    assert run_scenario(scenario, seeds=[1]).people is None
    obs = scenario.observation.__class__(record_people=True)
    people = run_scenario(scenario.with_changes(observation=obs), seeds=[1]).people
    assert len(people) > 0 and {"engagement", "partner"} <= set(people.columns)


def test_run_scenario_rejects_an_unknown_design():
    with pytest.raises(KeyError, match="no design named"):
        run_scenario(small_scenario(), designs=["nope"], seeds=[1])


def test_summary_has_provenance():
    results = run_scenario(Scenario(org=OrgSpec(size=60), years=0.2), seeds=[5])
    row = results.summary.iloc[0]
    assert row["seed"] == 5 and len(row["scenario_hash"]) == 12
    assert row["sim_version"] != "" and "git_commit" in results.summary
    assert ProgramDesign() != default_program()
