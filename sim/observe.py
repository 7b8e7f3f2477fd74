"""Observation (MODEL.md section 8): a weekly row from the arrays, and a run's summary row.

`WeeklyRecorder.record` reads the model's arrays once a week and keeps plain numbers;
`finish` turns them into the tidy series (a row per week, turnover derived with the HR
formula), and `summarise` reduces a series to one row per run, per year relative to launch.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.people import GENERATIONS

if TYPE_CHECKING:
    from sim.model import Leavers, OrgCultureModel

GEN_KEYS = ("boomer", "gen_x", "millennial", "gen_z")
ROLES = ("junior", "senior")


def _mean(values: np.ndarray) -> float:
    """Mean of a 1-D array (NaN when empty): numpy's pairwise sum, as values[mask].mean()."""
    # np.add.reduce is what ndarray.mean sums with (pairwise), minus its Python wrapper.
    n = len(values)
    return float(np.add.reduce(values)) / n if n else float("nan")


class WeeklyRecorder:
    """Collects one row of model-level numbers per week.

    Each group's mean is numpy's mean over that group's values in position order, exactly
    as `values[mask].mean()` gives it, but the groups come from a few index arrays (one per
    role, one stable sort by generation) instead of two dozen boolean masks a week.
    """

    def __init__(self, model: OrgCultureModel) -> None:
        self.model = model
        self.rows: dict[str, list[float]] = defaultdict(list)
        self.people_rows: list[pd.DataFrame] = []
        self._series: pd.DataFrame | None = None
        org = model.org
        self._role_positions = {
            "junior": org.size - len(org.senior_positions),
            "senior": len(org.senior_positions),
        }
        self._leaders = np.flatnonzero(model.leadership_mask)
        self._dept_keys = [f"exits_dept_{d}" for d in range(org.n_departments)]

    def record(self, week: int, leavers: Leavers | None) -> None:
        """Append this week's row; `leavers` are the week's leavers (None at week 0)."""
        m = self.model
        p, org = m.people, m.org
        row = self.rows
        self._series = None
        row["week"].append(week)
        filled = p.filled
        e = p.engagement
        engaged = e >= m.config.dynamics.engagement.engaged_threshold
        if leavers is None:
            left = left_gen = np.empty(0, dtype=np.int64)
        else:
            left, left_gen = leavers.positions, leavers.generation
        left_senior = int(np.count_nonzero(org.is_senior[left]))
        exits = {"junior": len(left) - left_senior, "senior": left_senior}
        seniors_here = filled & org.is_senior
        here = {
            "junior": (filled ^ seniors_here).nonzero()[0],
            "senior": seniors_here.nonzero()[0],
        }
        for role, at in here.items():
            n = len(at)
            row[f"headcount_{role}"].append(n)
            row[f"vacancies_{role}"].append(self._role_positions[role] - n)
            row[f"exits_{role}"].append(exits[role])
            row[f"engagement_{role}"].append(_mean(e[at]))
            row[f"engaged_share_{role}"].append(
                int(np.count_nonzero(engaged[at])) / n if n else float("nan")
            )
            row[f"exit_risk_{role}"].append(_mean(p.exit_risk[at]))
            row[f"digital_{role}"].append(_mean(p.digital[at]))
            row[f"business_{role}"].append(_mean(p.business[at]))
        # Generations: a stable sort keeps each group in position order (vacant last).
        n_gen = len(GEN_KEYS)
        key = np.where(filled, p.generation, n_gen)
        by_gen = key.argsort(kind="stable")
        bounds = key[by_gen].searchsorted(np.arange(n_gen + 1)).tolist() + [len(key)]
        heads = [b - a for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
        e_by_gen = e[by_gen[: bounds[n_gen]]]
        engaged_by_gen = engaged[by_gen[: bounds[n_gen]]]
        # A leaver counts in the generation they had when they left.
        exits_by_gen = np.bincount(left_gen, minlength=n_gen)
        for code, gen in enumerate(GEN_KEYS):
            n = int(heads[code])
            row[f"headcount_{gen}"].append(n)
            row[f"exits_{gen}"].append(int(exits_by_gen[code]))
            row[f"engagement_{gen}"].append(_mean(e_by_gen[bounds[code] : bounds[code + 1]]))
            engaged_n = int(np.count_nonzero(engaged_by_gen[bounds[code] : bounds[code + 1]]))
            row[f"engaged_share_{gen}"].append(engaged_n / n if n else float("nan"))
        exits_by_dept = np.bincount(org.department[left], minlength=org.n_departments).tolist()
        for name, count in zip(self._dept_keys, exits_by_dept, strict=True):
            row[name].append(count)
        leaders = self._leaders[filled[self._leaders]]
        fluency = _mean(p.digital[leaders])
        row["leadership_fluency"].append(fluency)
        row["knowledge_gap"].append(row["digital_junior"][-1] - fluency)
        prog = m.program
        row["pairs_active"].append(prog.active_pairs if prog else 0)
        row["unpaired_mentees"].append(prog.unpaired_mentees(week) if prog else 0)
        row["pairs_formed"].append(prog.pairs_formed if prog else 0)
        row["sessions_held"].append(prog.sessions_held if prog else 0)
        row["program_hours"].append(prog.hours if prog else 0.0)
        if m.config.observation.record_people:
            self.people_rows.append(self.people_snapshot(week))

    def people_snapshot(self, week: int) -> pd.DataFrame:
        """A row per filled position this week (only when asked for: it is large)."""
        m = self.model
        p, org = m.people, m.org
        at = np.flatnonzero(p.filled)
        partner = m.program.partner[at] if m.program else np.full(len(at), -1)
        return pd.DataFrame(
            {
                "week": week,
                "position": at,
                "person": p.person_id[at],
                "role": np.where(org.is_senior[at], "Senior", "Junior"),
                "level": org.level[at],
                "department": org.department[at],
                "generation": np.array(GENERATIONS)[p.generation[at]],
                "digital": p.digital[at],
                "business": p.business[at],
                "engagement": p.engagement[at],
                "exit_risk": p.exit_risk[at],
                "tenure": p.tenure[at],
                "partner": partner,
            }
        )

    def finish(self) -> pd.DataFrame:
        """The weekly series as a DataFrame, with dates, turnover and costs derived.

        Built once per number of recorded weeks and then kept: callers that change the
        frame should copy it (`OrgCultureModel.series()` returns a copy).
        """
        if self._series is not None:
            return self._series
        m = self.model
        cols: dict[str, np.ndarray] = {k: np.array(v) for k, v in self.rows.items()}
        week = cols.pop("week")
        start = m.config.start_date
        launch = m.config.launch_week
        s: dict[str, object] = {
            "week": week,
            "date": np.array([start + dt.timedelta(weeks=w) for w in week.tolist()], dtype=object),
            "weeks_since_launch": week - launch,
            **cols,
        }
        for group in (*ROLES, *GEN_KEYS):
            s[f"turnover_{group}"] = trailing_turnover(
                cols[f"exits_{group}"], cols[f"headcount_{group}"]
            )
        exits_all = cols["exits_junior"] + cols["exits_senior"]
        heads_all = cols["headcount_junior"] + cols["headcount_senior"]
        s["turnover_all"] = trailing_turnover(exits_all, heads_all)
        s["turnover_annualised"] = week < 52
        c = m.config.costs
        s["turnover_cost"] = np.cumsum(
            cols["exits_junior"] * c.replacement_junior * c.salary_junior
            + cols["exits_senior"] * c.replacement_senior * c.salary_senior
        )
        hourly = (c.salary_junior + c.salary_senior) / c.hours_per_year
        admin = m.design.admin_cost_per_pair if m.design else 0.0
        formed = cols["pairs_formed"]
        s["program_cost"] = cols["program_hours"] * hourly + formed * admin
        with np.errstate(invalid="ignore", divide="ignore"):
            s["sessions_per_pair"] = np.where(
                formed > 0, cols["sessions_held"] / np.maximum(formed, 1), np.nan
            )
        fluency = cols["leadership_fluency"]
        at_launch = fluency[np.flatnonzero(week == min(launch, len(week) - 1))[0]]
        s["digital_relevance"] = 1.0 + m.config.observation.relevance_elasticity * (
            fluency - at_launch
        )
        self._series = pd.DataFrame(s)
        return self._series


def trailing_turnover(
    exits: np.ndarray | pd.Series, headcount: np.ndarray | pd.Series
) -> np.ndarray:
    """Trailing-52-week exits / mean headcount over the same weeks, annualised before week 52.

    Week 0 has no exits yet and gets NaN. Before week 52 the window is weeks 1..w and the
    rate is scaled by 52 / w (the `turnover_annualised` column flags these weeks). Window
    sums come from cumulative sums, exact for whole-number counts.
    """
    e = np.asarray(exits, dtype=np.float64)
    h = np.asarray(headcount, dtype=np.float64)
    n_weeks = len(e)
    weeks = np.arange(n_weeks)
    n = np.minimum(weeks, 52).astype(np.float64)  # weeks 1..w in the window (week 0 is not)

    def window_sum(x: np.ndarray) -> np.ndarray:
        c = np.cumsum(np.r_[0.0, x[1:]])  # c[w] = x[1] + ... + x[w]
        out = c.copy()
        out[52:] -= c[:-52]
        return out

    with np.errstate(invalid="ignore", divide="ignore"):
        rate = window_sum(e) / (window_sum(h) / n)
        turnover = rate * 52.0 / n
    turnover[0] = np.nan
    turnover[np.isinf(turnover)] = np.nan
    return turnover


def year_windows(series: pd.DataFrame, launch_week: int) -> dict[str, pd.DataFrame]:
    """Complete 52-week windows relative to launch: 'pre' (the year before), 'y1', 'y2', ..."""
    out = {}
    w = series["week"]
    if launch_week >= 52:
        out["pre"] = series[(w > launch_week - 52) & (w <= launch_week)]
    y = 1
    while launch_week + 52 * y <= int(w.max()):
        lo, hi = launch_week + 52 * (y - 1), launch_week + 52 * y
        out[f"y{y}"] = series[(w > lo) & (w <= hi)]
        y += 1
    return out


# Summary outcomes: per-year ones carry a suffix (_pre, _y1, _y2, ...), the rest do not.
YEARLY_OUTCOMES = tuple(
    [f"turnover_{g}" for g in ("junior", "senior", "millennial", "gen_z")]
    + [
        "exits_junior",
        "exits_all",
        "engagement_junior",
        "engaged_share_junior",
        "leadership_fluency",
    ]
)
RUN_OUTCOMES = (
    "leadership_fluency_end",
    "knowledge_gap_end",
    "digital_relevance_end",
    "engagement_junior_end",
    "exits_total",
    "pairs_formed",
    "sessions_held",
    "sessions_per_pair",
    "unpaired_mentees_max",
    "program_hours",
    "program_cost",
    "turnover_cost",
    "mentor_retention_52w",
)


def is_summary_outcome(name: str) -> bool:
    """True if `name` is a column of a run's summary row (e.g. turnover_millennial_y1)."""
    if name in RUN_OUTCOMES:
        return True
    stem, _, suffix = name.rpartition("_")
    return stem in YEARLY_OUTCOMES and (
        suffix == "pre" or (suffix[:1] == "y" and suffix[1:].isdigit())
    )


def summarise(series: pd.DataFrame, model: OrgCultureModel) -> dict[str, object]:
    """One summary row for a run: outcomes per year relative to launch, and run totals."""
    row: dict[str, object] = {}
    for label, win in year_windows(series, model.config.launch_week).items():
        for group in ("junior", "senior", "millennial", "gen_z"):
            heads = win[f"headcount_{group}"].mean()
            exits = win[f"exits_{group}"].sum()
            row[f"turnover_{group}_{label}"] = exits / heads if heads > 0 else np.nan
        row[f"exits_junior_{label}"] = int(win["exits_junior"].sum())
        row[f"exits_all_{label}"] = int(win["exits_junior"].sum() + win["exits_senior"].sum())
        row[f"engagement_junior_{label}"] = win["engagement_junior"].mean()
        row[f"engaged_share_junior_{label}"] = win["engaged_share_junior"].mean()
        row[f"leadership_fluency_{label}"] = win["leadership_fluency"].iloc[-1]
    last = series.iloc[-1]
    row["leadership_fluency_end"] = last["leadership_fluency"]
    row["knowledge_gap_end"] = last["knowledge_gap"]
    row["digital_relevance_end"] = last["digital_relevance"]
    row["engagement_junior_end"] = last["engagement_junior"]
    row["exits_total"] = int(series["exits_junior"].sum() + series["exits_senior"].sum())
    row["pairs_formed"] = int(last["pairs_formed"])
    row["sessions_held"] = int(last["sessions_held"])
    row["sessions_per_pair"] = last["sessions_per_pair"]
    row["unpaired_mentees_max"] = int(series["unpaired_mentees"].max())
    row["program_hours"] = last["program_hours"]
    row["program_cost"] = last["program_cost"]
    row["turnover_cost"] = last["turnover_cost"]
    prog = model.program
    row["mentor_retention_52w"] = prog.intakes[0].retention if prog and prog.intakes else np.nan
    return row
