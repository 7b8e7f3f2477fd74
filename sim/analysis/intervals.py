"""Means over replicates with 95% intervals that stay inside each outcome's possible range.

Intervals are t-intervals of the mean over replicates; for outcomes with a range bounded on
both sides (shares and rates, `sim.scenario.outcomes.outcome_range`) the t-interval is taken
on the logit scale of the mean and mapped back, so it stays inside the range
(`INTERVAL_METHOD` says so in tables and the report).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special, stats

from sim.scenario.outcomes import is_summary_outcome, outcome_range

INTERVAL_METHOD = (
    "t-interval of the mean over replicates; for shares and rates on the logit scale, "
    "so it stays within 0 to 1"
)
FEW_REPLICATES = 5  # below this, say that the intervals are not to be relied on


def mean_interval(values: Sequence[float], level: float = 0.95) -> tuple[float, float, float]:
    """Mean and two-sided t interval of the mean; NaN bounds with fewer than 2 values."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return (np.nan, np.nan, np.nan)
    mean = float(x.mean())
    if len(x) < 2:
        return (mean, np.nan, np.nan)
    sem = float(x.std(ddof=1) / np.sqrt(len(x)))
    half = float(stats.t.ppf(0.5 + level / 2, len(x) - 1)) * sem
    return (mean, mean - half, mean + half)


def bounded_interval(
    values: Sequence[float], lo: float, hi: float, level: float = 0.95
) -> tuple[float, float, float]:
    """Mean and a t interval of the mean that stays inside (lo, hi): on the logit scale.

    The mean is mapped to u = (mean - lo) / (hi - lo), its standard error to the logit scale
    by the delta method (se / ((hi - lo) u (1 - u))), the t interval taken there and mapped
    back. Where every value is the same, or the mean lies on or beyond a bound, this is the
    plain `mean_interval`.
    """
    mean, t_lo, t_hi = mean_interval(values, level)
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    u = (mean - lo) / (hi - lo) if len(x) else np.nan
    if len(x) < 2 or not 0.0 < u < 1.0 or t_lo == t_hi:
        return (mean, t_lo, t_hi)
    sem = float(x.std(ddof=1) / np.sqrt(len(x)))
    half = float(stats.t.ppf(0.5 + level / 2, len(x) - 1)) * sem / ((hi - lo) * u * (1 - u))
    centre = float(special.logit(u))
    low, high = special.expit([centre - half, centre + half])
    return (mean, lo + (hi - lo) * float(low), lo + (hi - lo) * float(high))


def outcome_interval(
    values: Sequence[float], outcome: str, level: float = 0.95, difference: bool = False
) -> tuple[float, float, float]:
    """Mean and 95% interval of an outcome over replicates, inside its possible range.

    Args:
        values: one value per replicate.
        outcome: the outcome's column name (its range comes from `outcome_range`).
        level: the interval's coverage.
        difference: the values are differences of the outcome between two designs (range
            lo - hi to hi - lo).
    """
    bounds = outcome_range(outcome)
    if bounds is None:
        return mean_interval(values, level)
    lo, hi = bounds
    if difference:
        lo, hi = lo - hi, hi - lo
    return bounded_interval(values, lo, hi, level)


def replicates_text(n: int) -> str:
    """'1 replicate', '20 replicates'."""
    return f"{n} replicate" if n == 1 else f"{n} replicates"


def few_replicates_warning(n: int) -> str | None:
    """A warning when intervals rest on fewer than `FEW_REPLICATES` replicates, else None."""
    if n >= FEW_REPLICATES:
        return None
    return (
        f"only {replicates_text(n)} per design: "
        + ("no interval can be computed" if n < 2 else "the intervals are wide and unreliable")
        + f"; use {FEW_REPLICATES} or more (20 for a case check)"
    )


def summarise_designs(summary: pd.DataFrame, outcomes: Sequence[str]) -> pd.DataFrame:
    """A tidy table: design, outcome, mean, ci_low, ci_high, n (one row per pair)."""
    rows = []
    for design, runs in summary.groupby("design", sort=False):
        for outcome in outcomes:
            if outcome not in runs:
                continue
            mean, lo, hi = outcome_interval(runs[outcome], outcome)
            rows.append(
                {
                    "design": design,
                    "outcome": outcome,
                    "mean": mean,
                    "ci_low": lo,
                    "ci_high": hi,
                    "n": int(runs[outcome].notna().sum()),
                }
            )
    return pd.DataFrame(rows)


def target_table(summary: pd.DataFrame, targets: Sequence) -> pd.DataFrame:
    """Each case target beside the simulated mean and 95% interval of its design's runs."""
    rows = []
    for t in targets:
        runs = summary[summary["design"] == t.design]
        values = runs[t.outcome] if t.outcome in runs else pd.Series(dtype=float)
        mean, lo, hi = outcome_interval(values, t.outcome)
        covered = bool(lo <= t.value <= hi) if not np.isnan(lo) else False
        near = bool(abs(mean - t.value) <= t.tolerance) if not np.isnan(mean) else False
        rows.append(
            {
                "outcome": t.outcome,
                "design": t.design,
                "target": t.value,
                "simulated": mean,
                "ci_low": lo,
                "ci_high": hi,
                "interval_covers_target": covered,
                "within_tolerance": near,
                "note": t.note,
            }
        )
    return pd.DataFrame(rows)


# --- experiments and sweeps (sim.runs.experiment): a row per run, keyed by design and point
def summarise_points(
    runs: pd.DataFrame, outcomes: Sequence[str], params: Sequence[str] = ()
) -> pd.DataFrame:
    """Mean and 95% interval over replicates per design and sample point (tidy).

    Args:
        runs: a row per run with design, point, the parameter columns and outcomes.
        outcomes: the outcome columns to summarise.
        params: parameter columns to carry beside each point.

    Returns:
        A row per design, point and outcome: the parameters, mean, ci_low, ci_high, n.
    """
    parts = []
    for point, at in runs.groupby("point", sort=True):
        table = summarise_designs(at, outcomes)
        if table.empty:
            continue
        parts.append(insert_point(table, point, at, params))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def insert_point(
    table: pd.DataFrame, point: object, at: pd.DataFrame, params: Sequence[str]
) -> pd.DataFrame:
    """Insert the point and its parameter values (from `at`) after `table`'s first column."""
    table.insert(1, "point", point)
    for i, p in enumerate(params):
        table.insert(2 + i, p, at[p].iloc[0])
    return table


def outcome_columns(runs: pd.DataFrame) -> list[str]:
    """The numeric outcome columns of a runs table (not keys, parameters or provenance)."""
    return [c for c in runs.columns if is_summary_outcome(c)]
