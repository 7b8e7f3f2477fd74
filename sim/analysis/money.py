"""Costs that decide: net benefit, return on investment, payback and break-even, paired on seeds.

Every design is compared with one reference (the baseline, or another design) on the seeds
they share; common random numbers make the warm-up identical, so run totals count from the
launch. `Horizon` says which weeks the money covers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.intervals import mean_interval
from sim.analysis.paired import align, align_by_seed, bootstrap_ratio
from sim.scenario.calendar import WEEKS_PER_YEAR

if TYPE_CHECKING:
    from sim.scenario.parameters import Scenario

# The money table's measure for the replacement cost the scenario's salaries and replacement
# factors put on one avoided exit (turnover cost avoided / exits avoided). Its key in money.csv
# reads like `program_cost_per_avoided_exit` (program cost / exits avoided), a different
# number; the key is kept so that money.csv does not change.
ASSUMED_COST_PER_EXIT = "cost_per_avoided_exit"

MONEY_MEASURES = {
    "turnover_cost_avoided": "turnover cost avoided",
    "program_cost": "program cost",
    "net_benefit": "net benefit",
    "roi": "return on investment",
    "p_net_positive": "net benefit > 0",
    "payback_week": "payback week",
    "exits_avoided": "exits avoided",
    "break_even_cost_per_exit": "break-even cost per exit",
    ASSUMED_COST_PER_EXIT: "replacement cost per avoided exit",
}

MONEY_COLUMNS = ["design", "against", "measure", "value", "ci_low", "ci_high", "n", "note"]

_NONE = (np.nan, np.nan, np.nan)


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
        years = self.weeks / WEEKS_PER_YEAR
        span = f" ({years:g} year{'' if years == 1 else 's'})" if self.weeks % 26 == 0 else ""
        return f"{self.weeks} weeks{span} from the launch, {self.start} to {self.end}"


def program_cost_per_avoided_exit(
    summary: pd.DataFrame, baseline: str = "baseline"
) -> pd.DataFrame:
    """The design's program cost per exit it avoids against the baseline on the same seeds.

    Undefined (NaN, with a note) when the design avoids no exits on average: a ratio to zero
    or to a negative number of avoided exits would mislead.

    Returns:
        A row per design: design, exits_avoided, program_cost, program_cost_per_avoided_exit,
        note.
    """
    rows = []
    for design in dict.fromkeys(summary["design"]):
        if design == baseline:
            continue
        runs, base = align_by_seed(summary, design, baseline)
        avoided = float((base["exits_total"] - runs["exits_total"]).mean())
        cost = float(runs["program_cost"].mean())
        ok = avoided > 0
        rows.append(
            {
                "design": design,
                "exits_avoided": avoided,
                "program_cost": cost,
                "program_cost_per_avoided_exit": cost / avoided if ok else np.nan,
                "note": "" if ok else "no exit avoided on average: undefined",
            }
        )
    return pd.DataFrame(rows)


def program_cost_per_avoided_exit_interval(
    summary: pd.DataFrame,
    baseline: str = "baseline",
    level: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """`program_cost_per_avoided_exit` with a paired bootstrap interval over the shared seeds.

    Seeds are resampled with replacement (design and baseline together, keeping the pairing);
    the ratio of mean program cost to mean exits avoided is taken in each resample. Where a
    resample avoids no exit the ratio is unbounded, so the upper bound is infinite when more
    than the upper tail of resamples avoid none: the data cannot rule out "no effect".
    """
    point = program_cost_per_avoided_exit(summary, baseline)
    rng = np.random.default_rng(seed)
    lows, highs = [], []
    for design in point["design"]:
        runs, base = align_by_seed(summary, design, baseline)
        if len(runs) < 2:
            lows.append(np.nan)
            highs.append(np.nan)
            continue
        avoided = (base["exits_total"] - runs["exits_total"]).to_numpy()
        cost = runs["program_cost"].to_numpy(dtype=float)
        lo, hi = bootstrap_ratio(cost, avoided, level, resamples, rng)
        lows.append(lo)
        highs.append(hi)
    return point.assign(ci_low=lows, ci_high=highs)


def _ratio_interval(
    num: np.ndarray, den: np.ndarray, level: float, resamples: int, rng: np.random.Generator
) -> tuple[float, float, float]:
    """mean(num) / mean(den), with a paired bootstrap percentile interval (`bootstrap_ratio`).

    Undefined (NaN) when the mean denominator is not positive; no interval (and no draw from
    `rng`) with fewer than two pairs.
    """
    mean_den = float(den.mean()) if len(den) else np.nan
    if not mean_den > 0:
        return _NONE
    point = float(num.mean()) / mean_den
    if len(num) < 2:
        return (point, np.nan, np.nan)
    return (point, *bootstrap_ratio(num, den, level, resamples, rng))


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
    s = _since_launch(series, launch_week)
    ref = s[s["design"] == against].set_index(["seed", "week"])
    parts = [
        _net_by_week(design, runs.set_index(["seed", "week"]), ref, launch_week, level)
        for design, runs in s.groupby("design", sort=False)
        if design != against
    ]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _since_launch(series: pd.DataFrame, launch_week: int) -> pd.DataFrame:
    """The weekly series from the launch on, with `since`: turnover cost since the launch."""
    cols = ["design", "seed", "week", "date", "turnover_cost", "program_cost"]
    s = series.loc[series["week"] >= launch_week, cols]
    at_launch = s[s["week"] == launch_week].set_index(["design", "seed"])["turnover_cost"]
    return s.assign(
        since=s["turnover_cost"].to_numpy()
        - at_launch.reindex(pd.MultiIndex.from_frame(s[["design", "seed"]])).to_numpy()
    )


def _net_by_week(
    design: str, runs: pd.DataFrame, ref: pd.DataFrame, launch_week: int, level: float
) -> pd.DataFrame:
    """One design's mean net benefit per week with a t interval; both indexed by seed, week."""
    d, r = align(runs, ref)
    net = (r["since"] - d["since"]) - (d["program_cost"] - r["program_cost"])
    out = net.groupby(level="week", sort=True).agg(["mean", "std", "count"]).reset_index()
    n = out["count"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = stats.t.ppf(0.5 + level / 2, np.where(n > 1, n - 1, np.nan))
        half = t * out["std"].to_numpy() / np.sqrt(n)
    dates = d["date"].groupby(level="week", sort=True).first().to_numpy()
    return pd.DataFrame(
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


@dataclass(frozen=True)
class _Amounts:
    """One design against the reference, per shared seed (the reference's minus the design's)."""

    avoided: np.ndarray  # turnover cost avoided
    cost: np.ndarray  # the program cost the design adds
    net: np.ndarray  # avoided - cost
    exits: np.ndarray  # exits avoided

    @classmethod
    def of(cls, summary: pd.DataFrame, design: str, against: str) -> _Amounts:
        """The amounts of `design` against `against` on their shared seeds."""
        runs, ref = align_by_seed(summary, design, against)
        avoided = (ref["turnover_cost"] - runs["turnover_cost"]).to_numpy(dtype=float)
        cost = (runs["program_cost"] - ref["program_cost"]).to_numpy(dtype=float)
        exits = (ref["exits_total"] - runs["exits_total"]).to_numpy(dtype=float)
        return cls(avoided, cost, avoided - cost, exits)

    @property
    def n(self) -> int:
        """Paired replicates."""
        return len(self.net)


# A measure of the money table: (measure, (value, ci_low, ci_high), note).
_Measure = tuple[str, tuple[float, float, float], str]


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
    - cost_per_avoided_exit (`ASSUMED_COST_PER_EXIT`): turnover cost avoided / exits
      avoided, what the scenario's salaries and replacement factors make an avoided exit cost.

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
        a = _Amounts.of(summary, design, against)
        # The bootstraps draw from one generator in this order: roi, then the exit ratios.
        measures = [
            *_mean_measures(a, level),
            _roi(a, against, level, resamples, rng),
            _p_net_positive(a),
            _payback(weekly, design),
            *_exit_measures(a, against, level, resamples, rng),
        ]
        rows += [(design, against, m, *value, a.n, note) for m, value, note in measures]
    return pd.DataFrame(rows, columns=MONEY_COLUMNS)


def _mean_measures(a: _Amounts, level: float) -> list[_Measure]:
    """Turnover cost avoided, program cost and net benefit: means with t intervals."""
    return [
        ("turnover_cost_avoided", mean_interval(a.avoided, level), ""),
        ("program_cost", mean_interval(a.cost, level), ""),
        ("net_benefit", mean_interval(a.net, level), ""),
    ]


def _roi(
    a: _Amounts, against: str, level: float, resamples: int, rng: np.random.Generator
) -> _Measure:
    """Return on investment: mean net benefit / mean program cost."""
    roi = _ratio_interval(a.net, a.cost, level, resamples, rng)
    return ("roi", roi, f"undefined: costs no more than {against}" if np.isnan(roi[0]) else "")


def _p_net_positive(a: _Amounts) -> _Measure:
    """The share of paired replicates with a positive net benefit."""
    positive = int((a.net > 0).sum())
    share = positive / a.n if a.n else np.nan
    return ("p_net_positive", (share, np.nan, np.nan), f"{positive} of {a.n} paired replicates")


def _payback(weekly: pd.DataFrame, design: str) -> _Measure:
    """The payback week of the mean net benefit; its interval from the band's bounds."""
    if weekly.empty:
        return ("payback_week", _NONE, "needs the weekly series")
    w = weekly[weekly["design"] == design]
    since = w["weeks_since_launch"]
    pay = (
        payback_week(since, w["mean"]),
        payback_week(since, w["ci_high"]),
        payback_week(since, w["ci_low"]),
    )
    return ("payback_week", pay, "not within the horizon" if np.isnan(pay[0]) else "")


def _exit_measures(
    a: _Amounts, against: str, level: float, resamples: int, rng: np.random.Generator
) -> list[_Measure]:
    """Exits avoided, the break-even replacement cost per exit, and the assumed one."""
    none_avoided = "avoids no exit on average"
    # Drawn before the break-even although shown after it: the draws' order keeps results.
    assumed = _ratio_interval(a.avoided, a.exits, level, resamples, rng)
    if a.n and not a.cost.mean() > 0:  # free or cheaper: any replacement cost is enough
        break_even = ("break_even_cost_per_exit", _NONE, f"costs no more than {against}")
    else:
        value = _ratio_interval(a.cost, a.exits, level, resamples, rng)
        break_even = ("break_even_cost_per_exit", value, "" if value[0] > 0 else none_avoided)
    return [
        ("exits_avoided", mean_interval(a.exits, level), ""),
        break_even,
        (ASSUMED_COST_PER_EXIT, assumed, none_avoided if np.isnan(assumed[0]) else ""),
    ]
