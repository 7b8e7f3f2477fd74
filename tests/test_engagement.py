"""Engagement v3: listening and voice stocks, the chain climate (docs/ODD.md section 7.3)."""

import dataclasses as dc
import math

import numpy as np
import pytest

from helpers import design
from sim import OrgCultureModel
from sim.errors import InputError
from sim.model import dynamics
from sim.model.org import generate_org
from sim.scenario.loading import loads_scenario
from sim.scenario.parameters import OrgSpec, Scenario


def nobody_leaves(size: int = 300) -> Scenario:
    base = Scenario(org=OrgSpec(size=size))
    exits = dc.replace(base.dynamics.exits, base_junior=0.0, base_senior=0.0)
    return base.with_changes(dynamics=dc.replace(base.dynamics, exits=exits))


def test_a_session_adds_quality_times_hours_to_both_stocks_which_then_decay():
    scenario = nobody_leaves()
    d = design(commitment=1.0, cadence_weeks=2, session_hours=1.5, topic_focus=0.4)
    model = OrgCultureModel(scenario, d, seed=1)
    model.step()  # week 1: the first session of every pair (k = 1)
    pt = model.program.pairs
    mentor, mentee = pt.mentor[0], pt.mentee[0]
    sp, ep = scenario.dynamics.sessions, scenario.dynamics.engagement
    q = min(1.0, sp.base_quality * (1 + sp.focus_bonus * 0.4) * (1 - math.exp(-1 / 3)))
    decay = math.exp(-1 / ep.h)
    p = model.people
    assert p.listening[mentee] == pytest.approx(q * 1.5 * decay, rel=1e-12)
    assert p.voice[mentor] == pytest.approx(q * 1.5 * decay, rel=1e-12)
    # Only mentees hold a listening stock and only mentors a voice stock.
    assert p.voice[mentee] == 0 and p.listening[mentor] == 0
    assert np.count_nonzero(p.listening) == np.count_nonzero(p.voice) == model.program.active_pairs
    model.step()  # week 2: no session, one more week of decay
    assert p.listening[mentee] == pytest.approx(q * 1.5 * decay**2, rel=1e-12)
    row = model.recorder.rows
    l_half = ep.l_half
    seniors = np.flatnonzero(p.filled & model.org.is_senior)
    expected = np.mean(p.listening[seniors] / (p.listening[seniors] + l_half))
    assert row["listening_senior"][-1] == pytest.approx(expected, rel=1e-12)
    assert row["voice_junior"][-1] > 0


def test_a_leaver_takes_the_stocks_with_them_and_a_hire_starts_at_zero():
    scenario = Scenario(org=OrgSpec(size=300))
    model = OrgCultureModel(scenario, design(cadence_weeks=1), seed=2)
    leavers_seen = hired_seen = 0
    for _ in range(60):
        had = model.people.listening + model.people.voice > 0
        occupant = model.people.occupant.copy()
        model.step()
        p = model.people
        assert np.all(p.listening[~p.filled] == 0) and np.all(p.voice[~p.filled] == 0)
        hired = p.occupant != occupant
        # A hire met nobody yet: the stock of a fresh hire is 0 (no pair forms mid-intake
        # for a hired mentee; a hired junior may be re-matched only next week).
        assert np.all(p.listening[hired] == 0) and np.all(p.voice[hired] == 0)
        leavers_seen += int(np.count_nonzero(had & ~p.filled))
        hired_seen += int(np.count_nonzero(hired))
    assert leavers_seen > 0 and hired_seen > 0


def test_steady_listening_signals_follow_cadence_and_commitment():
    # docs/ODD.md section 7.3: a formal pair (focus 0.5, commitment 0.9, an hour, trust built)
    # biweekly near 0.75, monthly near 0.6, every 26 weeks about 0.15 or less (trust stays
    # low); informal monthly chats well below monthly formal ones, lower still at 0.5.
    d = design(topic_focus=0.5, commitment=0.9)
    designs = {
        "biweekly": d,
        "monthly": d.with_changes(cadence_weeks=4),
        "26 weeks": d.with_changes(cadence_weeks=26),
        "chats 0.9": d.with_changes(formal=False, cadence_weeks=4),
        "chats 0.5": d.with_changes(formal=False, cadence_weeks=4, commitment=0.5),
    }
    signal = {}
    for name, each in designs.items():
        model = OrgCultureModel(nobody_leaves(200), each, seed=5)
        model.run_for(130)
        signal[name] = model.series()["listening_senior"].iloc[53:].mean()
    assert signal["biweekly"] == pytest.approx(0.74, abs=0.03)
    assert signal["monthly"] == pytest.approx(0.58, abs=0.04)
    assert 0.08 < signal["26 weeks"] < 0.18
    assert 0.15 < signal["chats 0.9"] < 0.35
    assert 0.05 < signal["chats 0.5"] < signal["chats 0.9"]


def test_chain_above_lists_the_manager_then_upward_padded_with_minus_one():
    # 1 + 4 + 16 positions fill three levels; the last 9 report to only a few of level 2,
    # so most level-2 positions are juniors two steps below the top.
    org = generate_org(OrgSpec(size=30, span=4), np.random.default_rng(3))
    chain = org.chain_above(3)
    assert chain.shape == (org.size, 3)
    for p, row in enumerate(chain.tolist()):
        up, expected = org.parent[p], []
        for _ in range(3):
            expected.append(int(up))
            up = org.parent[up] if up >= 0 else -1
        assert row == expected
    juniors = org.junior_positions
    assert (chain[juniors, 0] >= 0).all() and (chain[juniors] == -1).any()  # near the top
    assert org.is_senior[chain[chain >= 0]].all()
    assert org.chain_above(3) is chain  # kept
    # The fast path's form: each senior's own chain (itself first) as senior ranks, and
    # each position's manager's rank; together they give every position's chain.
    ranks, manager = org.senior_chain_ranks(3), org.manager_rank
    seniors = np.append(org.senior_positions, -1)  # the sentinel past the top
    assert ranks.shape == (3, len(org.senior_positions))
    past_top = len(org.senior_positions)
    with_root = np.column_stack([ranks, np.full(3, past_top)])  # the root has no manager
    assert np.array_equal(seniors[with_root[:, manager]], chain.T)


def test_a_junior_feels_its_own_chain_more_than_the_department():
    model = OrgCultureModel(Scenario(org=OrgSpec(size=400)), None, seed=4)
    org, p, ep = model.org, model.people, model.config.dynamics.engagement
    chain = org.chain_above(ep.chain_depth)
    juniors = org.junior_positions
    # One manager listens; compare its reports with other juniors of the department whose
    # chain does not include it.
    junior = juniors[org.level[chain[juniors, 0]] >= 2][0]
    boss = chain[junior, 0]
    p.listening[boss] = 3.0
    l_boss = 3.0 / (3.0 + ep.l_half)
    climate = dynamics.listening_climate(p, org, ep)
    mine = juniors[chain[juniors, 0] == boss]
    dept = org.department
    others = juniors[(dept[juniors] == dept[junior]) & ~np.isin(chain[juniors], boss).any(axis=1)]
    assert len(mine) > 1 and len(others) > 0
    # The k-th position above weighs chain_decay^(k-1): the manager (the one listening) 1.
    weights = ep.chain_decay ** np.arange(ep.chain_depth)
    w_chain = weights[chain[junior] >= 0].sum()
    n_dept = np.count_nonzero(dept[org.senior_positions] == dept[junior])
    expected_dept = (1 - ep.w_chain - ep.w_net) * l_boss / n_dept
    expected_mine = ep.w_chain * l_boss / w_chain + expected_dept
    assert climate[mine] == pytest.approx(expected_mine, rel=1e-12)
    assert climate[others] == pytest.approx(expected_dept, rel=1e-12)
    assert expected_mine > 5 * expected_dept
    # A vacant leader is not averaged over; a chain with nobody filled gives 0.
    p.filled[chain[junior]] = False
    climate = dynamics.listening_climate(p, org, ep)
    assert climate[junior] == pytest.approx(0.0, abs=1e-12)


def test_the_voice_stock_raises_mentors_engagement():
    scenario = nobody_leaves(300)
    with_voice = OrgCultureModel(scenario, design(), seed=6)
    dyn = dc.replace(
        scenario.dynamics, pathways=dc.replace(scenario.dynamics.pathways, voice=False)
    )
    without = OrgCultureModel(scenario.with_changes(dynamics=dyn), design(), seed=6)
    for m in (with_voice, without):
        m.run_for(40)
    mentors = with_voice.program.intakes[0].mentor_positions
    # (A pair whose first sessions were all missed may have ended before its mentor met.)
    met = mentors[with_voice.people.voice[mentors] > 0]
    assert len(met) > 0.9 * len(mentors)
    gain = with_voice.people.engagement[met] - without.people.engagement[met]
    assert gain.mean() > 0.02 and gain.min() > 0
    assert np.array_equal(with_voice.people.voice, without.people.voice)  # the same doses


def test_removed_v2_keys_are_refused_with_what_replaced_them():
    text = "[dynamics.sessions]\ng_mentor = 0.1\n[dynamics.engagement]\nclimate_window_weeks = 26\n"
    with pytest.raises(InputError) as err:
        loads_scenario(text, "old.toml")
    message = str(err.value)
    assert "old.toml: dynamics.sessions.g_mentor: removed in model v3" in message
    assert "dynamics.engagement.a_voice" in message
    assert "old.toml: dynamics.engagement.climate_window_weeks: removed in model v3" in message
    assert "dynamics.engagement.h" in message
    with pytest.raises(InputError, match=r"--set dynamics.sessions.g_mentor: removed in model v3"):
        loads_scenario("", "x.toml", sets=["dynamics.sessions.g_mentor=0.2"])


def test_new_engagement_parameters_are_settable_and_checked():
    s = loads_scenario(
        "[dynamics.engagement]\nh = 26\nl_half = 2.0\nw_chain = 1.0\nw_net = 0.0\nchain_depth = 2\n"
        "[dynamics.volunteers]\ns_eng = 0.5\n[designs.v]\nmentor_selection = 'volunteers'\n",
        sets=["dynamics.engagement.a_voice=0.2"],
    )
    ep = s.dynamics.engagement
    assert (ep.h, ep.l_half, ep.w_chain, ep.chain_depth, ep.a_voice) == (26, 2.0, 1.0, 2, 0.2)
    assert s.dynamics.volunteers.s_eng == 0.5 and s.designs[0].mentor_selection == "volunteers"
    with pytest.raises(InputError) as err:
        loads_scenario(
            "[dynamics.engagement]\nchain_depth = 0\nw_chain = 1.5\n"
            "[designs.v]\nmentor_selection = 'volunteer'\n",
            "bad.toml",
        )
    message = str(err.value)
    assert "bad.toml: dynamics.engagement.chain_depth: found 0" in message
    assert "bad.toml: dynamics.engagement.w_chain: found 1.5" in message
    assert "did you mean volunteers?" in message
