"""The network ablation's switches: shuffled informal ties, no contagion, no spillover.

Each switch must take out exactly its mechanism and nothing else: the shuffle keeps every
person and every position's number of ties; contagion off is the model with c_e = beta_c =
0; spillover off the model with sigma = 0; all switches at their defaults the full model.
"""

import dataclasses as dc

import numpy as np
import pandas as pd
import pytest

from helpers import small_scenario
from sim.model.model import OrgCultureModel, random_streams
from sim.model.org import INFORMAL, generate_org, shuffle_informal_ties
from sim.scenario.design import default_program
from sim.scenario.loading import default_with_overrides
from sim.scenario.parameters import OrgSpec
from sim.studies.ablation import EFFECT, ablation_table, run_network_ablation

PEOPLE = (
    "digital",
    "business",
    "engagement",
    "e0",
    "exposure",
    "openness",
    "birth_year",
    "generation",
    "tenure",
    "filled",
)


def ablated(scenario, **switches):
    d = scenario.dynamics
    return scenario.with_changes(
        dynamics=dc.replace(d, ablation=dc.replace(d.ablation, **switches))
    )


def with_dynamics(scenario, group, **values):
    d = scenario.dynamics
    return scenario.with_changes(
        dynamics=dc.replace(d, **{group: dc.replace(getattr(d, group), **values)})
    )


def degrees(org):
    return np.bincount(org.edges.ravel(), minlength=org.size)


def test_shuffled_ties_keep_every_persons_traits_and_every_degree():
    # Without a warm-up: the people as drawn (a warm-up on other ties is another warm-up).
    scenario = small_scenario(size=400, warmup_weeks=0)
    full = OrgCultureModel(scenario, default_program(), seed=4)
    shuffled = OrgCultureModel(ablated(scenario, shuffle_informal_ties=True), default_program(), 4)
    for name in PEOPLE:
        assert np.array_equal(getattr(full.people, name), getattr(shuffled.people, name)), name
    a, b = full.org, shuffled.org
    assert np.array_equal(a.parent, b.parent) and np.array_equal(a.department, b.department)
    assert len(a.edges) == len(b.edges)
    assert np.array_equal(degrees(a), degrees(b))
    # Per kind too: reporting and team ties are untouched, informal degrees kept.
    for kind in range(3):
        assert np.array_equal(
            np.bincount(a.edges[a.edge_kind == kind].ravel(), minlength=a.size),
            np.bincount(b.edges[b.edge_kind == kind].ravel(), minlength=b.size),
        )
    assert np.array_equal(a.edges[a.edge_kind != INFORMAL], b.edges[b.edge_kind != INFORMAL])
    # A simple graph still: no self-tie, no tie twice, in (i, j) order.
    assert (b.edges[:, 0] < b.edges[:, 1]).all()
    keys = b.edges[:, 0] * b.size + b.edges[:, 1]
    assert (np.diff(keys) > 0).all()


def test_shuffled_ties_forget_the_department():
    org = generate_org(OrgSpec(size=2000), np.random.default_rng(1))
    shuffled = shuffle_informal_ties(org, np.random.default_rng(2))

    def inside(o):
        t = o.edges[o.edge_kind == INFORMAL]
        return (o.department[t[:, 0]] == o.department[t[:, 1]]).mean()

    old = set(map(tuple, org.edges[org.edge_kind == INFORMAL].tolist()))
    new = set(map(tuple, shuffled.edges[shuffled.edge_kind == INFORMAL].tolist()))
    assert len(old & new) / len(old) < 0.05  # nearly every tie moved
    # About 80% of informal ties start inside the department; at random, about the share
    # of pairs in the same department.
    share = np.bincount(org.department) / org.size
    assert inside(org) > 0.75
    assert inside(shuffled) < 2 * (share**2).sum() + 0.05


def test_the_shuffle_draws_from_its_own_stream_and_leaves_the_others_as_they_were():
    generators, keys = random_streams(123)
    old = np.random.SeedSequence(123).spawn(4)  # the four streams before "ties" was added
    assert generators["org"].random() == np.random.default_rng(old[0]).random()
    assert generators["exits"].random() == np.random.default_rng(old[2]).random()
    spare = np.random.default_rng(np.random.SeedSequence(123).spawn(5)[4])
    assert generators["ties"].random() == spare.random()


def test_switches_at_their_defaults_are_the_full_model():
    scenario = small_scenario(size=150)
    explicit = default_with_overrides(
        [
            "org.size=150",
            "years=1",
            "replicates=2",
            "dynamics.ablation.shuffle_informal_ties=false",
            "dynamics.ablation.contagion=true",
            "dynamics.ablation.spillover=true",
        ],
        calibration={},  # the schema's behaviour, as small_scenario has
    )
    a = OrgCultureModel(scenario, default_program(), seed=9)
    b = OrgCultureModel(explicit, explicit.design("program"), seed=9)
    a.run_for(40)
    b.run_for(40)
    pd.testing.assert_frame_equal(a.series(), b.series())


@pytest.mark.parametrize("design", [None, default_program()])
def test_no_contagion_is_the_model_with_c_e_and_beta_c_zero(design):
    scenario = small_scenario(size=150)
    off = OrgCultureModel(ablated(scenario, contagion=False), design, seed=3)
    zero = OrgCultureModel(with_dynamics(scenario, "exits", c_e=0.0, beta_c=0.0), design, 3)
    off.run_for(52)
    zero.run_for(52)
    pd.testing.assert_frame_equal(off.series(), zero.series())
    assert not off.recent_neighbour_exits.any()


def test_no_spillover_is_the_model_with_sigma_zero():
    scenario = small_scenario(size=150)
    off = OrgCultureModel(ablated(scenario, spillover=False), default_program(), seed=3)
    zero = OrgCultureModel(with_dynamics(scenario, "knowledge", sigma=0.0), default_program(), 3)
    off.run_for(52)
    zero.run_for(52)
    pd.testing.assert_frame_equal(off.series(), zero.series())


def test_no_contagion_removes_contagions_extra_exits():
    # Strong contagion (each neighbour's exit drops engagement 0.1 and adds 50% to the hazard
    # for 12 weeks): on the same seeds the full model loses more juniors than without it.
    scenario = with_dynamics(small_scenario(size=200), "exits", c_e=0.1, beta_c=0.5)
    extra = []
    for seed in range(4):
        full = OrgCultureModel(scenario, None, seed)
        off = OrgCultureModel(ablated(scenario, contagion=False), None, seed)
        full.run_for(52)
        off.run_for(52)
        extra.append(full.summary()["exits_all_y1"] - off.summary()["exits_all_y1"])
    assert min(extra) >= 0 and sum(extra) >= 8


def test_no_spillover_leaves_non_mentees_behind():
    # Mentees are the top two levels; seniors below them learn only by spillover from them.
    scenario = small_scenario(size=300, years=1.0)
    full = OrgCultureModel(scenario, default_program(), seed=2)
    off = OrgCultureModel(ablated(scenario, spillover=False), default_program(), seed=2)
    full.run_for(52)
    off.run_for(52)
    lower = full.org.is_senior & (full.org.level >= 2) & full.people.filled & off.people.filled
    assert lower.sum() > 5
    assert full.people.digital[lower].mean() > off.people.digital[lower].mean()


def test_ablation_table_takes_each_variant_minus_the_full_model_on_the_same_seed():
    rows = []
    for variant, shift in (("full", 0.0), ("no_contagion", -0.02)):
        for seed in (1, 2, 3):
            for design, effect in (("baseline", 0.0), ("program", -0.01)):
                value = (
                    0.2
                    + 0.01 * seed
                    + shift
                    + effect
                    + (0.005 * seed if design == "program" and variant != "full" else 0)
                )
                rows.append(
                    {
                        "variant": variant,
                        "design": design,
                        "seed": seed,
                        "replicate": seed,
                        "turnover_junior_y2": value,
                    }
                )
    table = ablation_table(pd.DataFrame(rows), ["turnover_junior_y2"]).set_index("design")
    assert set(table["variant"]) == {"no_contagion"}
    assert table.loc["baseline", "difference"] == pytest.approx(-0.02)
    assert table.loc["baseline", "ci_low"] == pytest.approx(-0.02)  # no spread: no width
    # program: -0.02 plus 0.005 x seed (mean over seeds 1-3: 0.01)
    assert table.loc["program", "difference"] == pytest.approx(-0.01)
    # the program's effect changes by 0.005 x seed on average: 0.01
    assert table.loc[EFFECT, "difference"] == pytest.approx(0.01)
    assert table.loc[EFFECT, "ci_low"] < 0.01 < table.loc[EFFECT, "ci_high"]
    assert (table["n"] == 3).all()


def test_a_tiny_ablation_writes_its_tables_and_is_reproducible(tmp_path):
    kwargs = dict(replicates=2, size=60, years=1.0, workers=1, progress=False)
    first = run_network_ablation(tmp_path / "a", variants=["no_contagion"], **kwargs)
    again = run_network_ablation(tmp_path / "b", variants=["no_contagion"], **kwargs)
    assert {p.name for p in first.written} == {"ablation.csv", "ablation_runs.csv"}
    pd.testing.assert_frame_equal(first.table, again.table)
    table = pd.read_csv(tmp_path / "a" / "ablation.csv")
    assert set(table["design"]) == {"baseline", "program", EFFECT}
    # A one-year run reads year 1.
    assert set(table["outcome"]) == {
        "turnover_junior_y1",
        "engagement_junior_y1",
        "leadership_fluency_end",
    }
    runs = pd.read_csv(tmp_path / "a" / "ablation_runs.csv")
    assert len(runs) == 2 * 2 * 2  # variants x designs x replicates
