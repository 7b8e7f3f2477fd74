"""Costs that decide: net benefit, return on investment, payback and break-even, paired on seeds.

Every design is compared with one reference (the baseline, or another design) on the seeds
they share; common random numbers make the warm-up identical, so run totals count from the
launch. `Horizon` says which weeks the money covers.

Two questions, two answers, in every row of the money table:

- "What will happen in our organisation?": the predictive distribution of the paired runs
  (with ``--uncertainty posterior`` each run is one posterior draw x one seed): the chance of
  a positive net benefit, the median and the 80% predictive interval (10th to 90th
  percentile: `PREDICTIVE_LEVEL`). It does not narrow as runs are added.
- "How precisely is the average estimated?": the expected value (the mean) with its 95%
  interval of the mean, which narrows as runs are added.

Net benefit and return on investment come from the same runs and the same bootstrap
resamples, so their signs never disagree.
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
# factors put on one avoided exit (turnover cost avoided / exits avoided); not
# `program_cost_per_avoided_exit` (program cost / exits avoided), a different number.
ASSUMED_COST_PER_EXIT = "replacement_cost_per_avoided_exit"

PREDICTIVE_LEVEL = 0.80  # the predictive interval: 10th to 90th percentile of the paired runs
HORIZON_YEARS = (1, 2, 3)  # net benefit is also given this many years after the launch
PREDICTIVE_METHOD = (
    "over the paired runs (each a posterior draw x a seed with --uncertainty posterior): the "
    "median and 80% predictive interval (10th-90th percentile) say what may happen in one "
    "organisation and do not narrow with more runs; the mean's 95% interval says how precisely "
    "the average is estimated and does"
)

MONEY_MEASURES = {
    "turnover_cost_avoided": "turnover cost avoided",
    "program_cost": "program cost",
    "net_benefit": "net benefit",
    "roi": "return on investment",
    "p_net_positive": "net benefit > 0",
    "p_loss_above": "loss above the threshold",
    "payback_week": "payback week",
    "exits_avoided": "exits avoided",
    "break_even_cost_per_exit": "break-even cost per exit",
    ASSUMED_COST_PER_EXIT: "replacement cost per avoided exit",
}

MONEY_COLUMNS = [
    "design",
    "against",
    "measure",
    "value",
    "ci_low",
    "ci_high",
    "median",
    "pred_low",
    "pred_high",
    "n",
    "note",
]
"""value: the mean (an expected value) or a share; ci_low, ci_high: its 95% interval (the
precision of the mean); median, pred_low, pred_high: the median and the 80% predictive interval
of the paired runs (what one organisation may see)."""

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


def predictive(values: Sequence[float], level: float = PREDICTIVE_LEVEL) -> tuple[float, ...]:
    """Median and central `level` predictive interval of the runs' values (NaN when none).

    Empirical quantiles that are values of the runs (``inverted_cdf``), so that a monotone
    sign-keeping transform of the runs (net benefit to return on investment) keeps the signs.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return _NONE
    tail = (1 - level) / 2
    q = np.quantile(x, [0.5, tail, 1 - tail], method="inverted_cdf")
    return tuple(float(v) for v in q)


def share_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float, float]:
    """A share k / n with its Wilson interval (how precisely the chance is estimated)."""
    if n == 0:
        return _NONE
    p = k / n
    z = float(stats.norm.ppf(0.5 + level / 2))
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (p, max(0.0, centre - half), min(1.0, centre + half))


# A measure of the money table: (measure, (value, ci_low, ci_high), (median, pred_low,
# pred_high), note).
_Measure = tuple[str, tuple[float, float, float], tuple[float, ...], str]


def money_table(
    summary: pd.DataFrame,
    series: pd.DataFrame | None = None,
    against: str = "baseline",
    launch_week: int | None = None,
    level: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
    *,
    scenario: Scenario | None = None,
    loss_threshold: float = 0.0,
) -> pd.DataFrame:
    """Costs that decide: every design against one reference, paired on shared seeds.

    Per design (each on the seeds it shares with `against`; common random numbers make the
    warm-up identical, so run totals count from the launch). Every amount has its mean (the
    expected value) with a 95% interval of the mean, and the median and 80% predictive
    interval of the paired runs (`PREDICTIVE_METHOD`):

    - p_net_positive: the share of paired runs whose net benefit is above zero (the chance
      that one organisation gains), with a Wilson interval for its precision;
    - net_benefit: turnover cost avoided minus program cost; the interval of the mean is a
      paired bootstrap, on the same resamples as roi;
    - p_loss_above: the share of paired runs losing more than `loss_threshold`;
    - roi: mean net benefit / mean program cost (bootstrap interval on the same resamples as
      net_benefit), and per run net benefit / program cost for the predictive columns; its
      sign always agrees with net benefit's; undefined when the design costs no more;
    - turnover_cost_avoided, program_cost: means with t intervals;
    - payback_week: the first week after the launch from which the mean cumulative net
      benefit stays above zero; only given when net benefit is positive in at least half of
      the runs (and with the weekly series);
    - net_benefit_yK, p_net_positive_yK: at K = 1, 2, 3 years after the launch, where the
      run is that long (a note says when it is not); the interval of the mean is the same
      paired bootstrap as net_benefit's;
    - exits_avoided; break_even_cost_per_exit (program cost / exits avoided: the replacement
      cost per exit at which net benefit is zero); replacement_cost_per_avoided_exit
      (`ASSUMED_COST_PER_EXIT`: turnover cost avoided / exits avoided, the scenario's).

    Args:
        summary: a row per run.
        series: the weekly series (for payback and the yearly horizons).
        against: the reference design.
        launch_week: the launch's week index; with a series, required unless `scenario`
            gives it (no silent week 0).
        level: the coverage of the intervals of the mean.
        resamples: bootstrap resamples.
        seed: seeds the bootstrap.
        scenario: the scenario run (its launch week).
        loss_threshold: the loss (a positive amount) `p_loss_above` counts runs beyond.

    Returns:
        A tidy table with `MONEY_COLUMNS`.

    Raises:
        ValueError: a series without a launch week.
    """
    has_series = series is not None and not series.empty
    if launch_week is None:
        if scenario is not None:
            launch_week = scenario.launch_week
        elif has_series:
            raise ValueError("money_table needs launch_week or scenario to read the series from")
        else:
            launch_week = 0
    rng = np.random.default_rng(seed)
    weekly = net_benefit_by_week(series, launch_week, against, level) if has_series else None
    yearly = _yearly_nets(series, launch_week, against) if has_series else None
    rows = []
    for design in dict.fromkeys(summary["design"]):
        if design == against:
            continue
        a = _Amounts.of(summary, design, against)
        p_positive = _p_net_positive(a)
        net, roi = _net_and_roi(a, against, level, resamples, rng)
        measures = [
            p_positive,
            net,
            _p_loss_above(a, loss_threshold),
            roi,
            *_mean_measures(a, level),
            _payback(weekly, design, p_positive[1][0]),
            *_horizons(yearly, design, launch_week, level, resamples, seed),
            *_exit_measures(a, against, level, resamples, rng),
        ]
        rows += [
            (design, against, m, *value, *pred, a.n, note) for m, value, pred, note in measures
        ]
    return pd.DataFrame(rows, columns=MONEY_COLUMNS)


def _mean_measures(a: _Amounts, level: float) -> list[_Measure]:
    """Turnover cost avoided and program cost: means with t intervals, and predictive."""
    return [
        ("turnover_cost_avoided", mean_interval(a.avoided, level), predictive(a.avoided), ""),
        ("program_cost", mean_interval(a.cost, level), predictive(a.cost), ""),
    ]


def _net_and_roi(
    a: _Amounts, against: str, level: float, resamples: int, rng: np.random.Generator
) -> tuple[_Measure, _Measure]:
    """Net benefit and return on investment from the same runs and bootstrap resamples."""
    if a.n == 0:
        return ("net_benefit", _NONE, _NONE, ""), ("roi", _NONE, _NONE, "")
    mean_net = float(a.net.mean())
    mean_cost = float(a.cost.mean())
    tail = (1 - level) / 2
    net_ci: tuple[float, float] = (np.nan, np.nan)
    roi_ci: tuple[float, float] = (np.nan, np.nan)
    if a.n >= 2:
        idx = rng.integers(0, a.n, size=(resamples, a.n))
        nets, costs = a.net[idx].mean(axis=1), a.cost[idx].mean(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            # A resample that costs nothing more: an unbounded return of net benefit's sign.
            rois = np.where(costs > 0, nets / costs, np.copysign(np.inf, nets) * (nets != 0))
        rois = np.nan_to_num(rois, nan=0.0, posinf=np.inf, neginf=-np.inf)
        q = [tail, 1 - tail]
        net_ci = tuple(float(v) for v in np.quantile(nets, q, method="inverted_cdf"))
        roi_ci = tuple(float(v) for v in np.quantile(rois, q, method="inverted_cdf"))
    net = ("net_benefit", (mean_net, *net_ci), predictive(a.net), "")
    if not mean_cost > 0:
        return net, ("roi", _NONE, _NONE, f"undefined: costs no more than {against}")
    per_run = a.cost > 0
    pred = predictive(a.net / np.where(per_run, a.cost, 1.0)) if per_run.all() else _NONE
    note = "" if per_run.all() else f"no predictive interval: some runs cost no more than {against}"
    return net, ("roi", (mean_net / mean_cost, *roi_ci), pred, note)


def _p_net_positive(a: _Amounts) -> _Measure:
    """The share of paired runs with a positive net benefit (the chance one organisation gains)."""
    positive = int((a.net > 0).sum())
    note = f"{positive} of {a.n} paired runs"
    return ("p_net_positive", share_interval(positive, a.n), _NONE, note)


def _p_loss_above(a: _Amounts, threshold: float) -> _Measure:
    """The share of paired runs losing more than `threshold`."""
    losing = int((a.net < -abs(threshold)).sum())
    beyond = f"more than {abs(threshold):,.0f}" if threshold else "money"
    note = f"{losing} of {a.n} paired runs lose {beyond}"
    return ("p_loss_above", share_interval(losing, a.n), _NONE, note)


def _payback(weekly: pd.DataFrame | None, design: str, p_positive: float) -> _Measure:
    """The payback week of the mean net benefit, only where the design gains in most runs."""
    if weekly is None or weekly.empty:
        return ("payback_week", _NONE, _NONE, "needs the weekly series")
    if not p_positive >= 0.5:
        return (
            "payback_week",
            _NONE,
            _NONE,
            f"none: net benefit is positive in only {100 * p_positive:.0f}% of runs",
        )
    w = weekly[weekly["design"] == design]
    since = w["weeks_since_launch"]
    pay = (
        payback_week(since, w["mean"]),
        payback_week(since, w["ci_high"]),
        payback_week(since, w["ci_low"]),
    )
    return ("payback_week", pay, _NONE, "not within the horizon" if np.isnan(pay[0]) else "")


def _yearly_nets(series: pd.DataFrame, launch_week: int, against: str) -> pd.DataFrame:
    """Net benefit per design, seed and year after the launch (at weeks launch + 52 K)."""
    weeks = [launch_week + k * WEEKS_PER_YEAR for k in HORIZON_YEARS]
    s = _since_launch(series, launch_week)
    s = s[s["week"].isin(weeks)]
    ref = s[s["design"] == against].set_index(["seed", "week"])
    parts = []
    for design, runs in s.groupby("design", sort=False):
        if design == against:
            continue
        d, r = align(runs.set_index(["seed", "week"]), ref)
        net = (r["since"] - d["since"]) - (d["program_cost"] - r["program_cost"])
        parts.append(net.rename("net").reset_index().assign(design=design))
    cols = ["design", "seed", "week", "net"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


def _bootstrap_mean(values: np.ndarray, level: float, resamples: int, seed: Sequence[int]):
    """The mean with a bootstrap percentile interval, as `_net_and_roi` gives net benefit's."""
    mean = float(values.mean())
    if len(values) < 2:
        return (mean, np.nan, np.nan)
    rng = np.random.default_rng(np.random.SeedSequence(list(seed)))
    means = values[rng.integers(0, len(values), size=(resamples, len(values)))].mean(axis=1)
    tail = (1 - level) / 2
    low, high = np.quantile(means, [tail, 1 - tail], method="inverted_cdf")
    return (mean, float(low), float(high))


def _horizons(
    yearly: pd.DataFrame | None,
    design: str,
    launch_week: int,
    level: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> list[_Measure]:
    """Net benefit and its chance of being positive 1, 2 and 3 years after the launch.

    Net benefit's interval of the mean is the same paired bootstrap as the headline row's
    (its own stream per year, so the other rows' resamples do not move).
    """
    out: list[_Measure] = []
    for k in HORIZON_YEARS:
        week = launch_week + k * WEEKS_PER_YEAR
        net = (
            yearly.loc[(yearly["design"] == design) & (yearly["week"] == week), "net"].to_numpy()
            if yearly is not None
            else np.array([])
        )
        if len(net) == 0:
            why = "needs the weekly series" if yearly is None else f"the run ends before year {k}"
            out += [(f"net_benefit_y{k}", _NONE, _NONE, why)]
            out += [(f"p_net_positive_y{k}", _NONE, _NONE, why)]
            continue
        positive = int((net > 0).sum())
        interval = _bootstrap_mean(net, level, resamples, (seed, k))
        out.append((f"net_benefit_y{k}", interval, predictive(net), ""))
        out.append(
            (
                f"p_net_positive_y{k}",
                share_interval(positive, len(net)),
                _NONE,
                f"{positive} of {len(net)} paired runs",
            )
        )
    return out


def _exit_measures(
    a: _Amounts, against: str, level: float, resamples: int, rng: np.random.Generator
) -> list[_Measure]:
    """Exits avoided, the break-even replacement cost per exit, and the assumed one."""
    none_avoided = "avoids no exit on average"
    assumed = _ratio_interval(a.avoided, a.exits, level, resamples, rng)
    if a.n and not a.cost.mean() > 0:  # free or cheaper: any replacement cost is enough
        break_even = ("break_even_cost_per_exit", _NONE, _NONE, f"costs no more than {against}")
    else:
        value = _ratio_interval(a.cost, a.exits, level, resamples, rng)
        note = "" if value[0] > 0 else none_avoided
        break_even = ("break_even_cost_per_exit", value, _NONE, note)
    return [
        ("exits_avoided", mean_interval(a.exits, level), predictive(a.exits), ""),
        break_even,
        (ASSUMED_COST_PER_EXIT, assumed, _NONE, none_avoided if np.isnan(assumed[0]) else ""),
    ]


# --- which design: every design (the reference too) ranked on net benefit -----------------
RANKING_COLUMNS = [
    "design",
    "p_best",
    "expected_net_benefit",
    "p_loss",
    "turnover_effect",
    "engagement_effect",
    "n",
]
# The effects shown beside the money: (summary column, ranking column).
_RANKING_EFFECTS = (
    ("turnover_junior_y1", "turnover_effect"),
    ("engagement_junior_end", "engagement_effect"),
)


def ranking_table(summary: pd.DataFrame, against: str = "baseline") -> pd.DataFrame:
    """Every design, the reference too, ranked by its chance of the best net benefit.

    On each seed every design shares, the design with the highest net benefit against
    `against` (whose own is zero: not running a design is an option) is the best; ties share
    the run. The chance of being best is the share of runs a design is best in.

    Returns:
        A row per design, most likely best first: design, p_best, expected_net_benefit (the
        mean), p_loss (share of runs with a negative net benefit), turnover_effect (junior
        turnover in year 1 minus the reference's, mean), engagement_effect (junior engagement
        at the end minus the reference's, mean), n (the runs every design shares).
    """
    designs = list(dict.fromkeys(summary["design"]))
    if against not in designs:
        return pd.DataFrame(columns=RANKING_COLUMNS)
    by_seed = summary.set_index(["design", "seed"])
    seeds = None
    for d in designs:
        have = by_seed.loc[d].index
        seeds = have if seeds is None else seeds.intersection(have)
    ref = by_seed.loc[against].loc[seeds]
    money = (ref["turnover_cost"] + ref["program_cost"]).to_numpy(dtype=float)
    nets = np.column_stack(
        [
            money
            - (
                by_seed.loc[d].loc[seeds, "turnover_cost"]
                + by_seed.loc[d].loc[seeds, "program_cost"]
            ).to_numpy(dtype=float)
            for d in designs
        ]
    )
    best = np.isclose(nets, nets.max(axis=1, keepdims=True), rtol=0, atol=1e-9)
    p_best = (best / best.sum(axis=1, keepdims=True)).mean(axis=0) if len(seeds) else np.nan
    rows = []
    for i, d in enumerate(designs):
        row = {
            "design": d,
            "p_best": float(p_best[i]) if len(seeds) else np.nan,
            "expected_net_benefit": float(nets[:, i].mean()) if len(seeds) else np.nan,
            "p_loss": float((nets[:, i] < 0).mean()) if len(seeds) else np.nan,
        }
        for column, name in _RANKING_EFFECTS:
            row[name] = (
                float((by_seed.loc[d].loc[seeds, column] - ref[column]).mean())
                if column in summary and len(seeds)
                else np.nan
            )
        rows.append(row | {"n": len(seeds)})
    table = pd.DataFrame(rows, columns=RANKING_COLUMNS)
    return table.sort_values(
        ["p_best", "expected_net_benefit"], ascending=False, kind="stable"
    ).reset_index(drop=True)
