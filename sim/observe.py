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
    from sim.model import OrgCultureModel

GEN_KEYS = ("boomer", "gen_x", "millennial", "gen_z")
ROLES = ("junior", "senior")


def _mean(values: np.ndarray, mask: np.ndarray) -> float:
    return float(values[mask].mean()) if mask.any() else float("nan")


class WeeklyRecorder:
    """Collects one row of model-level numbers per week."""

    def __init__(self, model: OrgCultureModel) -> None:
        self.model = model
        self.rows: dict[str, list[float]] = defaultdict(list)
        self.people_rows: list[pd.DataFrame] = []

    def record(self, week: int, leavers: np.ndarray | None) -> None:
        """Append this week's row; `leavers` is the exit mask of the week (None at week 0)."""
        m = self.model
        p, org = m.people, m.org
        row = self.rows
        row["week"].append(week)
        role_masks = {"junior": ~org.is_senior, "senior": org.is_senior}
        engaged = p.engagement >= m.config.dynamics.engagement.engaged_threshold
        left = leavers if leavers is not None else np.zeros(org.size, dtype=bool)
        exits_by_dept = np.bincount(org.department[left], minlength=org.n_departments)
        for role, mask in role_masks.items():
            here = p.filled & mask
            row[f"headcount_{role}"].append(int(here.sum()))
            row[f"vacancies_{role}"].append(int((~p.filled & mask).sum()))
            row[f"exits_{role}"].append(int((left & mask).sum()))
            row[f"engagement_{role}"].append(_mean(p.engagement, here))
            row[f"engaged_share_{role}"].append(_mean(engaged, here))
            row[f"exit_risk_{role}"].append(_mean(p.exit_risk, here))
            row[f"digital_{role}"].append(_mean(p.digital, here))
            row[f"business_{role}"].append(_mean(p.business, here))
        for code, gen in enumerate(GEN_KEYS):
            is_gen = p.generation == code
            here = p.filled & is_gen
            row[f"headcount_{gen}"].append(int(here.sum()))
            row[f"exits_{gen}"].append(int((left & is_gen).sum()))
            row[f"engagement_{gen}"].append(_mean(p.engagement, here))
            row[f"engaged_share_{gen}"].append(_mean(engaged, here))
        for d in range(org.n_departments):
            row[f"exits_dept_{d}"].append(int(exits_by_dept[d]))
        leaders = p.filled & m.leadership_mask
        fluency = _mean(p.digital, leaders)
        row["leadership_fluency"].append(fluency)
        row["knowledge_gap"].append(_mean(p.digital, p.filled & ~org.is_senior) - fluency)
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
        """The weekly series as a DataFrame, with dates, turnover and costs derived."""
        m = self.model
        s = pd.DataFrame(self.rows)
        start = m.config.start_date
        s.insert(1, "date", [start + dt.timedelta(weeks=int(w)) for w in s["week"]])
        s.insert(2, "weeks_since_launch", s["week"] - m.config.launch_week)
        for group in (*ROLES, *GEN_KEYS):
            s[f"turnover_{group}"] = trailing_turnover(s[f"exits_{group}"], s[f"headcount_{group}"])
        exits_all = s["exits_junior"] + s["exits_senior"]
        heads_all = s["headcount_junior"] + s["headcount_senior"]
        s["turnover_all"] = trailing_turnover(exits_all, heads_all)
        s["turnover_annualised"] = s["week"] < 52
        c = m.config.costs
        s["turnover_cost"] = (
            s["exits_junior"] * c.replacement_junior * c.salary_junior
            + s["exits_senior"] * c.replacement_senior * c.salary_senior
        ).cumsum()
        hourly = (c.salary_junior + c.salary_senior) / c.hours_per_year
        admin = m.design.admin_cost_per_pair if m.design else 0.0
        s["program_cost"] = s["program_hours"] * hourly + s["pairs_formed"] * admin
        s["sessions_per_pair"] = np.where(
            s["pairs_formed"] > 0, s["sessions_held"] / s["pairs_formed"].clip(lower=1), np.nan
        )
        launch = m.config.launch_week
        at_launch = s.loc[s["week"] == min(launch, len(s) - 1), "leadership_fluency"].iloc[0]
        s["digital_relevance"] = 1.0 + m.config.observation.relevance_elasticity * (
            s["leadership_fluency"] - at_launch
        )
        return s


def trailing_turnover(exits: pd.Series, headcount: pd.Series) -> pd.Series:
    """Trailing-52-week exits / mean headcount over the same weeks, annualised before week 52.

    Week 0 has no exits yet and gets NaN. Before week 52 the window is weeks 1..w and the
    rate is scaled by 52 / w (the `turnover_annualised` column flags these weeks).
    """
    e = exits.astype(float).copy()
    h = headcount.astype(float).copy()
    e.iloc[0] = np.nan
    h.iloc[0] = np.nan
    n = e.rolling(52, min_periods=1).count()
    rate = e.rolling(52, min_periods=1).sum() / h.rolling(52, min_periods=1).mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        return (rate * 52.0 / n).replace([np.inf, -np.inf], np.nan)


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
