"""The weekly submodels (docs/ODD.md section 7) as whole-array numpy functions.

Each function matches one paragraph of docs/ODD.md section 7 and updates per-position arrays in a
`People` object (or returns arrays). Every update inside a function is computed from the
values at its start, so the result never depends on the order of people.

Performance shape (docs/performance.md): work is done over whole arrays, or over the index
arrays of the few positions concerned (seniors for spillover and consolidation, positions
whose uniform could mean an exit, the neighbours of this week's leavers), never in a Python
loop over people. Restricting an update to a subset computes, for each element, exactly the
same floating-point operations in the same order as the whole-array form it replaced, so
results are bit-for-bit those of the plain formulas (tests/test_reference.py checks them
against a per-person reference implementation).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from sim.model.org import Org
from sim.model.people import People
from sim.scenario.calendar import WEEKS_PER_YEAR
from sim.scenario.design import ProgramDesign
from sim.scenario.parameters import (
    EngagementParams,
    ExitParams,
    KnowledgeParams,
    Pathways,
    SessionParams,
)


# --- Program: sessions -------------------------------------------------------------------
def session_quality(k: np.ndarray, design: ProgramDesign, sp: SessionParams) -> np.ndarray:
    """Quality q of sessions whose pairs have now met k times (k includes this session)."""
    trust = 1.0 - np.exp(-k / sp.trust_sessions)
    q = sp.base_quality * (1.0 + sp.focus_bonus * design.topic_focus) * trust
    if design.mentor_training:
        q = q * sp.training_boost
    if not design.formal:
        q = q * (1.0 - sp.power_distance)
    return np.minimum(1.0, q)


def transfer_in_sessions(
    people: People,
    mentors: np.ndarray,
    mentees: np.ndarray,
    quality: np.ndarray,
    design: ProgramDesign,
    sp: SessionParams,
    on: Pathways,
) -> None:
    """Held sessions: transfer, the listening and voice doses, the mentee's impulse.

    Each effect on knowledge or engagement is one pathway (`on`); a pathway switched off
    leaves its arrays untouched. The doses (q x hours into the mentee's listening stock L
    and the mentor's voice stock M) always accrue: they are the program's own record of
    what was held, and the listening and voice pathways decide whether juniors feel them.
    """
    d, b, e = people.digital, people.business, people.engagement
    hours = design.session_hours
    if on.learning:
        d_j, d_s = d[mentors], d[mentees]
        rate = np.minimum(1.0, sp.tau * hours * quality * people.openness[mentees])
        d[mentees] = d_s + rate * np.maximum(0.0, d_j - d_s)
    if design.two_way and on.growth:
        rate_b = np.minimum(1.0, sp.tau_b * hours * quality)
        b[mentors] = b[mentors] + rate_b * np.maximum(0.0, b[mentees] - b[mentors])
    dose = quality * hours
    people.listening[mentees] += dose
    people.voice[mentors] += dose
    if on.mentee_impulse:
        e[mentees] = e[mentees] + sp.g_mentee * quality * (1.0 - e[mentees])


# --- Knowledge drift --------------------------------------------------------------------
def senior_spillover(people: People, org: Org, sigma: float) -> np.ndarray:
    """Each senior's gain: sigma x mean over filled senior neighbours of max(0, d_nb - d).

    Returns one value per senior, in the order of `org.senior_positions`.
    """
    src, dst = org.senior_edges
    d, filled = people.digital, people.filled
    # take's clip mode skips the bounds check: every index is in range.
    live = filled.take(dst, mode="clip")
    gap = d.take(dst, mode="clip")
    gap -= d.take(src, mode="clip")
    np.maximum(gap, 0.0, out=gap)
    gap *= live  # vacant neighbours count for nothing (x * 0.0 is 0.0: gaps are finite)
    # Sums per senior, in the ties' order (bincount adds in input order).
    rank = org.senior_edge_rank
    n = len(org.senior_positions)
    total = np.bincount(rank, weights=gap, minlength=n)
    count = np.bincount(rank, weights=live, minlength=n)
    # count is a whole number; where it is 0 so is total, and 0 / 1 is the 0 asked for.
    # (Not in place: with no ties at all bincount returns whole-number zeros.)
    gain = np.divide(total, np.maximum(count, 1.0))
    gain *= sigma
    return gain


def drift_knowledge(people: People, org: Org, kp: KnowledgeParams, spillover: bool = True) -> None:
    """Forgetting toward exposure; seniors' exposure consolidates and decays; senior spillover.

    `spillover` False (the network ablation) leaves the spillover out: as sigma = 0 would.
    """
    d, x = people.digital, people.exposure
    seniors = org.senior_block
    # d + phi (x - d), in place (a sum or product of two floats does not depend on which
    # comes first, so this rounds as the formula does).
    new_d = np.subtract(x, d)
    new_d *= kp.phi
    new_d += d
    if spillover:
        new_d[seniors] += senior_spillover(people, org, kp.sigma)
    # Juniors' exposure stays native (daily use refreshes it); seniors' moves, from the
    # knowledge they had at the start of the week: x + psi max(0, d - x) - drift x / 52.
    x_s = x[seniors]
    step = np.subtract(d[seniors], x_s)
    np.maximum(0.0, step, out=step)
    step *= kp.psi
    drift = np.multiply(kp.frontier_drift, x_s)
    drift /= WEEKS_PER_YEAR
    step += x_s
    step -= drift
    unit_interval(new_d, out=d)
    x[seniors] = unit_interval(step, out=step)


# --- Engagement -------------------------------------------------------------------------
def decay_stocks(people: People, h: float) -> None:
    """The listening and voice stocks shrink by exp(-1/h) (after the week's sessions)."""
    factor = math.exp(-1.0 / h)
    people.listening *= factor
    people.voice *= factor


def signal(stock: np.ndarray, l_half: float) -> np.ndarray:
    """A stock's signal S / (S + l_half): 0 at no stock, one half at l_half, below 1."""
    return stock / (stock + l_half)


def _listening_by_senior(people: People, org: Org, ep: EngagementParams) -> np.ndarray:
    """Per senior (l if filled else 0, 1 if filled else 0), plus a sentinel row (0, 0).

    l = L / (L + l_half); rows in the order of `org.senior_positions`. The sentinel is what
    the chain's positions past the top index.
    """
    seniors = org.senior_block
    n_s = len(org.senior_positions)
    per_senior = np.zeros((n_s + 1, 2))
    here = per_senior[:n_s, 1]
    np.copyto(here, people.filled[seniors])
    stock = people.listening[seniors]
    lsig = per_senior[:n_s, 0]
    np.add(stock, ep.l_half, out=lsig)
    np.divide(stock, lsig, out=lsig)
    lsig *= here
    return per_senior


def listening_climate(
    people: People, org: Org, ep: EngagementParams, per_senior: np.ndarray | None = None
) -> np.ndarray:
    """The chain and department terms of the climate C felt at each position (docs/ODD.md 7.3).

    w_chain x (weighted mean l over the filled positions among the `chain_depth` above the
    position, the k-th above weighted chain_decay^(k-1)) + (1 - w_chain - w_net) x (mean l
    over its department's filled senior positions), with l = L / (L + l_half); a term with
    no filled position to average is 0. The network term is `network_climate`. Computed
    for every position (a senior's value is what a junior in its place would feel) so that
    the target needs no scatter into the junior positions. `per_senior` is
    `_listening_by_senior`'s table, when the caller has it already.
    """
    if per_senior is None:
        per_senior = _listening_by_senior(people, org, ep)
    n_s = len(org.senior_positions)
    lsig, here = per_senior[:n_s, 0], per_senior[:n_s, 1]
    # Each (manager, department) slot's weighted sums over the manager and the
    # chain_depth - 1 above it (one gather of both columns for every step up; take's clip
    # mode skips the bounds check: every index is in range), added step by step in chain
    # order. The c-th step up weighs chain_decay^c in both columns: a weighted mean over
    # the filled ones. (A weight of 1 multiplies nothing: chain_decay 1 is v3's plain mean.)
    up = per_senior.take(org.slot_chain_ranks(ep.chain_depth), axis=0, mode="clip")
    sums = up[0]
    for c in range(1, len(up)):
        weight = ep.chain_decay**c
        term = up[c] if weight == 1.0 else np.multiply(up[c], weight)
        sums = np.add(sums, term) if c == 1 else np.add(sums, term, out=sums)
    department = org.senior_department
    n_dept = org.n_departments
    dept_mean = np.bincount(department, weights=lsig, minlength=n_dept)
    heads = np.bincount(department, weights=here, minlength=n_dept)
    # heads is a whole number; where it is 0 so is the sum, and 0 / 1 is the 0 asked for.
    dept_mean = np.divide(dept_mean, np.maximum(heads, 1.0))  # (no seniors: int zeros)
    dept_mean *= 1.0 - ep.w_chain - ep.w_net
    # A position's climate depends on its manager's chain and its department only: computed
    # once per (manager, department) slot, then gathered to every position.
    slot, _, slot_department = org.climate_slots
    total, count = sums[:, 0], sums[:, 1]
    # Where count is 0 so is total (weights are >= 0), and 0 / 1 is the 0 asked for.
    # (count is a whole number at chain_decay 1; else a sum of weights of filled ones,
    # each at least chain_decay^(chain_depth - 1), or exactly 0.)
    by_slot = total / np.where(count > 0.0, count, 1.0)
    by_slot *= ep.w_chain
    by_slot += dept_mean.take(slot_department, mode="clip")
    return by_slot.take(slot, mode="clip")


def network_climate(
    people: People, org: Org, ep: EngagementParams, per_senior: np.ndarray | None = None
) -> np.ndarray:
    """The network term of the climate: w_net x mean l over a junior's informal senior ties.

    Over the filled Senior positions a Junior position has informal ties to; 0 where there
    is none (and at every Senior position: seniors feel no climate). `per_senior` as in
    `listening_climate`.
    """
    if per_senior is None:
        per_senior = _listening_by_senior(people, org, ep)
    junior, rank = org.informal_to_seniors
    felt = per_senior.take(rank, axis=0)
    n = org.size
    total = np.bincount(junior, weights=felt[:, 0], minlength=n)
    count = np.bincount(junior, weights=felt[:, 1], minlength=n)
    # count is a whole number; where it is 0 so is total, and 0 / 1 is the 0 asked for.
    # (Not in place: with no ties at all bincount returns whole-number zeros.)
    mean = np.divide(total, np.maximum(count, 1.0))
    mean *= ep.w_net
    return mean


def peer_voice(voice: np.ndarray, people: People, org: Org, ep: EngagementParams) -> np.ndarray:
    """What peers add to each junior's voice: rho_v x (1 - v) x mean v of its junior peers.

    `voice` is every position's signal v = M / (M + l_half). The mean is over the filled
    Junior positions the junior has informal ties to (0 where there is none; a vacant
    position's stock is 0 anyway). Senior positions get 0.
    """
    junior, peer = org.informal_junior_peers
    n = org.size
    live = people.filled[peer]
    total = np.bincount(junior, weights=voice[peer], minlength=n)
    count = np.bincount(junior, weights=live, minlength=n)
    mean = np.divide(total, np.maximum(count, 1.0))  # (not in place: as network_climate)
    mean *= ep.rho_v
    mean *= 1.0 - voice
    return mean


def nearest_filled_manager(people: People, org: Org) -> np.ndarray:
    """For each position, the nearest filled position up the chain (-1 if none).

    With no Senior position vacant this is `org.parent` itself: read it, do not change it.
    """
    # Only Senior positions have reports, so only a vacant senior sends anyone further up:
    # find the nearest filled senior at or above each senior (itself where filled), then
    # read it at each position's manager.
    filled_seniors = people.filled[org.senior_block]
    vacant = (~filled_seniors).nonzero()[0]
    if len(vacant) == 0:
        return org.parent
    up_rank, positions = org.senior_ladder
    # Ranks above each vacant senior, climbing while vacant; the sentinel rank past the top
    # counts as filled, so the climb stops there.
    live = np.concatenate((filled_seniors, _TRUE))
    above = up_rank[vacant]
    while True:
        climb = ~live[above]
        if not climb.any():
            break
        above[climb] = up_rank[above[climb]]
    nearest = positions.copy()
    nearest[vacant] = positions[above]
    return nearest.take(org.manager_rank)


_TRUE = np.ones(1, dtype=bool)


def engagement_target(
    people: People, org: Org, ep: EngagementParams, on: Pathways, stocks: bool = True
) -> np.ndarray:
    """Each person's engagement target, clipped to 0..1 (seniors: their baseline e0).

    Juniors: e0 - a_gap max(0, d - d_manager) + a_growth (b - b_initial) + a_climate C
    + a_voice v'. The climate and voice terms are left out where their pathway is off, and
    when there are no stocks at all (`stocks` False: no program), where they would add
    exactly 0.
    """
    mgr = nearest_filled_manager(people, org)
    # No filled manager (the top): no gap, as if the manager were oneself. (With no vacancy
    # in the way, the org keeps that array.)
    mgr_or_self = (
        org.manager_or_self if mgr is org.parent else np.where(mgr >= 0, mgr, org.positions)
    )
    gap = people.digital - people.digital[mgr_or_self]
    np.maximum(gap, 0.0, out=gap)
    gap *= ep.a_gap
    growth = people.business - people.business_initial
    growth *= ep.a_growth
    target = np.subtract(people.e0, gap, out=gap)
    target += growth
    # Over every position (seniors' values are replaced by e0 below): no scatter.
    if stocks:
        add_program_terms(target, people, org, ep, on)
    seniors = org.senior_block
    target[seniors] = people.e0[seniors]
    return unit_interval(target, out=target)


def add_program_terms(
    target: np.ndarray, people: People, org: Org, ep: EngagementParams, on: Pathways
) -> None:
    """Add the terms the program's stocks feed, each where its pathway is on.

    a_climate x C (the chain and department terms: `listening`; the network term:
    `network_climate`) and a_voice x v' (v: `voice`; what peers add, v' - v: `peer_voice`).
    A term whose weight is 0 would add exactly 0 and is skipped.
    """
    network_on = on.network_climate and ep.w_net > 0.0
    # Both climate terms read the seniors' listening signals: computed once for the two.
    per_senior = _listening_by_senior(people, org, ep) if on.listening or network_on else None
    if on.listening:
        climate = listening_climate(people, org, ep, per_senior)
        climate *= ep.a_climate
        target += climate
    if network_on:
        network = network_climate(people, org, ep, per_senior)
        network *= ep.a_climate
        target += network
    if not (on.voice or on.peer_voice):
        return
    voice = signal(people.voice, ep.l_half)  # 0 at seniors: they hold no voice stock
    if on.peer_voice and ep.rho_v > 0.0:
        peers = peer_voice(voice, people, org, ep)
        peers *= ep.a_voice
        target += peers
    if on.voice:
        voice *= ep.a_voice
        target += voice


def relax_engagement(
    people: People,
    org: Org,
    ep: EngagementParams,
    on: Pathways | None = None,
    stocks: bool = True,
) -> None:
    """Stocks decay; engagement relaxes toward each person's target at rate kappa.

    `stocks` False (no program: every stock is 0 and stays 0) skips the stocks' work.
    """
    on = Pathways() if on is None else on
    if stocks:
        decay_stocks(people, ep.h)
    target = engagement_target(people, org, ep, on, stocks)
    e = people.engagement
    target -= e
    target *= ep.kappa
    e += target


# --- Exits ------------------------------------------------------------------------------
def annual_exit_probability(
    people: People,
    org: Org,
    recent_neighbour_exits: np.ndarray,
    xp: ExitParams,
    at: np.ndarray | None = None,
) -> np.ndarray:
    """A = min(cap, base[role] x exp(beta_e (e_ref - e)) x (1 + beta_c n) x new-hire factor).

    For every position, or only for the positions `at` (the same values as there).
    """
    where = slice(None) if at is None else at
    # In place, one factor at a time, in the order of the formula (a product of two floats
    # does not depend on which comes first, so base x E x C x H rounds as before).
    a = xp.e_ref - people.engagement[where]
    a *= xp.beta_e
    np.exp(a, out=a)
    a *= org.by_role(xp.base_junior, xp.base_senior)[where]
    a *= 1.0 + xp.beta_c * recent_neighbour_exits[where]
    # The new-hire factor in the first year (elsewhere x 1.0, which changes nothing).
    np.multiply(a, xp.new_hire_factor, out=a, where=people.tenure[where] < WEEKS_PER_YEAR)
    return np.minimum(xp.max_annual, a, out=a)


def weekly_exit_probability(annual: np.ndarray) -> np.ndarray:
    """Weekly probability with the same annual total: 1 - (1 - A)^(1/52)."""
    return -np.expm1(np.log1p(-annual) / WEEKS_PER_YEAR)


def draw_exits(
    people: People,
    org: Org,
    recent_neighbour_exits: np.ndarray,
    uniforms: np.ndarray,
    xp: ExitParams,
) -> np.ndarray:
    """Who leaves this week (positions, ascending): filled and uniform < weekly probability.

    `uniforms` holds one draw per position, filled or not (common random numbers). No
    weekly probability exceeds that of the cap `max_annual`, so only positions whose draw
    is below it (about 8% with the default cap) can leave: the hazard is evaluated for
    those alone, with the same formula, and compared with the same draw.
    """
    # A margin far above rounding error keeps every possible leaver among the candidates.
    maybe = uniforms < _weekly_cap(xp.max_annual) * (1.0 + 1e-9) + 1e-15
    maybe &= people.filled
    candidates = maybe.nonzero()[0]
    annual = annual_exit_probability(people, org, recent_neighbour_exits, xp, at=candidates)
    return candidates[uniforms[candidates] < weekly_exit_probability(annual)]


def unit_interval(a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """The values of `a` clipped to 0..1 (as np.clip, without its Python-level overhead)."""
    r = np.maximum(a, 0.0, out=out)
    return np.minimum(r, 1.0, out=r)


@functools.cache
def _weekly_cap(max_annual: float) -> float:
    return float(weekly_exit_probability(np.array([max_annual]))[0])


def exit_contagion(
    people: People,
    org: Org,
    leavers: np.ndarray,
    c_e: float,
    neighbours: np.ndarray | None = None,
) -> None:
    """Each exit lowers every filled org-tie neighbour's engagement by c_e, once.

    `leavers` are this week's leavers' positions (still marked filled); `neighbours`, if
    given, is `org.neighbours_of(leavers)` (it gets sorted in place).
    """
    if len(leavers) == 0:
        return
    nbrs = org.neighbours_of(leavers) if neighbours is None else neighbours
    if len(nbrs) == 0:
        return
    # Each neighbour once, with the number of its ties to leavers (np.unique, spelt out:
    # this runs every week and np.unique's fixed cost is most of the work).
    nbrs.sort()
    n = len(nbrs)
    starts = np.empty(n + 1, dtype=bool)  # where a run of one neighbour starts; then the end
    starts[0] = starts[n] = True
    np.not_equal(nbrs[1:], nbrs[:-1], out=starts[1:n])
    bounds = starts.nonzero()[0]
    hit = nbrs[bounds[:-1]]
    times = np.subtract(bounds[1:], bounds[:-1])
    # Those hit who stay: filled, and not leaving (leavers are still marked filled).
    staying = people.filled.copy()
    staying[leavers] = False
    stay = staying[hit]
    hit, hits = hit[stay], times[stay]  # c_e x a whole number: as c_e x float(count)
    people.engagement[hit] = np.maximum(0.0, people.engagement[hit] - c_e * hits)
