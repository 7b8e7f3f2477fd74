"""Observation (docs/ODD.md section 7.6): a weekly row from the arrays, and a run's summary row.

`WeeklyRecorder.record` reads the model's arrays once a week and keeps plain numbers, a
week's row built value after value in the order of its columns (the per-role means of
every attribute the registry marks observed, `sim.model.attributes`); `finish` turns them
into the tidy series (a row per week, turnover derived with the HR formula), and
`summarise` reduces a series to one row per run, per year relative to launch.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd

from sim.model.attributes import Attribute, reported, series_means
from sim.scenario.calendar import WEEKS_PER_YEAR

if TYPE_CHECKING:
    from sim.model.org import Org
    from sim.model.people import Leavers, People
    from sim.model.program import Program
    from sim.scenario.parameters import Scenario


class ObservedModel(Protocol):
    """What observation reads of an `OrgCultureModel` (a protocol: observe never imports it)."""

    config: Scenario
    org: Org
    people: People
    program: Program | None
    leadership_mask: np.ndarray


GEN_KEYS = ("boomer", "gen_x", "millennial", "gen_z")
NAN = float("nan")
ROLES = ("junior", "senior")


def _mean(values: np.ndarray) -> float:
    """Mean of a 1-D array (NaN when empty): numpy's pairwise sum, as values[mask].mean()."""
    # np.add.reduce is what ndarray.mean sums with (pairwise), minus its Python wrapper.
    n = len(values)
    return float(np.add.reduce(values)) / n if n else float("nan")


ROLE_COLUMNS = (
    "headcount",
    "vacancies",
    "exits",
    "engagement",
    "engaged_share",
    "exit_risk",
    "digital",
    "business",
)
"""The series' columns per role, in their published order. Four are role means of
attributes observed under these names (`Attribute.series`: engagement, exit_risk, digital,
business); an attribute observed under another name adds its role means after these."""
COUNTED = ("headcount", "vacancies", "exits", "engaged_share")
"""Of `ROLE_COLUMNS`, those counted here rather than an attribute's mean."""
GENERATION_COLUMNS = ("headcount", "exits", "engagement", "engaged_share")
PROGRAM_COLUMNS = (
    "pairs_active",
    "unpaired_mentees",
    "pairs_formed",
    "sessions_held",
    "program_hours",
    # Mean listening signal l = L / (L + l_half) of filled seniors, mean voice signal v of
    # filled juniors (docs/ODD.md section 7.3): the program's dose, 0 without one.
    "listening_senior",
    "voice_junior",
)
_NO_PROGRAM = dict(zip(PROGRAM_COLUMNS, (0, 0, 0, 0, 0.0, 0.0, 0.0), strict=True))


def role_columns(observed: tuple[Attribute, ...]) -> tuple[tuple[str, str, Attribute | None], ...]:
    """(column, role, attribute or None if counted) of the per-role columns, in series order.

    `ROLE_COLUMNS` first (an attribute's mean only for the roles that carry it), then the
    role means of any other observed attribute, in registry order.
    """
    by_series = {a.series: a for a in observed}
    stems = [*ROLE_COLUMNS, *(s for s in by_series if s not in ROLE_COLUMNS)]
    out = []
    for role, label in zip(ROLES, ("Junior", "Senior"), strict=True):
        for stem in stems:
            entry = by_series.get(stem)
            if stem in COUNTED:
                out.append((f"{stem}_{role}", role, None))
            elif entry is not None and label in entry.roles:
                out.append((f"{stem}_{role}", role, entry))
    return tuple(out)


class WeeklyRecorder:
    """Collects one row of model-level numbers per week.

    Each group's mean is numpy's mean over that group's values in position order, exactly
    as `values[mask].mean()` gives it, but the groups come from a few index arrays (one per
    role, one stable sort by generation) instead of two dozen boolean masks a week. A week
    is built value after value (`record`) and kept as one list of values in the order of
    `columns`; `rows` shows them by column.
    """

    def __init__(self, model: ObservedModel) -> None:
        self.model = model
        self.people_rows: list[pd.DataFrame] = []
        self._weeks: list[list[float]] = []
        self._series: pd.DataFrame | None = None
        self._columns: dict[str, np.ndarray] | None = None
        org = model.org
        self._role_positions = (org.size - len(org.senior_positions), len(org.senior_positions))
        self._leaders = np.flatnonzero(model.leadership_mask)
        self._no_dept_exits = [0] * org.n_departments
        # Positions by role, seniors first, each role in position order: the filled ones
        # among them are the two role groups side by side.
        # (None where that is position order: the seniors are the first positions.)
        seniors_first = np.argsort(~org.is_senior, kind="stable")
        in_order = np.array_equal(seniors_first, np.arange(org.size))
        self._seniors_first = None if in_order else seniors_first
        self._senior_code2 = org.is_senior.astype(np.int8) * np.int8(2)
        # The attributes observed as role means (one row each in `_role_means`), the
        # people table's attributes, and the series' per-role columns.
        self._observed = series_means()
        self._reported = reported()
        self._role_columns = role_columns(self._observed)
        # Each per-role column as (name, role index, stem, attribute or None if counted).
        self._role_plan = [
            (column, ROLES.index(role), column[: -len(role) - 1], entry)
            for column, role, entry in self._role_columns
        ]
        self.columns: tuple[str, ...] = (
            "week",
            *(column for column, _, _ in self._role_columns),
            *(f"{c}_{gen}" for gen in GEN_KEYS for c in GENERATION_COLUMNS),
            *(f"exits_dept_{d}" for d in range(org.n_departments)),
            "leadership_fluency",
            "knowledge_gap",
            *PROGRAM_COLUMNS,
        )
        # `record` builds a row value after value in this order; the knowledge gap reads
        # the juniors' digital knowledge back from it.
        self._digital_junior_at = self.columns.index("digital_junior")

    @property
    def rows(self) -> dict[str, list[float]]:
        """The weeks so far, column by column (a fresh dict of lists)."""
        return {c: list(v) for c, v in self._by_column().items()}

    def _by_column(self) -> dict[str, tuple[float, ...]]:
        columns = list(zip(*self._weeks, strict=True)) or [()] * len(self.columns)
        return dict(zip(self.columns, columns, strict=True))

    def record(self, week: int, leavers: Leavers | None) -> None:
        """Append this week's row; `leavers` are the week's leavers (None at week 0)."""
        m = self.model
        p = m.people
        self._series = self._columns = None
        engaged = p.engagement >= m.config.dynamics.engagement.engaged_threshold
        # Generation codes of the filled positions (vacant positions: one past the last).
        gen_key = np.where(p.filled, p.generation, len(GEN_KEYS))
        exits = self._exits(leavers)
        heads, engaged_heads = self._group_counts(gen_key, engaged)
        # The row in the order of `columns`, value after value (no dict of column names).
        row: list[float] = [week]
        program = self._role_values(row, exits, heads, engaged_heads, week)
        self._generation_values(row, exits, heads, engaged_heads, gen_key)
        row += self._leadership_values(row[self._digital_junior_at])
        row += program
        self._weeks.append(row)
        if m.config.observation.record_people:
            self.people_rows.append(self.people_snapshot(week))

    def _exits(self, leavers: Leavers | None) -> dict[str, Any]:
        """The week's exits by role, generation and department (whole numbers)."""
        org = self.model.org
        n_gen = len(GEN_KEYS)
        if leavers is None or len(leavers.positions) == 0:
            # No exits (week 0, or a quiet week): the exit counts are zeros.
            return {"role": (0, 0), "generation": [0] * n_gen, "department": self._no_dept_exits}
        left = leavers.positions
        left_senior = int(np.count_nonzero(org.is_senior[left]))
        return {
            "role": (len(left) - left_senior, left_senior),
            # A leaver counts in the generation they had when they left.
            "generation": np.bincount(leavers.generation, minlength=n_gen).tolist(),
            "department": np.bincount(org.department[left], minlength=org.n_departments).tolist(),
        }

    def _group_counts(self, gen_key: np.ndarray, engaged: np.ndarray) -> tuple[list, list]:
        """Heads and engaged heads of every (generation, role), by 2 x generation + senior.

        One bincount of the code 4 x generation + 2 x senior + engaged.
        """
        code = gen_key * 4
        code += self._senior_code2
        code += engaged
        counts = np.bincount(code, minlength=4 * len(GEN_KEYS) + 4).tolist()
        engaged_heads = counts[1::2]
        heads = [n_out + n_in for n_out, n_in in zip(counts[::2], engaged_heads, strict=True)]
        return heads, engaged_heads

    def _role_values(
        self, row: list[float], exits: dict[str, Any], heads: list, engaged_heads: list, week: int
    ) -> list[float]:
        """Append the per-role columns to `row`; returns the program's columns' values.

        Per role: headcount, vacancies, exits, engaged share, the observed means.
        """
        n_gen = len(GEN_KEYS)
        n_role = (sum(heads[0 : 2 * n_gen : 2]), sum(heads[1 : 2 * n_gen : 2]))
        engaged_role = (
            sum(engaged_heads[0 : 2 * n_gen : 2]),
            sum(engaged_heads[1 : 2 * n_gen : 2]),
        )
        sums, stocks = self._role_sums(n_role[1])
        nan = NAN
        counted = {
            "headcount": n_role,
            "vacancies": tuple(self._role_positions[r] - n_role[r] for r in (0, 1)),
            "exits": exits["role"],
        }
        for _, r, stem, entry in self._role_plan:
            n = n_role[r]
            if entry is not None:
                row.append(sums[entry.name][r] / n if n else nan)
            elif stem == "engaged_share":
                row.append(engaged_role[r] / n if n else nan)
            else:
                row.append(counted[stem][r])
        program = self._program_rows(stocks, n_role, week)
        return [program[c] for c in PROGRAM_COLUMNS]

    def _role_sums(self, n_s: int) -> tuple[dict[str, tuple[float, float]], tuple[float, float]]:
        """Per observed attribute, its sums over filled juniors and over filled seniors.

        The attributes are gathered into the rows of one array (filled seniors, then filled
        juniors) and each role's part summed in one call: each row's sum is numpy's
        pairwise sum of that attribute, as values[mask].mean() sums it. With a program, a
        last row: the seniors' listening signals, then the juniors' voice (their sums are
        returned apart, (juniors, seniors); without a program (0.0, 0.0)).
        """
        m = self.model
        p = m.people
        filled = p.filled
        if self._seniors_first is None:  # the seniors are the first positions
            order = filled.nonzero()[0]
        else:
            order = self._seniors_first[filled[self._seniors_first]]
        prog = m.program
        observed = self._observed
        values = np.empty((len(observed) + (prog is not None), len(order)))
        for i, entry in enumerate(observed):
            column = getattr(p, entry.name)
            if column.dtype == np.float64:
                column.take(order, out=values[i], mode="clip")
            else:
                values[i] = column[order]
        if prog is not None:
            stocks = values[-1]
            p.listening.take(order[:n_s], out=stocks[:n_s], mode="clip")
            p.voice.take(order[n_s:], out=stocks[n_s:], mode="clip")
            np.divide(stocks, stocks + m.config.dynamics.engagement.l_half, out=stocks)
        junior_sums = np.add.reduce(values[:, n_s:], axis=1).tolist()
        senior_sums = np.add.reduce(values[:, :n_s], axis=1).tolist()
        sums = {entry.name: (junior_sums[i], senior_sums[i]) for i, entry in enumerate(observed)}
        stock_sums = (junior_sums[-1], senior_sums[-1]) if prog is not None else (0.0, 0.0)
        return sums, stock_sums

    def _program_rows(
        self, stocks: tuple[float, float], n_role: tuple[int, int], week: int
    ) -> dict[str, float]:
        """The program's columns (`PROGRAM_COLUMNS`): zeros without a program."""
        prog = self.model.program
        if prog is None:
            return _NO_PROGRAM
        # Mean listening signal of filled seniors, mean voice signal of filled juniors.
        n_j, n_s = n_role
        return {
            "pairs_active": prog.active_pairs,
            "unpaired_mentees": prog.unpaired_mentees(week),
            "pairs_formed": prog.pairs_formed,
            "sessions_held": prog.sessions_held,
            "program_hours": prog.hours,
            "listening_senior": stocks[1] / n_s if n_s else NAN,
            "voice_junior": stocks[0] / n_j if n_j else NAN,
        }

    def _generation_values(
        self,
        row: list[float],
        exits: dict[str, Any],
        heads: list,
        engaged_heads: list,
        gen_key: np.ndarray,
    ) -> None:
        """Append, per generation, headcount, exits, mean engagement, engaged share; by dept."""
        p = self.model.people
        n_filled = sum(heads[: 2 * len(GEN_KEYS)])
        # A stable sort keeps each generation in position order (vacant last).
        by_gen = gen_key.argsort(kind="stable")
        e_by_gen = p.engagement.take(by_gen[:n_filled])
        lo = 0
        for g in range(len(GEN_KEYS)):
            n = heads[2 * g] + heads[2 * g + 1]
            hi = lo + n
            engaged = engaged_heads[2 * g] + engaged_heads[2 * g + 1]
            # In the order of GENERATION_COLUMNS.
            row += (
                n,
                exits["generation"][g],
                _mean(e_by_gen[lo:hi]),
                engaged / n if n else NAN,
            )
            lo = hi
        row += exits["department"]

    def _leadership_values(self, digital_junior: float) -> tuple[float, float]:
        """Leadership fluency (leaders' mean digital knowledge) and the juniors' lead on it."""
        p = self.model.people
        fluency = _mean(p.digital[self._leaders[p.filled[self._leaders]]])
        return fluency, digital_junior - fluency

    def people_snapshot(self, week: int) -> pd.DataFrame:
        """A row per filled position this week (only when asked for: it is large)."""
        m = self.model
        p, org = m.people, m.org
        at = np.flatnonzero(p.filled)
        partner = m.program.partner[at] if m.program else np.full(len(at), -1)
        reported: dict[str, np.ndarray] = {}
        for entry in self._reported:
            values = getattr(p, entry.name)[at]
            reported[entry.name] = np.array(entry.labels)[values] if entry.labels else values
        return pd.DataFrame(
            {
                "week": week,
                "position": at,
                "person": p.person_id[at],
                "role": np.where(org.is_senior[at], "Senior", "Junior"),
                "level": org.level[at],
                "department": org.department[at],
                **reported,
                "partner": partner,
            }
        )

    def finish(self) -> pd.DataFrame:
        """The weekly series as a DataFrame, with dates, turnover and costs derived.

        Built once per number of recorded weeks and then kept: callers that change the
        frame should copy it (`OrgCultureModel.series()` returns a copy).
        """
        if self._series is None:
            self._series = pd.DataFrame(self.finish_columns())
        return self._series

    def finish_columns(self) -> dict[str, np.ndarray]:
        """The columns of `finish()` as numpy arrays, without making a DataFrame.

        A run's summary row needs only these; building the DataFrame of about 80 columns
        costs more than the rest of the summary (kept like `finish()`: do not change them).
        """
        if self._columns is not None:
            return self._columns
        m = self.model
        cols = {k: np.array(v) for k, v in self._by_column().items()}
        week = cols.pop("week")
        start = m.config.start_date
        launch = m.config.launch_week
        s: dict[str, np.ndarray] = {
            "week": week,
            "date": np.array(week_dates(start, tuple(week.tolist())), dtype=object),
            "weeks_since_launch": week - launch,
            **cols,
        }
        # Every group's turnover in one call, a row per group (row by row the same numbers).
        groups = (*ROLES, *GEN_KEYS)
        exits_all = cols["exits_junior"] + cols["exits_senior"]
        heads_all = cols["headcount_junior"] + cols["headcount_senior"]
        turnover = trailing_turnover(
            np.array([*(cols[f"exits_{g}"] for g in groups), exits_all]),
            np.array([*(cols[f"headcount_{g}"] for g in groups), heads_all]),
        )
        for group, values in zip((*groups, "all"), turnover, strict=True):
            s[f"turnover_{group}"] = values
        s["turnover_annualised"] = week < WEEKS_PER_YEAR
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
        self._columns = s
        return s


@functools.lru_cache(maxsize=64)
def week_dates(start: dt.date, weeks: tuple[int, ...]) -> tuple[dt.date, ...]:
    """The calendar date of each week: start + 7 days a week.

    Kept (dates are immutable): every run of a sweep asks for the same ones.
    """
    return tuple(start + dt.timedelta(weeks=w) for w in weeks)


def trailing_turnover(
    exits: np.ndarray | pd.Series, headcount: np.ndarray | pd.Series
) -> np.ndarray:
    """Trailing-52-week exits / mean headcount over the same weeks, annualised before week 52.

    Week 0 has no exits yet and gets NaN. Before week 52 the window is weeks 1..w and the
    rate is scaled by 52 / w (the `turnover_annualised` column flags these weeks). Window
    sums come from cumulative sums, exact for whole-number counts. Weeks run along the
    last axis: 2-D arrays give one row of turnover per row of counts.
    """
    e = np.asarray(exits, dtype=np.float64)
    h = np.asarray(headcount, dtype=np.float64)
    n_weeks = e.shape[-1]
    # Weeks 1..w (week 0 is not).
    n = np.minimum(np.arange(n_weeks), WEEKS_PER_YEAR).astype(np.float64)

    def window_sum(x: np.ndarray) -> np.ndarray:
        c = x.copy()
        c[..., 0] = 0.0
        np.cumsum(c, axis=-1, out=c)  # c[w] = x[1] + ... + x[w], in that order
        out = c.copy()
        out[..., WEEKS_PER_YEAR:] -= c[..., :-WEEKS_PER_YEAR]
        return out

    with np.errstate(invalid="ignore", divide="ignore"):
        rate = window_sum(e) / (window_sum(h) / n)
        turnover = rate * WEEKS_PER_YEAR / n
    turnover[..., 0] = np.nan
    turnover[np.isinf(turnover)] = np.nan
    return turnover


def year_windows(series: pd.DataFrame, launch_week: int) -> dict[str, pd.DataFrame]:
    """Complete 52-week windows relative to launch: 'pre' (the year before), 'y1', 'y2', ..."""
    out = {}
    w = series["week"]
    if launch_week >= WEEKS_PER_YEAR:
        out["pre"] = series[(w > launch_week - WEEKS_PER_YEAR) & (w <= launch_week)]
    y = 1
    while launch_week + WEEKS_PER_YEAR * y <= int(w.max()):
        lo, hi = launch_week + WEEKS_PER_YEAR * (y - 1), launch_week + WEEKS_PER_YEAR * y
        out[f"y{y}"] = series[(w > lo) & (w <= hi)]
        y += 1
    return out


def _pandas_mean(values: np.ndarray) -> np.float64:
    """Series.mean() of these values, computed as pandas computes it, without a Series.

    NaNs are skipped: filled with 0 for numpy's pairwise sum and left out of the count.
    """
    values = np.asarray(values, dtype=np.float64)
    missing = np.isnan(values)
    count = np.float64(len(values) - np.count_nonzero(missing))
    if count == 0:
        return np.float64(np.nan)
    if missing.any():
        values = np.where(missing, 0.0, values)
    return np.add.reduce(values) / count


def summarise(
    series: pd.DataFrame | Mapping[str, np.ndarray], model: ObservedModel
) -> dict[str, object]:
    """One summary row for a run: outcomes per year relative to launch, and run totals.

    `series` is the weekly series, as a DataFrame or as its columns
    (`WeeklyRecorder.finish_columns`). Windows are read from the columns as numpy arrays
    (once per run, for every replicate of a sweep); means follow pandas' Series.mean exactly.
    """
    row: dict[str, object] = {}
    columns: dict[str, np.ndarray] = {}

    def col(name: str) -> np.ndarray:
        if name not in columns:
            columns[name] = np.asarray(series[name])
        return columns[name]

    week, launch = col("week"), model.config.launch_week
    windows = {}
    if launch >= WEEKS_PER_YEAR:
        windows["pre"] = (week > launch - WEEKS_PER_YEAR) & (week <= launch)
    y = 1
    while launch + WEEKS_PER_YEAR * y <= int(week.max()):
        lo, hi = launch + WEEKS_PER_YEAR * (y - 1), launch + WEEKS_PER_YEAR * y
        windows[f"y{y}"] = (week > lo) & (week <= hi)
        y += 1
    for label, win in windows.items():
        for group in ("junior", "senior", "millennial", "gen_z"):
            heads = _pandas_mean(col(f"headcount_{group}")[win])
            exits = np.add.reduce(col(f"exits_{group}")[win])
            row[f"turnover_{group}_{label}"] = exits / heads if heads > 0 else np.nan
        exits_junior = np.add.reduce(col("exits_junior")[win])
        row[f"exits_junior_{label}"] = int(exits_junior)
        row[f"exits_all_{label}"] = int(exits_junior + np.add.reduce(col("exits_senior")[win]))
        row[f"engagement_junior_{label}"] = _pandas_mean(col("engagement_junior")[win])
        row[f"engaged_share_junior_{label}"] = _pandas_mean(col("engaged_share_junior")[win])
        row[f"leadership_fluency_{label}"] = col("leadership_fluency")[win][-1]

    def last(name: str) -> object:
        # The last week's value, as series.iloc[-1][name] gives it, without building a row
        # of every column.
        return col(name)[-1]

    row["leadership_fluency_end"] = last("leadership_fluency")
    row["knowledge_gap_end"] = last("knowledge_gap")
    row["digital_relevance_end"] = last("digital_relevance")
    row["engagement_junior_end"] = last("engagement_junior")
    row["exits_total"] = int(col("exits_junior").sum() + col("exits_senior").sum())
    row["pairs_formed"] = int(last("pairs_formed"))
    row["sessions_held"] = int(last("sessions_held"))
    row["sessions_per_pair"] = last("sessions_per_pair")
    row["unpaired_mentees_max"] = int(col("unpaired_mentees").max())
    row["program_hours"] = last("program_hours")
    row["program_cost"] = last("program_cost")
    row["turnover_cost"] = last("turnover_cost")
    prog = model.program
    row["mentor_retention_52w"] = prog.intakes[0].retention if prog and prog.intakes else np.nan
    return row
