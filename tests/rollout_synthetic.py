"""Synthetic unit x month panels of exits with a known program effect (for the estimator's tests).

Monthly exit probability p = base x exp(unit effect + month effect), the program adds
`effect` (times a ramp that grows with months since the unit started, when `ramp_months`
is given) in treated cells; exits are binomial on each cell's headcount. The truth is the
headcount-weighted mean of the added probability over the treated cells: what the
estimator estimates.
"""

from __future__ import annotations

import numpy as np


def staggered_starts(units: int, months: int, groups: int, rng: np.random.Generator) -> np.ndarray:
    """Per unit a start month: a random order in `groups` equal steps after a year before.

    The last group never starts within the months (the concurrent controls).
    """
    pre = 12
    steps = np.linspace(pre, months, groups + 1).astype(int)[:-1]
    order = rng.permutation(units)
    start = np.full(units, months + 1)
    for i, chunk in enumerate(np.array_split(order, groups + 1)[:-1]):
        start[chunk] = steps[i]
    return start


def panel(
    rng: np.random.Generator,
    units: int = 20,
    months: int = 36,
    effect: float = 0.0,
    start: np.ndarray | None = None,
    size: tuple[int, int] = (40, 160),
    base: float = 0.013,
    ramp_months: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(exits, at_risk, treated, true effect): unit x month arrays and the truth."""
    if start is None:
        start = staggered_starts(units, months, 3, rng)
    n = rng.integers(size[0], size[1] + 1, units).astype(float)
    at_risk = np.repeat(n[:, None], months, axis=1)
    unit_fx = rng.normal(0, 0.3, units)[:, None]
    month_fx = rng.normal(0, 0.15, months)[None, :]
    p0 = base * np.exp(unit_fx + month_fx)
    t = np.arange(months)[None, :]
    treated = t >= start[:, None]
    since = t - start[:, None] + 1
    ramp = np.ones_like(p0) if ramp_months is None else np.clip(since / ramp_months, 0, 1)
    added = np.where(treated, effect * ramp, 0.0)
    p = np.clip(p0 + added, 0, 1)
    exits = rng.binomial(at_risk.astype(int), p).astype(float)
    truth = float(np.sum(at_risk * added * treated) / np.sum(at_risk * treated))
    return exits, at_risk, treated, truth
