"""The weekly submodels of MODEL.md section 7 as whole-array numpy functions.

Each function matches one paragraph of the spec and updates per-position arrays in a
`People` object (or returns arrays). Every update inside a function is computed from the
values at its start, so the result never depends on the order of people.
"""

from __future__ import annotations

import numpy as np

from sim.design import ProgramDesign
from sim.org import Org
from sim.people import People
from sim.scenario import EngagementParams, ExitParams, KnowledgeParams, SessionParams


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
) -> None:
    """Digital knowledge to mentees, business to mentors (two-way), engagement impulses."""
    d, b, e = people.digital, people.business, people.engagement
    hours = design.session_hours
    d_j, d_s = d[mentors], d[mentees]
    rate = np.minimum(1.0, sp.tau * hours * quality * people.openness[mentees])
    new_d_s = d_s + rate * np.maximum(0.0, d_j - d_s)
    if design.two_way:
        rate_b = np.minimum(1.0, sp.tau_b * hours * quality)
        b[mentors] = b[mentors] + rate_b * np.maximum(0.0, b[mentees] - b[mentors])
    d[mentees] = new_d_s
    e[mentors] = e[mentors] + sp.g_mentor * quality * (1.0 - e[mentors])
    e[mentees] = e[mentees] + sp.g_mentee * quality * (1.0 - e[mentees])


# --- Knowledge drift --------------------------------------------------------------------
def senior_spillover(people: People, org: Org, sigma: float) -> np.ndarray:
    """Each senior's gain: sigma x mean over filled senior neighbours of max(0, d_nb - d)."""
    src, dst = org.senior_edges
    d, filled = people.digital, people.filled
    live = filled[dst]
    gap = np.where(live, np.maximum(0.0, d[dst] - d[src]), 0.0)
    total = np.bincount(src, weights=gap, minlength=org.size)
    count = np.bincount(src, weights=live.astype(float), minlength=org.size)
    return sigma * np.divide(total, count, out=np.zeros(org.size), where=count > 0)


def drift_knowledge(people: People, org: Org, kp: KnowledgeParams) -> None:
    """Forgetting toward exposure; seniors' exposure consolidates and decays; senior spillover."""
    d, x = people.digital, people.exposure
    senior = org.is_senior
    spill = senior_spillover(people, org, kp.sigma)
    new_d = d + kp.phi * (x - d) + np.where(senior, spill, 0.0)
    # Juniors' exposure stays native (daily use refreshes it); seniors' moves.
    new_x = np.where(
        senior,
        x + kp.psi * np.maximum(0.0, d - x) - kp.frontier_drift * x / 52.0,
        x,
    )
    people.digital[:] = np.clip(new_d, 0.0, 1.0)
    people.exposure[:] = np.clip(new_x, 0.0, 1.0)


# --- Engagement -------------------------------------------------------------------------
def department_climate(people: People, org: Org, week: int, window: int) -> np.ndarray:
    """Per department: share of filled senior positions whose holder held a recent session."""
    seniors = people.filled & org.is_senior
    listened = seniors & (week - people.last_session_week < window)
    n_dept = org.n_departments
    held = np.bincount(org.department, weights=listened, minlength=n_dept)
    total = np.bincount(org.department, weights=seniors, minlength=n_dept)
    return np.divide(held, total, out=np.zeros(n_dept), where=total > 0)


def nearest_filled_manager(people: People, org: Org) -> np.ndarray:
    """For each position, the nearest filled position up the chain (-1 if none)."""
    mgr = org.parent.copy()
    while True:
        climb = (mgr >= 0) & ~people.filled[np.maximum(mgr, 0)]
        if not climb.any():
            return mgr
        mgr[climb] = org.parent[mgr[climb]]


def engagement_target(people: People, org: Org, climate: np.ndarray, ep: EngagementParams):
    """Seniors: their baseline. Juniors: baseline + climate - digital gap + growth."""
    mgr = nearest_filled_manager(people, org)
    d_mgr = np.where(mgr >= 0, people.digital[np.maximum(mgr, 0)], people.digital)
    junior_target = (
        people.e0
        + ep.a_climate * climate[org.department]
        - ep.a_gap * np.maximum(0.0, people.digital - d_mgr)
        + ep.a_growth * (people.business - people.business_initial)
    )
    return np.clip(np.where(org.is_senior, people.e0, junior_target), 0.0, 1.0)


def relax_engagement(people: People, org: Org, week: int, ep: EngagementParams) -> None:
    """Engagement relaxes toward each person's target at rate kappa."""
    climate = department_climate(people, org, week, ep.climate_window_weeks)
    target = engagement_target(people, org, climate, ep)
    people.engagement[:] = people.engagement + ep.kappa * (target - people.engagement)


# --- Exits ------------------------------------------------------------------------------
def annual_exit_probability(
    people: People, org: Org, recent_neighbour_exits: np.ndarray, xp: ExitParams
) -> np.ndarray:
    """A = min(cap, base[role] x exp(beta_e (e_ref - e)) x (1 + beta_c n) x new-hire factor)."""
    base = np.where(org.is_senior, xp.base_senior, xp.base_junior)
    a = (
        base
        * np.exp(xp.beta_e * (xp.e_ref - people.engagement))
        * (1.0 + xp.beta_c * recent_neighbour_exits)
        * np.where(people.tenure < 52, xp.new_hire_factor, 1.0)
    )
    return np.minimum(xp.max_annual, a)


def weekly_exit_probability(annual: np.ndarray) -> np.ndarray:
    """Weekly probability with the same annual total: 1 - (1 - A)^(1/52)."""
    return -np.expm1(np.log1p(-annual) / 52.0)


def draw_exits(people: People, weekly: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """Who leaves this week: one uniform per position, filled or not (common random numbers)."""
    return people.filled & (uniforms < weekly)


def exit_contagion(people: People, org: Org, leavers: np.ndarray, c_e: float) -> None:
    """Each exit lowers every filled org-tie neighbour's engagement by c_e, once."""
    hits = org.adjacency @ leavers.astype(np.float64)
    stay = people.filled & ~leavers
    people.engagement[stay] = np.maximum(0.0, people.engagement[stay] - c_e * hits[stay])
