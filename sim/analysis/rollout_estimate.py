"""The effect of a program rolled out by unit, from exits per unit and period (docs/hr.md).

One estimator for simulated and real data alike: `sim plan` applies it to each simulated
replicate of a rollout, and an analyst (or `sim history`) applies it to the organisation's
own exits once the program runs. The input is a tidy table, one row per unit (a
department) and period (a month): the people at risk (the period's average headcount),
the exits among them and whether the program ran in the unit that period.

The estimator is the imputation estimator of Borusyak, Jaravel and Spiess (2024): a
two-way model of exit rates, unit effect + period effect, is fitted by weighted least
squares (weights: people at risk) to the cells *without* the program only; it predicts each
treated cell's rate had the program not run; the effect is the people-weighted mean of
observed minus predicted over the treated cells. Unlike the usual two-way fixed-effects
regression with a treated dummy, it never uses already-treated cells as controls, so with
staggered starts and an effect that grows or differs between units it still estimates the
mean effect on the treated (the two-way regression then weights some cells negatively:
Goodman-Bacon 2021). When no treated period has an untreated unit beside it (everyone
started at once) period effects cannot be told from the effect: the model is then the unit
effect alone, a before/after comparison, and says so (`comparison`).

Its interval is the delete-one-unit jackknife (the estimate recomputed leaving each unit
out) with a t distribution on units - 1 degrees of freedom: with few units the usual
cluster-robust errors are too small, and the jackknife (CR3's leave-one-cluster-out form)
keeps coverage near its level (tests/test_rollout_estimate.py measures it on synthetic
panels). It needs two units that are treated at some time and untreated cells beside them;
otherwise there is an estimate but no interval, and no test.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from sim.errors import InputError, Problem

CONCURRENT = "concurrent comparison"
BEFORE_AFTER = "before/after"
COLUMNS = ("unit", "period", "at_risk", "exits", "treated")


@dataclass(frozen=True)
class RolloutEstimate:
    """The program's effect on the exit rate per person and period, with its interval.

    Attributes:
        effect: mean of (observed - predicted without the program) exit rate over the
            treated cells, weighted by people at risk (negative: fewer exits).
        low, high: the `1 - alpha` interval of that effect (the precision of this
            estimate, from the jackknife over units; nan when it cannot be had).
        se: the jackknife standard error.
        p_value: two-sided test of no effect (t on `df` degrees of freedom).
        alpha: the test's level.
        comparison: `CONCURRENT` (unit and period effects) or `BEFORE_AFTER` (unit effects).
        units: units in the estimate; df: units - 1.
        treated_cells: treated cells estimated; excluded_cells: treated cells left out
            (their period or unit has no untreated cell to predict them from).
    """

    effect: float
    low: float
    high: float
    se: float
    p_value: float
    alpha: float
    comparison: str
    units: int
    df: int
    treated_cells: int
    excluded_cells: int

    @property
    def significant(self) -> bool:
        """True if the interval excludes 0 (the test rejects no effect at `alpha`)."""
        return bool(self.p_value < self.alpha)


def _fit(y: np.ndarray, w: np.ndarray, periods: bool) -> np.ndarray:
    """Predicted rates a_g + b_t of a weighted two-way fit to the cells with w > 0.

    Normal equations with the unit effects solved out (a T x T system), so the cost does
    not grow with units squared. Returns nan where a unit or period has no weight.
    """
    row = w.sum(axis=1)
    has_row = row > 0
    inv_row = np.divide(1.0, row, out=np.zeros_like(row), where=has_row)
    wy = w * y
    if not periods:
        a = wy.sum(axis=1) * inv_row
        pred = np.repeat(a[:, None], y.shape[1], axis=1)
        pred[~has_row] = np.nan
        return pred
    col = w.sum(axis=0)
    m = np.diag(col) - (w * inv_row[:, None]).T @ w
    rhs = wy.sum(axis=0) - (w * inv_row[:, None]).T @ wy.sum(axis=1)
    b = np.linalg.lstsq(m, rhs, rcond=None)[0]
    a = (wy.sum(axis=1) - w @ b) * inv_row
    pred = a[:, None] + b[None, :]
    pred[~has_row, :] = np.nan
    pred[:, col <= 0] = np.nan
    return pred


def _point(
    y: np.ndarray, at_risk: np.ndarray, treated: np.ndarray, periods: bool
) -> tuple[float, int, int]:
    """(effect, treated cells used, treated cells left out) for one set of units."""
    control_w = np.where(~treated, at_risk, 0.0)
    pred = _fit(y, control_w, periods)
    cells = treated & (at_risk > 0)
    usable = cells & np.isfinite(pred)
    weight = at_risk[usable]
    if weight.sum() <= 0:
        return np.nan, 0, int(cells.sum())
    effect = float(np.sum(weight * (y[usable] - pred[usable])) / weight.sum())
    return effect, int(usable.sum()), int(cells.sum() - usable.sum())


def estimate_panel(
    exits: np.ndarray, at_risk: np.ndarray, treated: np.ndarray, alpha: float = 0.05
) -> RolloutEstimate:
    """The effect from unit x period arrays of exits, people at risk and the program flag.

    Cells with no one at risk count for nothing. `comparison` is chosen from the design:
    with a treated cell beside an untreated one in the same period, unit and period effects;
    otherwise unit effects only (before/after).
    """
    exits = np.asarray(exits, dtype=float)
    at_risk = np.asarray(at_risk, dtype=float)
    treated = np.asarray(treated, dtype=bool)
    y = np.divide(exits, at_risk, out=np.zeros_like(exits), where=at_risk > 0)
    live = at_risk > 0
    concurrent = np.any((treated & live).any(axis=0) & (~treated & live).any(axis=0))
    effect, used, left_out = _point(y, at_risk, treated, concurrent)
    units = np.flatnonzero(live.any(axis=1))
    g = len(units)
    leave_out = []
    for u in units:
        keep = np.ones(len(y), dtype=bool)
        keep[u] = False
        leave_out.append(_point(y[keep], at_risk[keep], treated[keep], concurrent)[0])
    jack = np.array(leave_out)
    se = np.nan
    if g >= 2 and np.isfinite(effect) and np.all(np.isfinite(jack)):  # noqa: PLR2004
        se = float(np.sqrt((g - 1) / g * np.sum((jack - jack.mean()) ** 2)))
    df = max(g - 1, 1)
    if np.isfinite(se) and se > 0:
        t = stats.t.ppf(1 - alpha / 2, df)
        low, high = effect - t * se, effect + t * se
        p = float(2 * stats.t.sf(abs(effect) / se, df))
    else:
        low = high = p = np.nan
    return RolloutEstimate(
        effect=effect,
        low=float(low),
        high=float(high),
        se=se,
        p_value=p,
        alpha=alpha,
        comparison=CONCURRENT if concurrent else BEFORE_AFTER,
        units=g,
        df=df,
        treated_cells=used,
        excluded_cells=left_out,
    )


def estimate(table: pd.DataFrame, alpha: float = 0.05, where: str = "table") -> RolloutEstimate:
    """The effect from a tidy table with columns `COLUMNS` (one row per unit and period).

    Raises:
        InputError: a missing column, a negative or missing count, exits above the people
            at risk, a repeated (unit, period), no treated or no untreated cell, fewer than
            two units, or alpha outside (0, 0.5).
    """
    problems = _check(table, alpha, where)
    if problems:
        raise InputError(problems)
    units = pd.Index(sorted(table["unit"].unique(), key=str))
    periods = pd.Index(sorted(table["period"].unique()))
    shape = (len(units), len(periods))
    gi, ti = units.get_indexer(table["unit"]), periods.get_indexer(table["period"])
    arrays = {}
    for name in ("exits", "at_risk"):
        a = np.zeros(shape)
        a[gi, ti] = table[name].to_numpy(dtype=float)
        arrays[name] = a
    flag = np.zeros(shape, dtype=bool)
    flag[gi, ti] = table["treated"].astype(bool).to_numpy()
    return estimate_panel(arrays["exits"], arrays["at_risk"], flag, alpha)


def _check(table: pd.DataFrame, alpha: float, where: str) -> list[Problem]:
    """Everything wrong with a table for `estimate`, one problem each."""
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        return [
            Problem(
                where,
                f"missing column(s) {', '.join(missing)}; needed: {', '.join(COLUMNS)} (one "
                "row per unit and period: people at risk, their exits, 1 if the program ran)",
            )
        ]
    problems = []
    if not 0 < alpha < 0.5:  # noqa: PLR2004
        problems.append(Problem(f"alpha {alpha}", "must be above 0 and below 0.5, e.g. 0.05"))
    for c in ("at_risk", "exits"):
        v = pd.to_numeric(table[c], errors="coerce")
        bad = v.isna() | (v < 0)
        if bad.any():
            problems.append(
                Problem(
                    f"{where}, column {c}, row {int(np.argmax(bad.to_numpy())) + 1}",
                    "must be a number, 0 or more",
                )
            )
    if not problems:
        over = table["exits"].to_numpy(dtype=float) > table["at_risk"].to_numpy(dtype=float)
        if over.any():
            problems.append(
                Problem(
                    f"{where}, row {int(np.argmax(over)) + 1}",
                    "more exits than people at risk; at_risk is the period's headcount",
                )
            )
    if table.duplicated(["unit", "period"]).any():
        problems.append(Problem(where, "a (unit, period) appears twice; give one row each"))
    flags = table["treated"].astype(bool)
    if not flags.any() or flags.all():
        problems.append(
            Problem(
                where,
                "needs treated and untreated cells (the program's months and "
                "the months before it, or units that had not started)",
            )
        )
    if table["unit"].nunique() < 2:  # noqa: PLR2004
        problems.append(Problem(where, "needs at least two units (departments) for an interval"))
    return problems
