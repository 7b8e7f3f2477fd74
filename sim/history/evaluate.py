"""The program's effect on juniors' exits, from an event history and each department's start.

`sim history EXPORT --program-starts FILE` builds the department x month panel of juniors
and applies the one rollout estimator (`sim.analysis.rollout_estimate.estimate`, the one
`sim plan` applies to its simulated rollouts) to the organisation's real exits.

The panel, exactly:

- juniors: people whose role is Junior by the rule `sim history` uses for roles (a role
  column, else ``--senior-levels``, else manager titles), as the export states it today;
- months: the whole calendar months from the window's start (``--since``, left truncation:
  people hired earlier count from it) to the export's date (``--as-of``); a partial first
  or last month is left out;
- at_risk: junior person-months in the department and month (days employed in the month,
  the exit day included, over the month's days), which is the month's average headcount;
- exits: juniors whose exit date falls in the month;
- treated: the department's start date is on or before the month's last day (the month it
  starts in counts as the program's). A department with no start date, absent from the
  file, or starting after the export's date, is counted as not started: the comparison.

Privacy, as in every `sim history` table: a department with fewer than `MIN_GROUP` juniors
in the window is left out of the estimate, not pooled (pooling departments that started at
different times would mix months with and without the program in one cell), and its counts
are not shown. Nothing per person is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analysis.rollout_estimate import RolloutEstimate, estimate
from sim.errors import InputError, Problem, did_you_mean
from sim.history.rates import MIN_GROUP
from sim.history.read import History
from sim.history.starts import Starts

PER_100_PERSON_YEARS = 1200.0  # a monthly rate per person -> exits per 100 person-years
EVALUATION_NAME = "evaluation.csv"
DEPARTMENTS_NAME = "evaluation_departments.csv"
NOT_STARTED = "not started (comparison)"


@dataclass(frozen=True)
class Evaluation:
    """The estimate and what it was made from (aggregates only).

    Attributes:
        result: the estimator's output (effect per junior and month).
        departments: a row per department: start_date, status, juniors (NaN where under
            `MIN_GROUP`), in_estimate.
        months: the panel's first and last month (YYYY-MM) and their number.
        untreated_rate: juniors' exits per 100 person-years in the months without the program.
        notes: what was decided building the panel.
        panel: the table given to the estimator (unit, period, at_risk, exits, treated);
            kept in memory only, never written (its cells can be small).
        source, starts: the export's and the starts file's names; plan: the plan read.
    """

    result: RolloutEstimate
    departments: pd.DataFrame
    months: tuple[str, str, int]
    untreated_rate: float
    notes: tuple[str, ...]
    panel: pd.DataFrame
    source: str
    starts: str
    plan: str | None

    def scaled(self) -> tuple[float, float, float]:
        """Effect, low, high in exits per 100 junior person-years."""
        r = self.result
        return tuple(x * PER_100_PERSON_YEARS for x in (r.effect, r.low, r.high))

    def summary(self) -> list[str]:
        """The estimate in sentences (the printed output and the page say the same)."""
        r = self.result
        effect, low, high = self.scaled()
        started = int((self.departments["in_estimate"] & self.departments["started"]).sum())
        plan = f", plan {self.plan!r}" if self.plan else ""
        head = (
            f"Program's effect on juniors' exits ({self.starts}{plan}): {effect:+.1f} exits per "
            "100 junior person-years"
        )
        if np.isfinite(low):
            head += (
                f" [95% interval {low:+.1f} to {high:+.1f}: how precisely these exits measure "
                f"it], p = {r.p_value:.3g}"
            )
        else:
            head += (
                " (no interval or test: it needs two departments that started and months "
                "without the program beside them)"
            )
        lines = [
            head,
            f"Comparison: {r.comparison}; {r.units} departments ({started} started), "
            f"{self.months[2]} months {self.months[0]} to {self.months[1]}, "
            f"{r.treated_cells} department-months with the program"
            + (
                f" ({r.excluded_cells} left out: nothing to compare them with)"
                if r.excluded_cells
                else ""
            )
            + f"; juniors' exits without the program: {self.untreated_rate:.1f} per 100 "
            "person-years.",
            self.conclusion(),
        ]
        return lines

    def conclusion(self) -> str:
        """What the interval supports, and no more."""
        r = self.result
        if not np.isfinite(r.low):
            return "No conclusion: without an interval the estimate's precision is unknown."
        if r.low <= 0 <= r.high:
            text = (
                "The interval contains 0: these exits do not show whether the program changed "
                "juniors' exits; report the estimate with its interval."
            )
        else:
            way = "fewer" if r.effect < 0 else "more"
            text = (
                f"The interval excludes 0 (p < {r.alpha:g}): {way} exits in the departments' "
                "months with the program than their own months and the other departments predict."
            )
        if r.comparison != "concurrent comparison":
            text += (
                " The comparison is before/after (no department without the program in the "
                "same months): any other change between the periods counts as the program's."
            )
        return text

    def row(self) -> dict:
        """The estimate as one CSV row."""
        r = self.result
        effect, low, high = self.scaled()
        return {
            "effect_per_100_person_years": effect,
            "ci_low": low,
            "ci_high": high,
            "interval": "95% (jackknife over departments, t on departments - 1 df): the "
            "precision of this estimate",
            "p_value": r.p_value,
            "comparison": r.comparison,
            "departments": r.units,
            "departments_started": int(
                (self.departments["in_estimate"] & self.departments["started"]).sum()
            ),
            "treated_department_months": r.treated_cells,
            "excluded_department_months": r.excluded_cells,
            "first_month": self.months[0],
            "last_month": self.months[1],
            "untreated_rate_per_100_person_years": self.untreated_rate,
            "export": self.source,
            "starts": self.starts,
            "plan": self.plan or "",
        }

    def write(self, folder) -> list[str]:
        """evaluation.csv (the estimate) and evaluation_departments.csv (aggregates)."""
        pd.DataFrame([self.row()]).to_csv(
            folder / EVALUATION_NAME, index=False, float_format="%.6g"
        )
        self.departments.drop(columns="started").to_csv(
            folder / DEPARTMENTS_NAME, index=False, float_format="%.6g"
        )
        return [EVALUATION_NAME, DEPARTMENTS_NAME]


def evaluate_program(history: History, starts: Starts, alpha: float = 0.05) -> Evaluation:
    """The panel built from `history` and `starts`, and the estimate on it.

    Raises:
        InputError: a snapshot export, no roles or departments, a department in the starts
            file that is not in the export, a start before the panel's first month, or a
            panel the estimator cannot use (no started or no comparison months).
    """
    check_export(history)
    first, last, edges, labels = _months(history)
    notes = [
        f"panel: juniors by department and month, the {len(labels)} whole months {labels[0]} "
        f"to {labels[-1]} (a partial first or last month of the window is left out); at_risk "
        "= junior person-months (days employed in the month over its days: its average "
        "headcount), exits = juniors whose exit date is in the month; a department's months "
        "count as the program's from the month its start date falls in",
        "juniors are Junior by the role rule above, as the export states their role today",
    ]
    people = history.people
    departments = sorted(people["department"].astype(str).unique())
    dates = _check_starts(starts, departments, first, history.window[1], notes)
    juniors = people[people["senior"] == 0]
    unknown_role = int(people["senior"].isna().sum())
    if unknown_role:
        notes.append(f"{unknown_role} people whose role the export does not say are not counted")
    counts = juniors["department"].astype(str).value_counts()
    small = [d for d in departments if counts.get(d, 0) < MIN_GROUP]
    if small:
        notes.append(
            f"left out of the estimate (fewer than {MIN_GROUP} juniors in the window; privacy, "
            f"and not pooled since their start dates differ): {', '.join(small)}"
        )
    kept = [d for d in departments if d not in small]
    table = _panel(juniors, kept, dates, history.window[0], edges, labels, notes)
    where = f"the department x month panel of {history.source} and {starts.where}"
    result = estimate(table, alpha=alpha, where=where)
    untreated = table[~table["treated"]]
    rate = float(untreated["exits"].sum() / untreated["at_risk"].sum()) * PER_100_PERSON_YEARS
    return Evaluation(
        result=result,
        departments=_department_table(departments, dates, counts, small),
        months=(labels[0], labels[-1], len(labels)),
        untreated_rate=rate,
        notes=tuple(notes),
        panel=table,
        source=history.source,
        starts=starts.where,
        plan=starts.plan,
    )


def check_export(history: History) -> None:
    """An event history with departments and roles, or a refusal that says why."""
    where = "--program-starts"
    if history.window is None:
        raise InputError(
            [
                Problem(
                    where,
                    f"{history.source} is a snapshot (who left over a window, not when): the "
                    "program's effect needs each exit's date to compare months with and without "
                    "the program; export an event history (hire_date, exit_date, department, "
                    "level)",
                )
            ]
        )
    if not history.columns.has("department"):
        raise InputError(
            [Problem(where, f"{history.source} has no department column: starts are by department")]
        )
    if history.people["senior"].isna().all():
        raise InputError(
            [
                Problem(
                    where,
                    f"{history.source} does not say who is a Junior (no role column and no "
                    "manager title in its levels): give --senior-levels (e.g. M1,M2) so the "
                    "juniors' exits can be counted",
                )
            ]
        )


def _months(history: History):
    """(first day, last day, day-offset edges, YYYY-MM labels) of the panel's whole months."""
    since, as_of = history.window
    first = since if since.day == 1 else _next_month(since)
    end = _next_month(as_of)
    if as_of != end - dt.timedelta(days=1):
        end = dt.date(as_of.year, as_of.month, 1)  # the export's month is partial: left out
    starts = []
    month = first
    while month < end:
        starts.append(month)
        month = _next_month(month)
    if len(starts) < 2:  # noqa: PLR2004
        raise InputError(
            [
                Problem(
                    "--since/--as-of",
                    f"the window {since} to {as_of} holds {len(starts)} whole month(s); the "
                    "estimate needs months before and during the program",
                )
            ]
        )
    edges = np.array([(m - since).days for m in [*starts, end]], dtype=float)
    return first, end - dt.timedelta(days=1), edges, [m.strftime("%Y-%m") for m in starts]


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _check_starts(starts: Starts, departments: list[str], first, as_of, notes) -> dict:
    """Each department's start date or None, after checking the file against the export."""
    problems = []
    for name, line in starts.lines.items():
        where = f"{starts.where}:{line}"
        if name not in departments:
            problems.append(
                Problem(
                    where,
                    f"department {name!r} is not in the export's window (its departments: "
                    f"{_listed(departments)}){did_you_mean(name, departments)}",
                )
            )
            continue
        day = starts.dates[name]
        if day is not None and day < first:
            problems.append(
                Problem(
                    where,
                    f"start_date {day} is before the panel's first month ({first:%Y-%m}): its "
                    "months before the program are not in the window; give --since earlier "
                    "(the export must hold the leavers since then)",
                )
            )
    if problems:
        raise InputError(problems)
    dates = {d: starts.dates.get(d) for d in departments}
    later = sorted(d for d, day in dates.items() if day is not None and day > as_of)
    if later:
        notes.append(
            f"start dates after the export's date {as_of} (not started by then, counted as "
            f"the comparison): {', '.join(later)}"
        )
    missing = [d for d in departments if d not in starts.lines]
    if missing:
        notes.append(
            f"departments in the export but not in {starts.where}, counted as not started "
            f"(the comparison): {', '.join(missing)}"
        )
    return {d: (day if day is not None and day <= as_of else None) for d, day in dates.items()}


def _listed(names: list[str], limit: int = 8) -> str:
    return ", ".join(names[:limit]) + (
        f" and {len(names) - limit} more" if len(names) > limit else ""
    )


def _panel(juniors, kept, dates, since, edges, labels, notes) -> pd.DataFrame:
    """The tidy table `estimate` takes: unit, period, at_risk, exits, treated."""
    juniors = juniors[juniors["department"].astype(str).isin(kept)]
    unit = pd.Index(kept).get_indexer(juniors["department"].astype(str))
    first = juniors["first_day"].to_numpy(float)
    last = juniors["last_day"].to_numpy(float)
    n_units, n_months = len(kept), len(labels)
    # Days employed in each month (the exit day included), vectorised over people x months.
    days = np.clip(
        np.minimum(last[:, None] + 1, edges[None, 1:])
        - np.maximum(first[:, None], edges[None, :-1]),
        0,
        None,
    )
    month_days = np.diff(edges)
    at_risk = np.zeros((n_units, n_months))
    np.add.at(at_risk, unit, days / month_days[None, :])
    exits = np.zeros((n_units, n_months))
    left = juniors["event"].to_numpy(bool)
    month = np.searchsorted(edges, last, side="right") - 1
    inside = left & (month >= 0) & (month < n_months)
    np.add.at(exits, (unit[inside], month[inside]), 1.0)
    over = exits > at_risk
    if over.any():
        # People leaving early in a month can make a small cell's exits exceed its
        # person-months; the estimator takes at_risk >= exits, so such a cell counts its
        # leavers as its people at risk (a rate of 1 a month), and the output says how many.
        notes.append(
            f"{int(over.sum())} department-month(s) had more junior exits than person-months "
            "at risk (people leaving early in the month): their at_risk is raised to their exits"
        )
        at_risk = np.maximum(at_risk, exits)
    start_day = np.array(
        [np.inf if dates[d] is None else (dates[d] - since).days for d in kept], dtype=float
    )
    treated = start_day[:, None] < edges[None, 1:]
    return pd.DataFrame(
        {
            "unit": np.repeat(kept, n_months),
            "period": np.tile(labels, n_units),
            "at_risk": at_risk.ravel(),
            "exits": exits.ravel(),
            "treated": treated.ravel(),
        }
    )


def _department_table(departments, dates, counts, small) -> pd.DataFrame:
    """A row per department: its start, whether it is in the estimate, its juniors (5+)."""
    rows = []
    for d in departments:
        day = dates[d]
        rows.append(
            {
                "department": d,
                "start_date": "" if day is None else day.isoformat(),
                "status": NOT_STARTED if day is None else "started",
                "juniors": np.nan if d in small else float(counts.get(d, 0)),
                "in_estimate": d not in small,
                "note": f"fewer than {MIN_GROUP} juniors: suppressed" if d in small else "",
                "started": day is not None,
            }
        )
    return pd.DataFrame(rows)
