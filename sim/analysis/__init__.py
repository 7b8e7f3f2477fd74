"""Analysis of stored results: means with 95% intervals, paired differences against a baseline.

Everything here reads the tidy tables (a row per run) and nothing else: no model is run.

Intervals are t-intervals of the mean over replicates; for outcomes with a range bounded on
both sides (shares and rates, `sim.scenario.outcomes.outcome_range`) the t-interval is taken
on the logit scale of the mean and mapped back, so it stays inside the range
(`INTERVAL_METHOD` says so in tables and the report).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import special, stats

from sim.scenario.outcomes import outcome_range

if TYPE_CHECKING:
    from sim.scenario.parameters import Scenario

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


# Mentor retention against its counterfactual (observation.mentor_counterfactual): column -> label.
MENTOR_RETENTION = {
    "mentor_retention_52w": "first intake's mentors employed 52 weeks on",
    "mentor_retention_counterfactual_52w": "the same people, every pathway off",
    "mentor_retention_effect_52w": "the program's effect on its mentors",
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


def headline_table(
    summary: pd.DataFrame, outcomes: dict[str, str] | None = None, currency: str = ""
) -> pd.DataFrame:
    """Outcomes as rows, designs as columns, each cell 'mean [95% interval]' (`format_outcome`).

    Turnover is in percent, as in the figures; with a `currency`, money rows say which.
    """
    outcomes = dict(outcomes or {k: v for k, v in HEADLINE.items() if k in summary})
    if currency:
        outcomes = {
            k: f"{v} ({currency})" if is_money_outcome(k) else v for k, v in outcomes.items()
        }
    tidy = summarise_designs(summary, list(outcomes))
    table = tidy.assign(
        text=[
            format_outcome(o, m, lo, hi)
            for o, m, lo, hi in zip(
                tidy["outcome"], tidy["mean"], tidy["ci_low"], tidy["ci_high"], strict=True
            )
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


# --- numbers as people read them: turnover in percent, money in a currency ---------------------
def is_percent_outcome(outcome: str) -> bool:
    """Turnover rates, shown in percent (differences in percentage points)."""
    return outcome.startswith("turnover_") and not outcome.startswith("turnover_cost")


def is_money_outcome(outcome: str) -> bool:
    """Amounts of money (the scenario's currency)."""
    return outcome.endswith("_cost") or outcome in ("net_benefit",)


def format_outcome(
    outcome: str, mean: float, lo: float, hi: float, difference: bool = False
) -> str:
    """A cell of a results table, 'mean [95% interval]', in the unit of the figures.

    Turnover in percent, '18.7% [17.7%, 19.7%]' (a difference in percentage points,
    '-6.1 pp [-7.3, -4.9]'); money and hours in whole units; the rest as `format_interval`.
    """
    if not is_percent_outcome(outcome):
        if is_money_outcome(outcome) or outcome.endswith("_hours"):
            return format_amount(mean, lo, hi)
        return format_interval(mean, lo, hi)
    if np.isnan(mean):
        return "n/a"
    if difference:
        text = f"{_signed(100 * mean)} pp"
        return text if np.isnan(lo) else f"{text} [{_signed(100 * lo)}, {_signed(100 * hi)}]"
    text = f"{100 * mean:.1f}%"
    return text if np.isnan(lo) else f"{text} [{100 * lo:.1f}%, {100 * hi:.1f}%]"


def _signed(value: float) -> str:
    """'+1.2', '-0.4', and '0.0' (no sign on what rounds to zero)."""
    text = f"{value:+.1f}"
    return text[1:] if text in ("+0.0", "-0.0") else text


def format_amount(mean: float, lo: float = np.nan, hi: float = np.nan, currency: str = "") -> str:
    """Whole units with thousands separators: 'USD 126,624 [123,596, 129,651]'."""
    if np.isnan(mean):
        return "n/a"
    text = f"{currency} {mean:,.0f}" if currency else f"{mean:,.0f}"
    if np.isnan(lo) or np.isnan(hi):
        return text
    return f"{text} [{_bound(lo)}, {_bound(hi)}]"


def _bound(value: float) -> str:
    return "unbounded" if np.isinf(value) else f"{value:,.0f}"


def differences_table(
    diff: pd.DataFrame,
    labels: dict[str, str] | None = None,
    order: Sequence[str] = (),
    currency: str = "",
) -> pd.DataFrame:
    """`paired_differences` as outcomes x designs text cells, designs in the scenario's order.

    Args:
        diff: the tidy paired differences.
        labels: outcome -> row label, in row order (default: `HEADLINE`).
        order: the designs' order (default: their order in `diff`, which is the run order).
        currency: named in the labels of money rows.
    """
    labels = dict(labels or HEADLINE)
    if currency:
        labels = {k: f"{v} ({currency})" if is_money_outcome(k) else v for k, v in labels.items()}
    text = [
        format_outcome(o, m, lo, hi, difference=True)
        for o, m, lo, hi in zip(
            diff["outcome"], diff["difference"], diff["ci_low"], diff["ci_high"], strict=True
        )
    ]
    wide = diff.assign(text=text).pivot(index="outcome", columns="design", values="text")
    designs = [d for d in (*order, *dict.fromkeys(diff["design"])) if d in wide.columns]
    wide = wide.loc[[o for o in labels if o in wide.index], list(dict.fromkeys(designs))]
    return wide.rename(index=labels).rename_axis(index="outcome", columns=None)


# --- costs that decide: net benefit, return on investment, payback ---------------------------
MONEY_MEASURES = {
    "turnover_cost_avoided": "turnover cost avoided",
    "program_cost": "program cost",
    "net_benefit": "net benefit",
    "roi": "return on investment",
    "p_net_positive": "net benefit > 0",
    "payback_week": "payback week",
    "exits_avoided": "exits avoided",
    "break_even_cost_per_exit": "break-even cost per exit",
    "cost_per_avoided_exit": "replacement cost per avoided exit",
}


@dataclass(frozen=True)
class Horizon:
    """The weeks costs are counted over: from the launch to the end of the run."""

    launch_week: int
    end_week: int
    start: dt.date
    end: dt.date

    @classmethod
    def of(cls, scenario: Scenario) -> Horizon:
        """The horizon of a scenario's runs."""
        return cls(
            scenario.launch_week,
            scenario.weeks,
            scenario.start_date + dt.timedelta(weeks=scenario.launch_week),
            scenario.start_date + dt.timedelta(weeks=scenario.weeks),
        )

    @property
    def weeks(self) -> int:
        """Weeks from the launch to the end."""
        return self.end_week - self.launch_week

    def __str__(self) -> str:
        """'52 weeks (1 year) from the launch, 2021-08-10 to 2022-08-09'."""
        years = self.weeks / 52
        span = f" ({years:g} year{'' if years == 1 else 's'})" if self.weeks % 26 == 0 else ""
        return f"{self.weeks} weeks{span} from the launch, {self.start} to {self.end}"


def _pairs(summary: pd.DataFrame, design: str, against: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of `design` and `against` on their shared seeds, aligned by seed."""
    ref = summary[summary["design"] == against].set_index("seed")
    runs = summary[summary["design"] == design].set_index("seed")
    shared = runs.index.intersection(ref.index)
    return runs.loc[shared], ref.loc[shared]


def _ratio_interval(
    num: np.ndarray, den: np.ndarray, level: float, resamples: int, rng: np.random.Generator
) -> tuple[float, float, float]:
    """mean(num) / mean(den), with a paired bootstrap percentile interval.

    Resamples whose mean denominator is not positive give an unbounded ratio (+inf), so the
    upper bound is infinite when the data cannot rule out a denominator of zero or less.
    """
    mean_den = float(den.mean()) if len(den) else np.nan
    if not mean_den > 0:
        return (np.nan, np.nan, np.nan)
    point = float(num.mean()) / mean_den
    if len(num) < 2:
        return (point, np.nan, np.nan)
    idx = rng.integers(0, len(num), size=(resamples, len(num)))
    n, d = num[idx].mean(axis=1), den[idx].mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(d > 0, n / d, np.inf)
    tail = (1 - level) / 2
    lo = float(np.quantile(ratio, tail, method="inverted_cdf"))
    hi = float(np.quantile(ratio, 1 - tail, method="inverted_cdf"))
    return (point, lo, hi)


def net_benefit_by_week(
    series: pd.DataFrame, launch_week: int, against: str = "baseline", level: float = 0.95
) -> pd.DataFrame:
    """Each design's cumulative net benefit against `against`, week by week from the launch.

    On each shared seed: turnover cost avoided since the launch (the reference's turnover
    cost minus the design's) minus the program cost the design adds (its program cost minus
    the reference's); then the mean over seeds with a t interval, as `mean_interval`.

    Returns:
        A row per design and week: design, week, weeks_since_launch, date, mean, ci_low,
        ci_high, n.
    """
    cols = ["design", "seed", "week", "date", "turnover_cost", "program_cost"]
    s = series.loc[series["week"] >= launch_week, cols]
    at_launch = s[s["week"] == launch_week].set_index(["design", "seed"])["turnover_cost"]
    s = s.assign(
        since=s["turnover_cost"].to_numpy()
        - at_launch.reindex(pd.MultiIndex.from_frame(s[["design", "seed"]])).to_numpy()
    )
    ref = s[s["design"] == against].set_index(["seed", "week"])
    parts = []
    for design, runs in s.groupby("design", sort=False):
        if design == against:
            continue
        runs = runs.set_index(["seed", "week"])
        shared = runs.index.intersection(ref.index)
        r, d = ref.loc[shared], runs.loc[shared]
        net = (r["since"] - d["since"]) - (d["program_cost"] - r["program_cost"])
        by_week = net.groupby(level="week", sort=True)
        out = by_week.agg(["mean", "std", "count"]).reset_index()
        n = out["count"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            t = stats.t.ppf(0.5 + level / 2, np.where(n > 1, n - 1, np.nan))
            half = t * out["std"].to_numpy() / np.sqrt(n)
        dates = d["date"].groupby(level="week", sort=True).first().to_numpy()
        parts.append(
            pd.DataFrame(
                {
                    "design": design,
                    "week": out["week"],
                    "weeks_since_launch": out["week"] - launch_week,
                    "date": dates,
                    "mean": out["mean"],
                    "ci_low": out["mean"] - half,
                    "ci_high": out["mean"] + half,
                    "n": out["count"].astype(int),
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def payback_week(weeks_since_launch: Sequence[int], values: Sequence[float]) -> float:
    """The first week from which a cumulative net benefit stays above zero to the horizon.

    A curve that turns positive and dips back below pays back at its later crossing; one
    that is not positive at the horizon has no payback week (NaN).
    """
    v = np.asarray(values, dtype=float)
    w = np.asarray(weeks_since_launch)
    if len(v) == 0 or not v[-1] > 0:
        return np.nan
    not_positive = np.flatnonzero(~(v > 0))
    return float(w[not_positive[-1] + 1] if len(not_positive) else w[0])


def money_table(
    summary: pd.DataFrame,
    series: pd.DataFrame | None = None,
    against: str = "baseline",
    launch_week: int = 0,
    level: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Costs that decide: every design against one reference, paired on shared seeds.

    Per design (each on the seeds it shares with `against`; common random numbers make the
    warm-up identical, so run totals count from the launch):

    - turnover_cost_avoided: the reference's turnover cost minus the design's;
    - program_cost: the design's program cost minus the reference's (the extra it costs);
    - net_benefit: turnover cost avoided minus program cost. These three: mean and t
      interval over the paired replicates;
    - roi: mean net benefit / mean program cost, paired bootstrap interval; undefined when
      the design costs no more than the reference;
    - p_net_positive: the share of paired replicates whose net benefit is above zero (an
      estimate of the chance that one realisation of the organisation pays off, not an
      interval of the mean);
    - payback_week: the first week after the launch from which the mean cumulative net
      benefit stays above zero (`payback_week`); the interval is where the upper and lower
      bounds of its 95% band do the same; NaN when not within the horizon or without series;
    - exits_avoided: the reference's exits minus the design's;
    - break_even_cost_per_exit: program cost / exits avoided, the replacement cost per exit
      above which the design pays for itself (paired bootstrap interval; undefined when no
      exit is avoided on average);
    - cost_per_avoided_exit: turnover cost avoided / exits avoided, what the scenario's
      salaries and replacement factors make an avoided exit cost.

    Returns:
        A tidy table: design, against, measure, value, ci_low, ci_high, n, note.
    """
    rng = np.random.default_rng(seed)
    weekly = (
        net_benefit_by_week(series, launch_week, against, level)
        if series is not None and not series.empty
        else pd.DataFrame()
    )
    rows = []
    for design in dict.fromkeys(summary["design"]):
        if design == against:
            continue
        runs, ref = _pairs(summary, design, against)
        n = len(runs)
        avoided = (ref["turnover_cost"] - runs["turnover_cost"]).to_numpy(dtype=float)
        cost = (runs["program_cost"] - ref["program_cost"]).to_numpy(dtype=float)
        net = avoided - cost
        exits = (ref["exits_total"] - runs["exits_total"]).to_numpy(dtype=float)

        def row(
            measure: str, value: tuple[float, float, float], note: str = "", design=design, n=n
        ) -> None:
            rows.append((design, against, measure, *value, n, note))

        row("turnover_cost_avoided", mean_interval(avoided, level))
        row("program_cost", mean_interval(cost, level))
        row("net_benefit", mean_interval(net, level))
        roi = _ratio_interval(net, cost, level, resamples, rng)
        cheaper = f"costs no more than {against}"
        row("roi", roi, f"undefined: {cheaper}" if np.isnan(roi[0]) else "")
        positive = int((net > 0).sum())
        row(
            "p_net_positive",
            (positive / n if n else np.nan, np.nan, np.nan),
            f"{positive} of {n} paired replicates",
        )
        if weekly.empty:
            row("payback_week", (np.nan, np.nan, np.nan), "needs the weekly series")
        else:
            w = weekly[weekly["design"] == design]
            since = w["weeks_since_launch"]
            pay = (
                payback_week(since, w["mean"]),
                payback_week(since, w["ci_high"]),
                payback_week(since, w["ci_low"]),
            )
            row("payback_week", pay, "not within the horizon" if np.isnan(pay[0]) else "")
        row("exits_avoided", mean_interval(exits, level))
        none_avoided = "avoids no exit on average"
        per_exit = _ratio_interval(avoided, exits, level, resamples, rng)
        if n and not cost.mean() > 0:  # free or cheaper: any replacement cost is enough
            row("break_even_cost_per_exit", (np.nan,) * 3, cheaper)
        else:
            breakeven = _ratio_interval(cost, exits, level, resamples, rng)
            row("break_even_cost_per_exit", breakeven, "" if breakeven[0] > 0 else none_avoided)
        row("cost_per_avoided_exit", per_exit, none_avoided if np.isnan(per_exit[0]) else "")
    return pd.DataFrame(
        rows, columns=["design", "against", "measure", "value", "ci_low", "ci_high", "n", "note"]
    )


def money_labels(against: str = "baseline") -> dict[str, str]:
    """Row labels of the money table, saying what each number is."""
    extra = "program cost" if against == "baseline" else f"extra program cost over {against}"
    return {
        "turnover_cost_avoided": "turnover cost avoided",
        "program_cost": extra,
        "net_benefit": "net benefit (avoided - program cost)",
        "roi": "return on investment (net / program cost)",
        "p_net_positive": "chance net benefit > 0 (share of replicates)",
        "payback_week": "payback: weeks after launch (date)",
        "exits_avoided": "exits avoided",
        "break_even_cost_per_exit": "break-even replacement cost per exit",
        "cost_per_avoided_exit": "replacement cost per avoided exit, as assumed",
    }


def money_cell(row: pd.Series, currency: str, horizon: Horizon | None = None) -> str:
    """One cell of the money table as text (`money_table` row -> 'USD 332,126 [...]')."""
    value, lo, hi, note = row["value"], row["ci_low"], row["ci_high"], row["note"]
    measure = row["measure"]
    if measure == "p_net_positive":
        return "n/a" if np.isnan(value) else f"{100 * value:.0f}% ({note})"
    if np.isnan(value):
        return note or "n/a"
    if measure == "roi":
        bounds = "" if np.isnan(lo) else f" [{_percent(lo)}, {_percent(hi)}]"
        return f"{_percent(value)}{bounds}"
    if measure == "payback_week":
        date = f" ({horizon.start + dt.timedelta(weeks=value)})" if horizon else ""
        later = "not within the horizon" if np.isnan(hi) else f"{hi:.0f}"
        earlier = "n/a" if np.isnan(lo) else f"{lo:.0f}"
        return f"week {value:.0f}{date} [{earlier}, {later}]"
    if measure == "exits_avoided":
        return format_interval(value, lo, hi, digits=1)
    return format_amount(value, lo, hi, currency)


def _percent(value: float) -> str:
    return "unbounded" if np.isinf(value) else f"{100 * value:,.0f}%"


def money_display(
    money: pd.DataFrame, currency: str, horizon: Horizon | None = None, order: Sequence[str] = ()
) -> pd.DataFrame:
    """`money_table` as measures x designs text cells, designs in the scenario's order."""
    against = money["against"].iloc[0] if len(money) else "baseline"
    labels = money_labels(against)
    cells = money.assign(text=[money_cell(r, currency, horizon) for _, r in money.iterrows()])
    wide = cells.pivot(index="measure", columns="design", values="text")
    designs = [d for d in (*order, *dict.fromkeys(money["design"])) if d in wide.columns]
    wide = wide.loc[[m for m in labels if m in wide.index], list(dict.fromkeys(designs))]
    return wide.rename(index=labels).rename_axis(index=f"vs {against}", columns=None)


def break_even_lines(money: pd.DataFrame, currency: str) -> list[str]:
    """Per design, one sentence: the replacement cost per exit at which it pays for itself."""
    lines = []
    for design, rows in money.groupby("design", sort=False):
        r = rows.set_index("measure")
        be, assumed = r.loc["break_even_cost_per_exit"], r.loc["cost_per_avoided_exit"]
        if np.isnan(be["value"]):
            lines.append(f"{design}: no break-even ({be['note']}).")
            continue
        verdict = "above" if assumed["value"] > be["value"] else "not above"
        lines.append(
            f"{design} pays for itself when replacing one exit costs more than "
            f"{format_amount(be['value'], be['ci_low'], be['ci_high'], currency)}; "
            f"this scenario's salaries and replacement factors put an avoided exit at "
            f"{format_amount(assumed['value'], currency=currency)} ({verdict} break-even)."
        )
    return lines
