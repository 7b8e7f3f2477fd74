"""Model v4's dynamics: the warm-up, the chain's decay, network climate and peer voice.

Each mechanism is checked on an organisation small enough to know the answer: the climate
against its formula, the network and peer terms by switching their pathway off on the same
seed (with no exits, so nothing else can differ) and against the per-person reference
model, the warm-up against v3's numbers and across designs.
"""

import copy
import dataclasses as dc

import numpy as np
import pytest
import reference_model as ref_model
from test_reference import assert_same_week

from sim.errors import InputError
from sim.model import dynamics
from sim.model.model import OrgCultureModel
from sim.model.org import TIE_KINDS, Org, build_org
from sim.model.people import initial_people
from sim.scenario.design import default_program
from sim.scenario.loading import load_scenario
from sim.scenario.parameters import OrgSpec, Pathways, Scenario, Workforce, default_scenario
from sim.scenario.seeds import replicate_seeds

INFORMAL = TIE_KINDS.index("informal")

# A hand-made organisation (parents precede children; a manager's reports are contiguous):
# 0 the top; 1 (department 1) manages juniors 3-6; 2 (department 2) manages senior S = 7
# and junior M = 8; S manages juniors 9 and 10.
PARENT = np.array([-1, 0, 0, 1, 1, 1, 1, 2, 2, 7, 7])
S, M = 7, 8
OTHER_DEPARTMENT = [3, 4, 5, 6]  # juniors of department 1, each informally tied to S
M_PEERS = [9, 10]  # juniors whose one informal junior peer is M


def hand_made_org(network_ties: bool = True, peer_ties: bool = True) -> Org:
    """The hand-made org: reporting and team ties, plus the informal ties asked for."""
    base = build_org(PARENT, OrgSpec(size=len(PARENT), informal_ties=0), np.random.default_rng(0))
    ties = ([(j, S) for j in OTHER_DEPARTMENT] if network_ties else []) + (
        [(M, j) for j in M_PEERS] if peer_ties else []
    )
    extra = np.sort(np.array(ties, dtype=np.int64).reshape(-1, 2), axis=1)
    return dc.replace(
        base,
        edges=np.concatenate([base.edges, extra]),
        edge_kind=np.concatenate([base.edge_kind, np.full(len(extra), INFORMAL, np.int8)]),
    )


def model_on(org: Org, scenario: Scenario, design, seed: int = 5) -> OrgCultureModel:
    """A model on a given org (the build's org step replaced), M the most digital junior."""

    class OnOrg(OrgCultureModel):
        def build_org(self, chart):
            return org

    model = OnOrg(scenario, design, seed)
    model.people.digital[M] = model.people.exposure[M] = 0.999  # M is S's mentor
    return model


def quiet_scenario(**pathways: bool) -> Scenario:
    """No warm-up and no exits (so switching a pathway changes engagement alone)."""
    s = Scenario(org=OrgSpec(size=len(PARENT), informal_ties=0), warmup_weeks=0)
    d = s.dynamics
    return s.with_changes(
        dynamics=dc.replace(
            d,
            exits=dc.replace(d.exits, base_junior=0.0, base_senior=0.0),
            pathways=dc.replace(d.pathways, **pathways),
        )
    )


S_ALONE = default_program().with_changes(
    mentee_levels=(2,), min_mentor_tenure_weeks=0, cadence_weeks=1, commitment=1.0
)
WEEKS = 12


def engagement_by_week(org: Org, **pathways: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each week's engagement, S's listening signal and M's voice signal (after the week)."""
    model = model_on(org, quiet_scenario(**pathways), S_ALONE)
    l_half = model.config.dynamics.engagement.l_half
    e, l_s, v_m = [], [], []
    for _ in range(WEEKS):
        model.step()
        e.append(model.people.engagement.copy())
        l_s.append(dynamics.signal(model.people.listening[S], l_half))
        v_m.append(dynamics.signal(model.people.voice[M], l_half))
    assert model.program.pairs.mentee[0] == S and model.program.pairs.mentor[0] == M
    return np.array(e), np.array(l_s), np.array(v_m)


def relaxed(term: np.ndarray, kappa: float) -> np.ndarray:
    """A target term's weekly effect on engagement: D_t = (1 - kappa) D_t-1 + kappa x term_t."""
    out, d = [], 0.0
    for t in term:
        d = (1.0 - kappa) * d + kappa * t
        out.append(d)
    return np.array(out)


def test_enrolling_one_senior_moves_its_informal_juniors_by_the_network_term():
    ep = Scenario().dynamics.engagement
    on, l_s, _ = engagement_by_week(hand_made_org())
    off, l_s_off, _ = engagement_by_week(hand_made_org(), network_climate=False)
    assert np.array_equal(l_s, l_s_off) and l_s[-1] > 0.3  # the same sessions either way
    expected = relaxed(ep.a_climate * ep.w_net * l_s, ep.kappa)  # S is their one senior tie
    for j in OTHER_DEPARTMENT:
        np.testing.assert_allclose(on[:, j] - off[:, j], expected, rtol=1e-12, atol=1e-15)
    untied = np.setdiff1d(np.arange(len(PARENT)), OTHER_DEPARTMENT)
    assert np.array_equal(on[:, untied], off[:, untied])
    # Without those ties the network term has nothing to carry.
    on, _, _ = engagement_by_week(hand_made_org(network_ties=False))
    off, _, _ = engagement_by_week(hand_made_org(network_ties=False), network_climate=False)
    assert np.array_equal(on, off)


def test_a_mentors_voice_reaches_its_informal_junior_peers():
    ep = Scenario().dynamics.engagement
    on, _, v_m = engagement_by_week(hand_made_org())
    off, _, v_m_off = engagement_by_week(hand_made_org(), peer_voice=False)
    assert np.array_equal(v_m, v_m_off) and v_m[-1] > 0.3
    # The peers hold no voice of their own: v' - v = rho_v x (1 - 0) x v_M.
    expected = relaxed(ep.a_voice * ep.rho_v * v_m, ep.kappa)
    for j in M_PEERS:
        np.testing.assert_allclose(on[:, j] - off[:, j], expected, rtol=1e-12, atol=1e-15)
    others = np.setdiff1d(np.arange(len(PARENT)), M_PEERS)
    assert np.array_equal(on[:, others], off[:, others])
    on, _, _ = engagement_by_week(hand_made_org(peer_ties=False))
    off, _, _ = engagement_by_week(hand_made_org(peer_ties=False), peer_voice=False)
    assert np.array_equal(on, off)


@pytest.mark.parametrize("ties", [True, False])
def test_the_hand_made_org_agrees_with_the_reference(ties):
    s = quiet_scenario()
    d = s.dynamics  # with exits, so the reference also sees vacancies and hires
    s = s.with_changes(dynamics=dc.replace(d, exits=Scenario().dynamics.exits))
    model = model_on(hand_made_org(ties, ties), s, S_ALONE)
    ref = ref_model.from_model(model)
    for _ in range(WEEKS):
        model.step()
        ref_model.step(ref, model.steps)
        assert_same_week(model, ref, model.steps)


# --- the climate's chain ---------------------------------------------------------------
CHAIN = np.array([-1, 0, 1, 2, 3, 3])  # a line of four seniors; juniors 4 and 5 at the end


def chain_climate(decay: float, vacant: tuple[int, ...] = ()) -> float:
    """Junior 4's climate with w_chain 1 (chain only), l = 0.2, 0.4, 0.6, 0.8 down the line."""
    org = build_org(CHAIN, OrgSpec(size=6, informal_ties=0), np.random.default_rng(0))
    people = initial_people(org, Workforce(), 2024, np.random.default_rng(1))
    ep = dc.replace(
        Scenario().dynamics.engagement, w_chain=1.0, w_net=0.0, chain_decay=decay, chain_depth=3
    )
    l_sig = np.array([0.2, 0.4, 0.6, 0.8, 0.0, 0.0])
    people.listening[:] = l_sig * ep.l_half / (1.0 - l_sig)  # l = L / (L + l_half)
    people.filled[list(vacant)] = False
    return float(dynamics.listening_climate(people, org, ep)[4])


def test_the_manager_counts_one_the_next_chain_decay_and_so_on():
    # Manager 3 (l 0.8) weighs 1, 2 (0.6) weighs 0.5, 1 (0.4) weighs 0.25; the top is past
    # chain_depth 3.
    assert chain_climate(0.5) == pytest.approx((0.8 + 0.5 * 0.6 + 0.25 * 0.4) / 1.75, 1e-14)
    assert chain_climate(1.0) == pytest.approx((0.8 + 0.6 + 0.4) / 3, 1e-14)  # v3: plain mean
    assert chain_climate(0.0) == pytest.approx(0.8, 1e-14)  # the manager alone
    # A vacant manager drops out of the weighted mean; the weights of the rest stay.
    assert chain_climate(0.5, (3,)) == pytest.approx((0.5 * 0.6 + 0.25 * 0.4) / 0.75, 1e-14)
    assert chain_climate(0.5, (1, 2, 3)) == 0.0


def test_w_chain_and_w_net_above_one_is_an_input_error():
    with pytest.raises(InputError, match=r"w_chain 0.9 \+ w_net 0.2") as err:
        Scenario().with_overrides({"dynamics.engagement.w_chain": 0.9})
    assert "w_net" in str(err.value) and "dynamics.engagement.w_chain" in str(err.value)
    assert Scenario().with_overrides({"dynamics.engagement.w_chain": 0.8}).dynamics.engagement


# --- the warm-up -------------------------------------------------------------------------
# v3's weekly series (main at fdc1ca1, model v3) of the built-in division on seed 11, weeks 1,
# 13 and 26, as exact binary fractions: warmup_weeks 0 with chain_decay 1, w_net 0 and
# rho_v 0 must reproduce them bit for bit.
V3 = {
    "program": {
        "engagement_junior": [
            "0x1.196d15e3edf24p-1",
            "0x1.205b2c6ffc332p-1",
            "0x1.2f94d9d7ae831p-1",
        ],
        "exit_risk_junior": [
            "0x1.6aa329f9b8c78p-3",
            "0x1.6cc5b4b66b786p-3",
            "0x1.52bd55a7b1440p-3",
        ],
        "leadership_fluency": [
            "0x1.2969b6ff28e10p-2",
            "0x1.84bacc50e88a9p-2",
            "0x1.e193b350319c0p-2",
        ],
        "listening_senior": [
            "0x1.f022fc139ccc8p-4",
            "0x1.3d377978d7f06p-1",
            "0x1.5cc9b3deb03c9p-1",
        ],
        "voice_junior": ["0x1.85501f37cf8e3p-6", "0x1.f2085a2246c77p-4", "0x1.166f837939945p-3"],
    },
    "baseline": {
        "engagement_junior": [
            "0x1.18e8560bde286p-1",
            "0x1.0d52e77c18719p-1",
            "0x1.054847bc9a539p-1",
        ],
        "exit_risk_junior": [
            "0x1.6b4237ec31cf7p-3",
            "0x1.848dc2eac8e84p-3",
            "0x1.88363fa0653abp-3",
        ],
        "leadership_fluency": [
            "0x1.23bde0208ae54p-2",
            "0x1.2a865e4dc0dc1p-2",
            "0x1.2ff4ce90cc31cp-2",
        ],
    },
}
V3_JUNIOR_EXITS = {"program": 34, "baseline": 36}
V3_SETTINGS = {
    "warmup_weeks": 0,
    "dynamics.engagement.chain_decay": 1.0,
    "dynamics.engagement.w_net": 0.0,
    "dynamics.engagement.rho_v": 0.0,
}


@pytest.mark.parametrize("design", ["program", "baseline"])
def test_no_warm_up_and_no_new_terms_is_v3_bit_for_bit(design):
    s = default_scenario().with_changes(years=0.5).with_overrides(V3_SETTINGS)
    model = OrgCultureModel(s, s.design(design), seed=11)
    model.run_for(26)
    series = model.series()
    for column, values in V3[design].items():
        assert [float(x).hex() for x in series[column].iloc[[1, 13, 26]]] == values, column
    assert series["exits_junior"].sum() == V3_JUNIOR_EXITS[design]


def week_0_state(model: OrgCultureModel) -> dict[str, np.ndarray]:
    p = model.people
    names = ("filled", "vacant_since", "occupant", "person_id", *p.attributes)
    return {name: getattr(p, name).copy() for name in names}


def test_designs_share_the_warm_up_and_it_changes_week_0():
    s = default_scenario().with_changes(org=OrgSpec(size=200), years=0.5)
    designs = (None, s.designs[0], s.designs[0].with_changes(cadence_weeks=4, commitment=0.5))
    states = [week_0_state(OrgCultureModel(s, d, seed=4)) for d in designs]
    for other in states[1:]:
        for name, values in states[0].items():
            assert np.array_equal(values, other[name]), name
    cold = week_0_state(OrgCultureModel(s.with_overrides(warmup_weeks=0), None, seed=4))
    warm = states[0]
    assert not np.array_equal(cold["engagement"], warm["engagement"])
    assert (warm["occupant"] > 0).any()  # people left and were replaced before week 0
    assert (warm["tenure"][warm["occupant"] == 0] >= 104).all()  # tenure carried on
    assert np.array_equal(warm["listening"], np.zeros(200))  # no program, no stocks


def test_a_model_without_warm_up_starts_from_its_initial_draws():
    s = default_scenario().with_overrides(warmup_weeks=0)
    model = OrgCultureModel(s, None, seed=4)
    assert model.people.filled.all() and (model.people.occupant == 0).all()
    assert len(model.agents) == model.org.size


def test_the_warm_up_agrees_with_the_reference():
    base = default_scenario().with_changes(org=OrgSpec(size=90, span=4))
    design = default_program().with_changes(cadence_weeks=1, min_mentor_tenure_weeks=0)
    cold = OrgCultureModel(base.with_overrides(warmup_weeks=0), design, seed=8)
    ref = ref_model.from_model(cold)
    ref_model.warm_up(ref, 30, copy.deepcopy(cold.streams["warmup"]))
    warm = OrgCultureModel(base.with_overrides(warmup_weeks=30), design, seed=8)
    filled = np.array([person.filled for person in ref.people])
    assert np.array_equal(warm.people.filled, filled) and not filled.all()
    for name in ("engagement", "digital", "exposure", "tenure", "occupant", "exit_risk"):
        theirs = np.array([getattr(person, name) for person in ref.people])[filled]
        np.testing.assert_allclose(getattr(warm.people, name)[filled], theirs, rtol=1e-12)
    assert len(warm.agents) == filled.sum()  # agents only for the people there at week 0
    for _ in range(8):  # and the weeks after, with the program
        warm.step()
        ref_model.step(ref, warm.steps)
        assert_same_week(warm, ref, warm.steps)


# --- stationarity ------------------------------------------------------------------------
def before_and_after(scenario: Scenario, seed: int) -> tuple[float, float, float, float]:
    """Junior engaged share (weekly mean) and turnover of the 52 weeks before and after launch."""
    model = OrgCultureModel(scenario, None, seed)
    model.run_model()
    series = model.series()
    launch = scenario.launch_week
    before = series[(series.week > launch - 52) & (series.week <= launch)]
    after = series[(series.week > launch) & (series.week <= launch + 52)]

    def turnover(rows):
        return rows["exits_junior"].sum() / rows["headcount_junior"].mean()

    return (
        before["engaged_share_junior"].mean(),
        after["engaged_share_junior"].mean(),
        turnover(before),
        turnover(after),
    )


def test_the_no_program_run_is_stationary_around_the_launch():
    telecom = load_scenario("telecom")
    assert telecom.include_baseline and telecom.launch_week == 52 and telecom.warmup_weeks == 104
    # The case's own first replicate seeds (those of `sim run telecom`). The model's claim is
    # stationarity, so the bar is 3 paired SE over 20 seeds (2 SE over 10 fails by chance one
    # time in twenty whenever the calibration moves; it did at the quick fit's medians: +0.0111
    # vs 2 SE 0.0097, while 40 seeds gave +0.0023, 2 SE 0.0045). With warmup_weeks 0 the share
    # fell by +0.043 (2 SE 0.006): v3's transient, which this bar still catches.
    seeds = replicate_seeds(telecom.seed, 20)
    runs = np.array([before_and_after(telecom, seed) for seed in seeds])
    for name, (b, a) in {"engaged share": (0, 1), "turnover": (2, 3)}.items():
        diff = runs[:, b] - runs[:, a]
        se = diff.std(ddof=1) / np.sqrt(len(diff))
        assert abs(diff.mean()) <= 3 * se, f"{name}: {diff.mean():+.4f} vs 3 SE {3 * se:.4f}"


def test_without_the_warm_up_the_start_is_a_transient_the_stationarity_bar_catches():
    telecom = load_scenario("telecom").with_overrides({"warmup_weeks": 0})
    seeds = replicate_seeds(telecom.seed, 20)
    runs = np.array([before_and_after(telecom, seed) for seed in seeds])
    diff = runs[:, 0] - runs[:, 1]  # the engaged share, the year before launch minus year 1
    assert diff.mean() > 3 * diff.std(ddof=1) / np.sqrt(len(diff))


def test_every_case_and_the_template_state_the_warm_up():
    from pathlib import Path

    from sim.scenario.template import scenario_template

    assert "warmup_weeks = 104" in scenario_template()
    for case in sorted(Path(__file__).parents[1].joinpath("scenarios").glob("*.toml")):
        assert "\nwarmup_weeks = " in case.read_text(), case.name
    assert Pathways().network_climate and Pathways().peer_voice
