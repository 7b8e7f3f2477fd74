"""Analysis of stored results: means with 95% intervals, paired differences against a baseline.

Everything here reads the tidy tables (a row per run) and nothing else: no model is run.

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

from sim.scenario.outcomes import outcome_range

# The headline outcomes of `sim run` and `sim compare`: column -> label.
HEADLINE = {
    "turnover_junior_pre": "junior turnover, year before launch",
    "turnover_junior_y1": "junior turnover, year 1",
    "turnover_junior_y2": "junior turnover, year 2",
    "engagement_junior_end": "junior engagement, end",
    "leadership_fluency_end": "leadership fluency, end",
    "program_hours": "program hours",
    "program_cost": "program cost",
}


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


INTERVAL_METHOD = (
    "t-interval of the mean over replicates; for shares and rates on the logit scale, "
    "so it stays within 0 to 1"
)
FEW_REPLICATES = 5  # below this, say that the intervals are not to be relied on


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


def paired_differences(
    summary: pd.DataFrame, outcomes: Sequence[str], baseline: str = "baseline"
) -> pd.DataFrame:
    """Design minus baseline on the same seed, with a 95% interval of the mean difference."""
    base = summary[summary["design"] == baseline].set_index("seed")
    rows = []
    for design, runs in summary.groupby("design", sort=False):
        if design == baseline:
            continue
        runs = runs.set_index("seed")
        shared = runs.index.intersection(base.index)
        for outcome in outcomes:
            if outcome not in runs:
                continue
            diff = runs.loc[shared, outcome] - base.loc[shared, outcome]
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


def cost_per_avoided_exit(summary: pd.DataFrame, baseline: str = "baseline") -> pd.DataFrame:
    """Program cost per exit avoided against the baseline on the same seeds.

    Undefined (NaN, with a note) when the design avoids no exits on average: a ratio to zero
    or to a negative number of avoided exits would mislead.
    """
    base = summary[summary["design"] == baseline].set_index("seed")
    rows = []
    for design, runs in summary.groupby("design", sort=False):
        if design == baseline:
            continue
        runs = runs.set_index("seed")
        shared = runs.index.intersection(base.index)
        avoided = float((base.loc[shared, "exits_total"] - runs.loc[shared, "exits_total"]).mean())
        cost = float(runs.loc[shared, "program_cost"].mean())
        ok = avoided > 0
        rows.append(
            {
                "design": design,
                "exits_avoided": avoided,
                "program_cost": cost,
                "cost_per_avoided_exit": cost / avoided if ok else np.nan,
                "note": "" if ok else "no exit avoided on average: undefined",
            }
        )
    return pd.DataFrame(rows)


def format_interval(mean: float, lo: float, hi: float, digits: int = 3) -> str:
    """'0.213 [0.201, 0.225]', or just the mean when there is no interval."""
    if np.isnan(mean):
        return "n/a"
    big = abs(mean) >= 1000
    fmt = (lambda v: f"{v:,.0f}") if big else (lambda v: f"{v:.{digits}f}")
    if np.isnan(lo):
        return fmt(mean)
    return f"{fmt(mean)} [{fmt(lo)}, {fmt(hi)}]"


def headline_table(summary: pd.DataFrame, outcomes: dict[str, str] | None = None) -> pd.DataFrame:
    """Outcomes as rows, designs as columns, each cell 'mean [95% interval]'."""
    outcomes = outcomes or {k: v for k, v in HEADLINE.items() if k in summary}
    tidy = summarise_designs(summary, list(outcomes))
    table = tidy.assign(
        text=[
            format_interval(m, lo, hi)
            for m, lo, hi in zip(tidy["mean"], tidy["ci_low"], tidy["ci_high"], strict=True)
        ]
    ).pivot(index="design", columns="outcome", values="text")
    order = list(dict.fromkeys(summary["design"]))
    table = table.loc[order, [c for c in outcomes if c in table]].rename(columns=outcomes)
    table = table.T
    table.index.name, table.columns.name = "outcome", None
    return table


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


# --- experiments and sweeps (sim.sweeps.experiment): a row per run, keyed by design and point
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
        table.insert(1, "point", point)
        for i, p in enumerate(params):
            table.insert(2 + i, p, at[p].iloc[0])
        parts.append(table)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


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
        table.insert(1, "point", point)
        for i, p in enumerate(params):
            table.insert(2 + i, p, at[p].iloc[0])
        parts.append(table)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def outcome_columns(runs: pd.DataFrame) -> list[str]:
    """The numeric outcome columns of a runs table (not keys, parameters or provenance)."""
    from sim.scenario.outcomes import is_summary_outcome

    return [c for c in runs.columns if is_summary_outcome(c)]


def cost_per_avoided_exit_interval(
    summary: pd.DataFrame,
    baseline: str = "baseline",
    level: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """`cost_per_avoided_exit` with a paired bootstrap interval over the shared seeds.

    Seeds are resampled with replacement (design and baseline together, keeping the pairing);
    the ratio of mean program cost to mean exits avoided is taken in each resample. Where a
    resample avoids no exit the ratio is unbounded, so the upper bound is infinite when more
    than the upper tail of resamples avoid none: the data cannot rule out "no effect".
    """
    point = cost_per_avoided_exit(summary, baseline)
    base = summary[summary["design"] == baseline].set_index("seed")
    rng = np.random.default_rng(seed)
    lows, highs = [], []
    for design in point["design"]:
        runs = summary[summary["design"] == design].set_index("seed")
        shared = runs.index.intersection(base.index)
        avoided = (base.loc[shared, "exits_total"] - runs.loc[shared, "exits_total"]).to_numpy()
        cost = runs.loc[shared, "program_cost"].to_numpy(dtype=float)
        if len(shared) < 2:
            lows.append(np.nan)
            highs.append(np.nan)
            continue
        idx = rng.integers(0, len(shared), size=(resamples, len(shared)))
        mean_avoided = avoided[idx].mean(axis=1)
        mean_cost = cost[idx].mean(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(mean_avoided > 0, mean_cost / mean_avoided, np.inf)
        tail = (1 - level) / 2
        lows.append(float(np.quantile(ratio, tail, method="inverted_cdf")))
        highs.append(float(np.quantile(ratio, 1 - tail, method="inverted_cdf")))
    return point.assign(ci_low=lows, ci_high=highs)
