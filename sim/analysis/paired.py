"""Paired comparisons: runs lined up by seed, their differences, and a paired bootstrap.

Designs share their replicate seeds (common random numbers), so a design's run and the
reference's run on the same seed differ only by the design: comparing them pair by pair gives
much narrower intervals than comparing two independent means.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.analysis.intervals import insert_point, outcome_interval


def align[T: (pd.DataFrame, pd.Series)](runs: T, ref: T) -> tuple[T, T]:
    """The rows of `runs` and `ref` on the keys both have, in `runs`' order.

    Args:
        runs: rows (or values) indexed by their keys (a seed, or e.g. seed and week).
        ref: the rows to pair them with, indexed the same way.
    """
    shared = runs.index.intersection(ref.index)
    return runs.loc[shared], ref.loc[shared]


def align_by_seed(
    summary: pd.DataFrame, design: str, against: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The runs of `design` and of `against` on their shared seeds, indexed and aligned by seed."""
    ref = summary[summary["design"] == against].set_index("seed")
    runs = summary[summary["design"] == design].set_index("seed")
    return align(runs, ref)


def bootstrap_ratio(
    num: np.ndarray, den: np.ndarray, level: float, resamples: int, rng: np.random.Generator
) -> tuple[float, float]:
    """Percentile interval of mean(num) / mean(den) by a paired bootstrap.

    Pairs (num[i], den[i]) are resampled together with replacement, `resamples` times, and
    the ratio of the means taken in each. A resample whose mean denominator is not positive
    gives an unbounded ratio (+inf), so the upper bound is infinite when the data cannot rule
    out a denominator of zero or less.

    Args:
        num: the numerator, one value per paired replicate (at least one).
        den: the denominator, paired with `num` by position.
        level: the interval's coverage.
        resamples: how many bootstrap resamples.
        rng: draws the resamples (one call, `resamples` x len(num) integers).
    """
    idx = rng.integers(0, len(num), size=(resamples, len(num)))
    n, d = num[idx].mean(axis=1), den[idx].mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(d > 0, n / d, np.inf)
    tail = (1 - level) / 2
    lo = float(np.quantile(ratio, tail, method="inverted_cdf"))
    hi = float(np.quantile(ratio, 1 - tail, method="inverted_cdf"))
    return (lo, hi)


def paired_differences(
    summary: pd.DataFrame, outcomes: Sequence[str], baseline: str = "baseline"
) -> pd.DataFrame:
    """Design minus baseline on the same seed, with a 95% interval of the mean difference."""
    rows = []
    for design in dict.fromkeys(summary["design"]):
        if design == baseline:
            continue
        runs, base = align_by_seed(summary, design, baseline)
        for outcome in outcomes:
            if outcome not in runs:
                continue
            diff = runs[outcome] - base[outcome]
            mean, lo, hi = outcome_interval(diff, outcome, difference=True)
            rows.append(
                {
                    "design": design,
                    "outcome": outcome,
                    "difference": mean,
                    "ci_low": lo,
                    "ci_high": hi,
                    "n": int(diff.notna().sum()),
                }
            )
    return pd.DataFrame(rows)


def paired_differences_by_point(
    runs: pd.DataFrame,
    outcomes: Sequence[str],
    baseline: str = "baseline",
    params: Sequence[str] = (),
) -> pd.DataFrame:
    """Design minus baseline on the same seed, within each sample point, with 95% intervals."""
    parts = []
    for point, at in runs.groupby("point", sort=True):
        if baseline not in set(at["design"]):
            continue
        table = paired_differences(at, outcomes, baseline)
        if table.empty:
            continue
        parts.append(insert_point(table, point, at, params))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
