"""Invariants of the weekly step, checked after every week on random small organisations."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.model import OrgCultureModel
from sim.scenario.design import MENTOR_SELECTIONS, PAIRING_RULES, ProgramDesign
from sim.scenario.parameters import OrgSpec, Scenario

designs = st.builds(
    ProgramDesign,
    mentee_levels=st.sampled_from([None, (0, 1), (1, 2), (2,)]),
    coverage=st.floats(0, 1),
    min_mentor_tenure_weeks=st.integers(0, 104),
    mentor_selection=st.sampled_from(MENTOR_SELECTIONS),
    pairing=st.sampled_from(PAIRING_RULES),
    cadence_weeks=st.integers(1, 6),
    duration_weeks=st.one_of(st.none(), st.integers(1, 30)),
    intake_every_weeks=st.one_of(st.none(), st.integers(30, 40)),
    commitment=st.floats(0, 1),
    formal=st.booleans(),
    max_missed=st.integers(1, 4),
    rematch=st.booleans(),
    topic_focus=st.floats(0, 1),
    mentor_training=st.booleans(),
    two_way=st.booleans(),
)


def check_week(model: OrgCultureModel, before: dict) -> None:
    p, org, n = model.people, model.org, model.org.size
    filled = p.filled
    # States stay in 0..1 for everyone in a position.
    for name in ("digital", "business", "engagement", "exit_risk", "openness", "exposure"):
        values = getattr(p, name)[filled]
        assert np.all((values >= 0) & (values <= 1)), name
    # Filled + vacant = positions; one agent per filled position, none in vacant ones.
    row = model.recorder.rows
    assert (
        row["headcount_junior"][-1]
        + row["vacancies_junior"][-1]
        + row["headcount_senior"][-1]
        + row["vacancies_senior"][-1]
        == n
    )
    assert len(model.agents) == int(filled.sum())
    for pos in range(n):
        cell_agents = model.grid._cells[pos].agents
        assert len(cell_agents) == int(filled[pos])
        if filled[pos]:
            agent = cell_agents[0]
            assert agent.position == pos and agent.engagement == p.engagement[pos]
    # Exits counted = agents removed; hires fill only positions that were vacant.
    exits = row["exits_junior"][-1] + row["exits_senior"][-1]
    gone = before["agents"] - set(model.agents)
    assert exits == len(gone)
    hired = np.flatnonzero(p.person_id != before["person_id"])
    emptied = [a.position for a in gone]
    assert np.all(~before["filled"][hired] | np.isin(hired, emptied))
    # Listening stocks only at seniors, voice only at juniors, none at a vacancy.
    assert np.all(p.listening >= 0) and np.all(p.voice >= 0)
    assert np.all(p.listening[~org.is_senior] == 0) and np.all(p.voice[org.is_senior] == 0)
    assert np.all(p.listening[~filled] == 0) and np.all(p.voice[~filled] == 0)
    # Org ties never change; mentoring ties are exactly the active pairs.
    assert model.grid.G.number_of_edges() == before["org_edges"]
    prog = model.program
    if prog is None:
        return
    rows = prog.pairs.active_rows()
    mentors, mentees = prog.pairs.mentor[rows], prog.pairs.mentee[rows]
    assert prog.ties.number_of_edges() == len(rows)
    # Pairs join only current employees: a junior mentor, a senior mentee.
    assert np.all(p.filled[mentors]) and np.all(p.filled[mentees])
    assert not org.is_senior[mentors].any() and org.is_senior[mentees].all()
    # Nobody is in two pairs; no mentor is the mentee's direct or skip-level report.
    assert len(np.unique(np.r_[mentors, mentees])) == 2 * len(rows)
    assert not np.any(org.parent[mentors] == mentees)
    assert not np.any(org.grandparent[mentors] == mentees)
    # Sessions never exceed the schedule since the pair formed.
    week = model.steps
    for r in range(prog.pairs.n):
        intake = prog.intakes[prog.pairs.intake[r]]
        end = prog.pairs.ended[r] if prog.pairs.ended[r] >= 0 else week
        scheduled = sum(
            1 for w in range(prog.pairs.formed[r], end + 1) if prog.session_due(intake, w)
        )
        assert prog.pairs.sessions[r] <= scheduled


@settings(max_examples=25)
@given(
    size=st.integers(8, 140),
    span=st.integers(2, 8),
    seed=st.integers(0, 2**31),
    program=st.one_of(st.none(), designs),
    time_to_fill=st.integers(0, 10),
)
def test_weekly_invariants_hold(size, span, seed, program, time_to_fill):
    scenario = Scenario(org=OrgSpec(size=size, span=span))
    scenario = scenario.with_changes(
        dynamics=scenario.dynamics.__class__(
            hiring=scenario.dynamics.hiring.__class__(time_to_fill=time_to_fill)
        )
    )
    model = OrgCultureModel(scenario, program, seed)
    for _ in range(40):
        before = {
            "agents": set(model.agents),
            "person_id": model.people.person_id.copy(),
            "filled": model.people.filled.copy(),
            "org_edges": model.grid.G.number_of_edges(),
        }
        model.step()
        check_week(model, before)
