"""The optimised weekly step equals a plain per-person reference implementation (issue 6).

Speed must never change the science: the model's whole-array step (sim.model.dynamics,
sim.model.model, sim.model.program, sim.model.observe) is run side by side with
`reference_model`, which loops over people and pairs and reads the formulas off
docs/ODD.md section 7. Both start from the same state of a small organisation with
vacancies, hires and a running two-way program (or from week 0, before the first intake),
and draw the same random numbers (the reference gets a copy of the model's exits generator
and the base keys of its keyed program and hiring draws). After every week their people,
pairs and weekly rows must agree to 1e-12. The mutation tests then break the optimised step
in ways a fast implementation plausibly could (spillover or contagion over the wrong ties,
the wrong manager for the digital gap, a chain of leaders of the wrong depth, vacant
leaders counted in the climate) and check that the comparison notices.
"""

import dataclasses as dc
import datetime as dt
import random

import networkx as nx
import numpy as np
import pytest
import reference_model as ref_model
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from mesa.discrete_space import Network

from sim.model.model import OrgCultureModel, dynamics
from sim.model.org import OrgNetwork, build_org, generate_org, levels_from_parents
from sim.scenario.design import MENTOR_SELECTIONS, PAIRING_RULES, default_program
from sim.scenario.orgchart.chart import OrgChart
from sim.scenario.parameters import OrgSpec, Scenario

WARM_UP, WEEKS = 20, 16
CONTINUOUS = (
    "digital",
    "business",
    "business_initial",
    "engagement",
    "e0",
    "exposure",
    "openness",
    "listening",
    "voice",
)
EXACT = ("generation", "birth_year", "tenure", "occupant", "person_id")


def busy_scenario(size: int = 130, start: dt.date = dt.date(2024, 1, 1)) -> Scenario:
    """A small org where much happens: frequent exits, quick hires, weekly two-way sessions."""
    base = Scenario(org=OrgSpec(size=size, span=5), start_date=start)
    dyn = base.dynamics
    return base.with_changes(
        dynamics=dc.replace(
            dyn,
            exits=dc.replace(dyn.exits, base_junior=0.45, base_senior=0.3),
            hiring=dc.replace(dyn.hiring, time_to_fill=3),
        )
    )


def busy_design():
    """Every senior level, 70% coverage, weekly, two-way, misses end pairs, re-matching."""
    return default_program().with_changes(
        coverage=0.7,
        cadence_weeks=1,
        commitment=0.75,
        max_missed=2,
        rematch=True,
        two_way=True,
        mentor_training=True,
    )


def warmed_up_model(seed: int = 3, start: dt.date = dt.date(2024, 1, 1)) -> OrgCultureModel:
    model = OrgCultureModel(busy_scenario(start=start), busy_design(), seed)
    model.run_for(WARM_UP)
    return model


def assert_same_week(model: OrgCultureModel, ref: ref_model.Reference, week: int) -> None:
    """People, pairs and the weekly row of the two implementations agree."""
    p = model.people
    filled = np.array([person.filled for person in ref.people])
    where = f"week {week}"
    assert np.array_equal(p.filled, filled), f"{where}: filled positions differ"
    vacant_since = np.array([person.vacant_since for person in ref.people])
    assert np.array_equal(p.vacant_since, vacant_since), f"{where}: vacancies differ"
    for name in CONTINUOUS:
        mine = getattr(p, name)[filled]
        theirs = np.array([getattr(person, name) for person in ref.people])[filled]
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-15, err_msg=f"{where}: {name}")
    for name in EXACT:
        mine = getattr(p, name)[filled]
        theirs = np.array([getattr(person, name) for person in ref.people])[filled]
        assert np.array_equal(mine, theirs), f"{where}: {name} differs"
    risk = np.array([person.exit_risk for person in ref.people])
    np.testing.assert_allclose(p.exit_risk, risk, rtol=1e-12, atol=1e-15, err_msg=where)
    pairs = model.program.pairs
    for column in ("mentor", "mentee", "intake", "sessions", "misses", "formed", "ended"):
        theirs = [getattr(pair, column) for pair in ref.pairs]
        assert getattr(pairs, column).tolist() == theirs, f"{where}: pairs' {column} differ"
    assert pairs.active[: pairs.n].tolist() == [pair.active for pair in ref.pairs], where
    assert model.program.enrolled.tolist() == ref.enrolled, f"{where}: enrolment differs"
    row, rows = ref.rows[-1], model.recorder.rows
    for key, value in row.items():
        mine = rows[key][-1]
        np.testing.assert_allclose(
            mine, value, rtol=1e-12, atol=1e-15, equal_nan=True, err_msg=f"{where}: {key}"
        )


def run_side_by_side(model: OrgCultureModel, weeks: int = WEEKS) -> ref_model.Reference:
    """Step the model and the reference together, checking after every week."""
    ref = ref_model.from_model(model)
    for _ in range(weeks):
        model.step()
        week = model.steps
        ref_model.step(ref, week)
        assert_same_week(model, ref, week)
    return ref


def test_optimised_step_equals_the_per_person_reference():
    model = warmed_up_model()
    # The scene is busy enough to mean something: vacancies, pairs meeting and ending.
    assert (~model.people.filled).sum() > 0 and model.program.active_pairs > 0
    sessions_before = model.program.sessions_held
    ref = run_side_by_side(model)
    series = model.series()
    weeks = series["week"] > WARM_UP
    assert series.loc[weeks, ["exits_junior", "exits_senior"]].to_numpy().sum() >= 5
    vacancies = series.loc[weeks, "vacancies_junior"] + series.loc[weeks, "vacancies_senior"]
    assert (vacancies > 0).sum() >= WEEKS - 2
    assert ref.sessions_held - sessions_before > 20
    assert any(not pair.active and pair.ended > WARM_UP for pair in ref.pairs)
    assert any(pair.formed > WARM_UP for pair in ref.pairs)  # re-matched in the window
    assert ref.next_person_id > model.org.size  # people were hired during the run
    assert any(person.occupant >= 2 for person in ref.people)  # some positions refilled twice
    # The climate had something to carry: leaders' stocks were well above 0.
    assert series["listening_senior"].iloc[-1] > 0.3 and series["voice_junior"].iloc[-1] > 0


def test_reference_agrees_from_week_0_with_volunteers_and_new_intakes():
    # The reference forms every pair itself: intakes of volunteers every 8 weeks, each
    # running 6, with re-matching; the weekly hazard keeps hires coming.
    design = busy_design().with_changes(
        mentor_selection="volunteers",
        duration_weeks=6,
        intake_every_weeks=8,
        pairing="cross_department",
        min_mentor_tenure_weeks=10,
    )
    model = OrgCultureModel(busy_scenario(), design, seed=7)
    ref = run_side_by_side(model, weeks=20)
    assert [start for _, start, _ in ref.intakes] == [1, 9, 17]
    assert ref.pairs_formed > 30 and ref.next_person_id > model.org.size


@pytest.mark.parametrize("seed", [11, 12])
def test_reference_agrees_on_other_seeds(seed):
    run_side_by_side(warmed_up_model(seed), weeks=10)


@pytest.mark.parametrize(
    "switches",
    [
        {"contagion": False},
        {"spillover": False},
        {"shuffle_informal_ties": True, "contagion": False, "spillover": False},
    ],
)
def test_reference_agrees_with_the_network_ablation_switches(switches):
    # The reference reads the (shuffled) ties from the model's org and the switches from
    # its scenario: contagion off feels no exit, spillover off adds no neighbour's gap.
    base = busy_scenario()
    ablation = dc.replace(base.dynamics.ablation, **switches)
    scenario = base.with_changes(dynamics=dc.replace(base.dynamics, ablation=ablation))
    model = OrgCultureModel(scenario, busy_design(), seed=5)
    model.run_for(WARM_UP)
    run_side_by_side(model, weeks=10)
    if not ablation.contagion:
        assert not model.recent_neighbour_exits.any()


def test_hires_on_new_years_day_are_born_in_the_new_years_terms():
    # Week WARM_UP + 2 falls on 1 January 2024: hires that week take 2024 as the current
    # year (docs/ODD.md section 2: calendar date of week k = start + 7k days).
    start = dt.date(2024, 1, 1) - dt.timedelta(weeks=WARM_UP + 2)
    ref = run_side_by_side(warmed_up_model(seed=5, start=start), weeks=4)
    assert ref.next_person_id > 0


@settings(max_examples=12)
@given(
    size=st.integers(20, 140),
    span=st.integers(2, 8),
    seed=st.integers(0, 2**31),
    design=st.builds(
        busy_design().with_changes,
        mentee_levels=st.sampled_from([None, (0, 1), (1, 2)]),
        coverage=st.floats(0.2, 1),
        min_mentor_tenure_weeks=st.integers(0, 60),
        mentor_selection=st.sampled_from(MENTOR_SELECTIONS),
        pairing=st.sampled_from(PAIRING_RULES),
        cadence_weeks=st.integers(1, 4),
        duration_weeks=st.one_of(st.none(), st.integers(1, 12)),
        intake_every_weeks=st.one_of(st.none(), st.integers(2, 5)),
        commitment=st.floats(0, 1),
        formal=st.booleans(),
        max_missed=st.integers(1, 4),
        rematch=st.booleans(),
        topic_focus=st.floats(0, 1),
        mentor_training=st.booleans(),
        two_way=st.booleans(),
    ),
    time_to_fill=st.integers(0, 6),
    start_after=st.integers(0, 3),
)
def test_reference_agrees_on_random_orgs_and_designs(
    size, span, seed, design, time_to_fill, start_after
):
    base = busy_scenario(size)
    scenario = base.with_changes(
        org=dc.replace(base.org, span=span),
        dynamics=dc.replace(
            base.dynamics, hiring=dc.replace(base.dynamics.hiring, time_to_fill=time_to_fill)
        ),
    )
    model = OrgCultureModel(scenario, design, seed)
    if start_after:  # else the reference opens the first intake itself (week 1)
        model.run_for(start_after)
    run_side_by_side(model, weeks=8)


# --- the comparison would notice a wrong fast path -------------------------------------------
def reports_to_only(model: OrgCultureModel) -> np.ndarray:
    org = model.org
    return org.edges[org.edge_kind == 0]


def spillover_over_reporting_lines_only(model: OrgCultureModel) -> None:
    i, j = reports_to_only(model).T
    both = model.org.is_senior[i] & model.org.is_senior[j]
    i, j = i[both], j[both]
    model.org.__dict__["senior_edges"] = (np.r_[i, j], np.r_[j, i])
    model.org.__dict__.pop("senior_edge_rank", None)


def contagion_over_reporting_lines_only(model: OrgCultureModel) -> None:
    i, j = reports_to_only(model).T
    n = model.org.size
    a = sp.csr_matrix((np.ones(2 * len(i)), (np.r_[i, j], np.r_[j, i])), shape=(n, n))
    a.sort_indices()
    model.org.__dict__["neighbours"] = (a.indptr.astype(np.int64), a.indices.astype(np.int64))


def gap_to_the_direct_manager_even_if_vacant(model, monkeypatch) -> None:
    monkeypatch.setattr(dynamics, "nearest_filled_manager", lambda people, org: org.parent)


def chain_one_level_too_short(model, monkeypatch) -> None:
    # The seniors' chains of depth 3 with their last row (the great-grand-manager of a
    # junior) past the top.
    depth = model.config.dynamics.engagement.chain_depth
    short = model.org.senior_chain_ranks(depth).copy()
    short[depth - 1] = len(model.org.senior_positions)
    model.org.__dict__["_senior_chain_ranks"][depth] = short


def vacant_leaders_count_in_the_climate(model, monkeypatch) -> None:
    # Means over every leader position, filled or vacant (a vacancy as listening 0).
    real = dynamics._listening_by_senior

    def everyone_filled(people, org, ep):
        return real(people.replace(filled=np.ones_like(people.filled)), org, ep)

    monkeypatch.setattr(dynamics, "_listening_by_senior", everyone_filled)


@pytest.mark.parametrize(
    "mutation",
    [
        spillover_over_reporting_lines_only,
        contagion_over_reporting_lines_only,
        gap_to_the_direct_manager_even_if_vacant,
        chain_one_level_too_short,
        vacant_leaders_count_in_the_climate,
    ],
)
def test_the_comparison_catches_a_wrong_fast_path(mutation, monkeypatch):
    model = warmed_up_model()
    if mutation in (spillover_over_reporting_lines_only, contagion_over_reporting_lines_only):
        mutation(model)
    else:
        mutation(model, monkeypatch)
    with pytest.raises(AssertionError):
        run_side_by_side(model)


# --- the Mesa space built from arrays is Mesa's Network over the org graph --------------------
def test_org_network_has_the_cells_and_connections_of_mesas_network():
    org = generate_org(OrgSpec(size=400), np.random.default_rng(8))
    theirs = Network(org.to_networkx(), capacity=1, random=random.Random(1), layout=None)
    mine = OrgNetwork(org, capacity=1, random=random.Random(1))
    assert isinstance(mine, Network)
    assert list(mine._cells) == list(theirs._cells) == list(range(org.size))
    for p, cell in theirs._cells.items():
        other = mine._cells[p]
        assert other.capacity == cell.capacity == 1 and other._position is None
        assert list(other.connections) == list(cell.connections)
        assert [c.coordinate for c in other.connections.values()] == list(cell.connections)
    assert nx.utils.graphs_equal(mine.G, theirs.G)
    assert list(mine.G.edges(data=True)) == list(theirs.G.edges(data=True))


def interleaved_chart(size: int = 120) -> OrgChart:
    """A breadth-first chart whose Senior positions are not the first positions.

    Every third report is a junior, so juniors sit between seniors on every level (an HR
    export looks like this; a generated org numbers its seniors first).
    """
    parent = [-1]
    managers = [0]
    while len(parent) < size:
        nxt = []
        for m in managers:
            for k in range(3):
                if len(parent) == size:
                    break
                parent.append(m)
                if k != 1:  # the middle report stays a junior
                    nxt.append(len(parent) - 1)
        managers = nxt or [len(parent) - 1]
    parent_a = np.array(parent, dtype=np.int64)
    n = len(parent_a)
    nan = np.full(n, np.nan)
    return OrgChart(
        parent=parent_a,
        level=levels_from_parents(parent_a),
        department=np.zeros(n, dtype=np.int64),
        department_names=("all",),
        birth_year=nan.copy(),
        hire_date=np.full(n, np.datetime64("NaT", "D"), dtype="datetime64[D]"),
        digital=nan.copy(),
        engagement=nan.copy(),
        source="interleaved",
    )


def test_reference_agrees_when_seniors_are_not_the_first_positions():
    # The fast step reads the seniors through a slice when they are positions 0..n_s - 1
    # (every generated org); an imported chart takes the index-array path.
    chart = interleaved_chart()
    model = OrgCultureModel(busy_scenario(len(chart.parent)), busy_design(), 9, org_chart=chart)
    seniors = model.org.senior_positions
    assert not np.array_equal(seniors, np.arange(len(seniors)))
    model.run_for(WARM_UP)
    assert not model.people.filled.all()
    run_side_by_side(model, weeks=10)


@settings(max_examples=40, deadline=None)
@given(
    parent_picks=st.lists(st.floats(0, 1, exclude_max=True), min_size=1, max_size=60),
    vacant=st.lists(st.booleans(), min_size=61, max_size=61),
)
def test_nearest_filled_manager_climbs_past_every_vacancy(parent_picks, vacant):
    # A random tree (parents precede children), random vacancies, stacked ones included:
    # the nearest filled position up the chain, found by walking it one step at a time.
    parent = np.array([-1] + [int(u * (i + 1)) for i, u in enumerate(parent_picks)])
    org = build_org(parent, OrgSpec(size=len(parent)), np.random.default_rng(0))
    filled = ~np.array(vacant[: len(parent)])
    people = type("FilledOnly", (), {"filled": filled})()
    expected = []
    for i in range(len(parent)):
        m = parent[i]
        while m >= 0 and not filled[m]:
            m = parent[m]
        expected.append(m)
    assert dynamics.nearest_filled_manager(people, org).tolist() == expected
