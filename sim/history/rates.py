"""Annual turnover by generation, role, level and tenure band, with intervals; small groups hidden.

With exit times (an event history, or a snapshot with exit months) a group's rate is its
exits over its person-years at risk in the window (left truncation: only the time inside
the window counts), a constant-hazard rate turned into the share leaving within a year,
1 - exp(-exits / person-years), with an exact Poisson 95% interval for the group's
underlying rate. Without exit times (a snapshot) it is the share who left over the window,
annualised as 1 - (1 - share)^(1 / window years), with a Clopper-Pearson 95% interval.

Privacy: a group of fewer than `MIN_GROUP` people shows neither its exits nor its rate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.history.groups import TENURE_BANDS, TENURE_EDGES, UNKNOWN
from sim.history.read import History
from sim.scenario.orgchart.chart import GENERATIONS

MIN_GROUP = 5
# Generations oldest first and tenure bands shortest first; other groups alphabetically.
_ORDER = {name: i for i, name in enumerate((*GENERATIONS, *TENURE_BANDS, UNKNOWN))}
GROUPINGS = ("generation", "role", "level", "tenure_band")
SUPPRESSED = f"suppressed: fewer than {MIN_GROUP} people"
INTERVAL = (
    "95% interval for the group's underlying annual rate (exact Poisson on exits over "
    "person-years); it describes how precisely the history measures the rate"
)
INTERVAL_SNAPSHOT = (
    "95% interval for the group's underlying annual rate (Clopper-Pearson on who left over "
    "the window, annualised)"
)


def turnover_table(history: History) -> pd.DataFrame:
    """A row per grouping and group: people, exits, person-years, annual rate, interval."""
    people = history.people
    parts = [_overall(history)]
    for grouping in GROUPINGS:
        if grouping == "tenure_band" and history.shape == "event history":
            parts.extend(_tenure_bands(people))
            continue
        groups = dict(list(people.groupby(grouping, sort=True)))
        for name in sorted(groups, key=lambda g: (_ORDER.get(g, len(_ORDER)), str(g))):
            parts.append(_row(history, grouping, str(name), groups[name]))
    table = pd.DataFrame(parts)
    return _suppress(table)


def _overall(history: History) -> dict:
    return _row(history, "all", "everyone", history.people)


def _row(history: History, grouping: str, name: str, group: pd.DataFrame) -> dict:
    """One group's counts and rate."""
    exits = int(group["event"].sum())
    n = len(group)
    if history.times_known:
        years = float((group["stop"] - group["entry"]).sum())
        rate, lo, hi = poisson_rate(exits, years)
    else:
        years = float(n * history.window_years)
        rate, lo, hi = window_rate(exits, n, history.window_years)
    return {
        "grouping": grouping,
        "group": name,
        "people": n,
        "exits": exits,
        "person_years": years,
        "annual_rate": rate,
        "ci_low": lo,
        "ci_high": hi,
    }


def _tenure_bands(people: pd.DataFrame) -> list[dict]:
    """Each band's exposure is the time people spent at that tenure inside the window."""
    rows = []
    entry, stop = people["entry"].to_numpy(), people["stop"].to_numpy()
    event = people["event"].to_numpy(bool)
    for band, lo, hi in zip(TENURE_BANDS, TENURE_EDGES[:-1], TENURE_EDGES[1:], strict=True):
        overlap = np.clip(np.minimum(stop, hi) - np.maximum(entry, lo), 0, None)
        exits = int((event & (stop >= lo) & (stop < hi)).sum())
        years = float(overlap.sum())
        rate, low, high = poisson_rate(exits, years)
        rows.append(
            {
                "grouping": "tenure_band",
                "group": band,
                "people": int((overlap > 0).sum()),
                "exits": exits,
                "person_years": years,
                "annual_rate": rate,
                "ci_low": low,
                "ci_high": high,
            }
        )
    return rows


def _suppress(table: pd.DataFrame) -> pd.DataFrame:
    """Hide the counts and rates of groups under `MIN_GROUP` people, with a note."""
    small = table["people"] < MIN_GROUP
    table["note"] = np.where(small, SUPPRESSED, "")
    for column in ("people", "exits", "person_years", "annual_rate", "ci_low", "ci_high"):
        table[column] = table[column].astype(float).where(~small)
    return table


def poisson_rate(exits: int, years: float) -> tuple[float, float, float]:
    """Annual leaving share and exact 95% interval from exits over person-years."""
    if years <= 0:
        return np.nan, np.nan, np.nan
    lo = stats.chi2.ppf(0.025, 2 * exits) / 2 if exits else 0.0
    hi = stats.chi2.ppf(0.975, 2 * exits + 2) / 2
    share = lambda count: 1 - np.exp(-count / years)  # noqa: E731
    return float(share(exits)), float(share(lo)), float(share(hi))


def window_rate(exits: int, n: int, window_years: float) -> tuple[float, float, float]:
    """Annualised leaving share and Clopper-Pearson 95% interval from who left in a window."""
    if n == 0:
        return np.nan, np.nan, np.nan
    lo = stats.beta.ppf(0.025, exits, n - exits + 1) if exits else 0.0
    hi = stats.beta.ppf(0.975, exits + 1, n - exits) if exits < n else 1.0
    annual = lambda p: 1 - (1 - p) ** (1 / window_years)  # noqa: E731
    return float(annual(exits / n)), float(annual(lo)), float(annual(hi))
