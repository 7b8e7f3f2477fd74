"""Who an intake enrols: the `mentee_selection` rules (docs/ODD.md section 7.1).

Each rule but `random` and `listed` ranks the eligible seniors by a score of their position
(the org's structure, fixed during a run); the intake takes the highest, ties broken by the
intake's keyed uniform (then by position), so runs stay common-random-number friendly.
`random` takes the smallest keyed uniforms: v3's rule, draw for draw. Whole-array numpy.
"""

from __future__ import annotations

import numpy as np

from sim.model import keyed
from sim.model.org import INFORMAL, Org

# What each rule's score counts, for `sim validate` and `sim pairs` (None: no score).
SCORE_MEANING = {
    "random": None,
    "listed": None,
    "top_levels": "org level (0 = top; the lowest number first)",
    "most_reports": "junior positions within chain_depth levels below",
    "most_connected": "informal ties to junior positions",
}


def junior_reach(org: Org, depth: int) -> np.ndarray:
    """Per position: the junior positions within `depth` levels below it."""
    chain = org.chain_above(depth)[org.junior_positions].ravel()
    return np.bincount(chain[chain >= 0], minlength=org.size)


def junior_ties(org: Org) -> np.ndarray:
    """Per position: its informal ties to junior positions (imported or generated)."""
    ties = org.edges[org.edge_kind == INFORMAL]
    a, b = ties[:, 0], ties[:, 1]
    junior = ~org.is_senior
    ends = np.concatenate([a[junior[b]], b[junior[a]]])
    return np.bincount(ends, minlength=org.size)


def scores(rule: str, org: Org, depth: int) -> np.ndarray | None:
    """Per position: the rule's score as shown to users (`SCORE_MEANING`); None: no score."""
    if rule == "top_levels":
        return org.level
    if rule == "most_reports":
        return junior_reach(org, depth)
    if rule == "most_connected":
        return junior_ties(org)
    return None


def rank_key(rule: str, org: Org, depth: int) -> np.ndarray | None:
    """Per position: a key that sorts the rule's preferred seniors first (ascending)."""
    score = scores(rule, org, depth)
    if score is None:
        return None
    return score if rule == "top_levels" else -score


def choose(eligible: np.ndarray, u: np.ndarray, n: int, key: np.ndarray | None) -> np.ndarray:
    """The `n` eligible positions first by `key` (None: no key), then by `u`; ascending.

    Args:
        eligible: candidate positions (ascending).
        u: their keyed intake uniforms.
        n: how many to take.
        key: per position, smaller first; None for a uniform random subset (the `n`
            smallest uniforms).
    """
    if key is None:
        return np.sort(keyed.order_by(eligible, u)[:n])
    order = np.lexsort((eligible, u, key[eligible]))
    return np.sort(eligible[order[:n]])


def intake_size(coverage: float, eligible: int, max_pairs: int | None) -> int:
    """The coverage share of the eligible (to the nearest person), at most `max_pairs`."""
    n = int(np.floor(coverage * eligible + 0.5))
    return n if max_pairs is None else min(n, max_pairs)
