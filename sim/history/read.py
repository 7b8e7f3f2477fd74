"""An HR history export read into one row per person: exposure, exit, group and survey score.

The file is read as the org-chart import reads one (`sim.scenario.orgchart.reading`: the
bytes, BOM and encoding, the delimiter, quoted fields, blank lines, line numbers), then each
value is checked; every problem is collected and raised at once, naming the line and column.

Employee ids are read only to refuse duplicates; they are not kept (privacy: the people
table holds no identifier, and nothing written is per person).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.survey_scale import KNOWN_SCALES, ScoreScale, score_to_engagement
from sim.errors import InputError, Problem
from sim.history.columns import EVENT_HISTORY, SNAPSHOT, Columns, map_columns
from sim.history.groups import generation_labels, roles_from, tenure_band
from sim.scenario.orgchart.problems import Problems
from sim.scenario.orgchart.reading import decode, read_file, read_records

DAYS_PER_YEAR = 365.25
MIN_PEOPLE = 10
_YES = frozenset({"1", "yes", "y", "true", "t", "left", "leaver", "exited"})
_NO = frozenset({"0", "no", "n", "false", "f", "stayed", "stayer", "active", "employed"})
_MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "-"})


@dataclass(frozen=True)
class ReadOptions:
    """What the command line says about the export.

    Attributes:
        since: the observation window's start (event history); None: the earliest exit.
        as_of: the date the export was taken; None: the latest date in it (event history)
            or today (snapshot: for ages only).
        window_months: the months over which a snapshot's ``left`` was counted.
        scale: the survey score's scale (``1-5``...); None: detected from the scores.
        senior_levels: the level values that are Senior (people managers) in the model.
        score_column: the survey column, when none of the usual names.
        today: the date after which no date may lie (tests pass a fixed one).
    """

    since: dt.date | None = None
    as_of: dt.date | None = None
    window_months: float | None = None
    scale: str | None = None
    senior_levels: tuple[str, ...] | None = None
    score_column: str | None = None
    today: dt.date = field(default_factory=dt.date.today)


@dataclass(frozen=True)
class History:
    """The export as one row per person (no identifiers) and what was decided reading it.

    Attributes:
        people: columns ``entry`` and ``stop`` (years of tenure, or of window time for a
            snapshot with exit months), ``event`` (left in the window), for an event history
            ``first_day`` and ``last_day`` (days from the window's start: the first day
            counted, the last day employed), ``senior`` (bool, or
            NaN when the export cannot tell), ``role``, ``generation``, ``level``,
            ``department``, ``tenure_band``, ``score`` and ``engagement`` (NaN where absent).
        shape: `EVENT_HISTORY` or `SNAPSHOT`.
        times_known: whether exit times are known (an event history, or a snapshot with a
            month column); if not, a snapshot's exits are only known to lie in the window.
        window_years: the snapshot's window (None for an event history).
        window: (start, end) dates of an event history's observation window.
        scale: the survey's scale, None without a survey column.
        columns: which column holds which field.
        notes: what the output should say about the reading (the decisions taken).
    """

    people: pd.DataFrame
    shape: str
    times_known: bool
    window_years: float | None
    window: tuple[dt.date, dt.date] | None
    scale: ScoreScale | None
    columns: Columns
    notes: tuple[str, ...]
    source: str


def read_history(path: str | Path, options: ReadOptions | None = None) -> History:
    """Read and check an HR history export (CSV); every problem at once.

    Raises:
        InputError: each problem naming the file, the line and the column.
    """
    options = options or ReadOptions()
    path = Path(path)
    where = str(path)
    notes: list[str] = []
    text = decode(read_file(path), where, notes)
    header, header_line, records, lines = read_records(text, where)
    columns = map_columns(header, f"{where}:{header_line}", options.score_column)
    if not records:
        raise InputError([Problem(f"{where}:{header_line}", "the file has a header but no rows")])
    if len(records) < MIN_PEOPLE:
        _check_size(pd.DataFrame({"event": np.zeros(len(records), bool)}), where)
    cells = _cells(records, len(header))
    problems = Problems(where)
    line_no = np.asarray(lines, dtype=np.int64)
    _check_ids(columns, cells, line_no, problems)
    reader = _read_events if columns.shape == EVENT_HISTORY else _read_snapshot
    people, window, window_years, times_known = reader(
        columns, cells, line_no, options, problems, notes
    )
    scale = _scores(columns, cells, line_no, options, problems, notes, people)
    if problems:
        raise problems.error()
    _groups(columns, cells, options, people, notes, window)
    _check_size(people, where)
    notes[:0] = _column_notes(columns, path.name)
    return History(
        people=people,
        shape=columns.shape,
        times_known=times_known,
        window_years=window_years,
        window=window,
        scale=scale,
        columns=columns,
        notes=tuple(notes),
        source=path.name,
    )


def _cells(records: list[list[str]], width: int) -> list[list[str]]:
    """Columns of stripped text, each row padded or cut to the header's width."""
    fitted = [(row + [""] * width)[:width] for row in records]
    return [[value.strip() for value in column] for column in zip(*fitted, strict=True)]


def _column(columns: Columns, cells: list[list[str]], name: str) -> list[str] | None:
    return cells[columns.index[name]] if columns.has(name) else None


def _check_ids(columns: Columns, cells, lines: np.ndarray, problems: Problems) -> None:
    """Employee ids, when given, appear once each (a repeated id is a repeated person)."""
    ids = _column(columns, cells, "employee_id")
    if ids is None:
        return
    seen: dict[str, int] = {}
    for i, value in enumerate(ids):
        if value in seen:
            problems.add(
                "repeated id",
                int(lines[i]),
                f"{columns.names['employee_id']} repeats line {seen[value]}'s id (one row per "
                "person: keep the latest spell, or give rehires a new id)",
            )
        else:
            seen[value] = int(lines[i])


def _dates(values: list[str], name: str, lines: np.ndarray, problems: Problems, blank_ok: bool):
    """Dates (datetime64[D], NaT where blank), one problem per value that is not a date."""
    text = pd.Series(values, dtype=object)
    blank = text.str.lower().isin(_MISSING)
    parsed = pd.to_datetime(text.where(~blank), format="%Y-%m-%d", errors="coerce")
    bad = (~blank & parsed.isna()).to_numpy()
    for i in np.flatnonzero(bad):
        problems.add(
            f"bad {name}",
            int(lines[i]),
            f"{name} {values[i]!r} is not a date; write dates as YYYY-MM-DD (e.g. 2021-03-15)",
        )
    if not blank_ok:
        for i in np.flatnonzero(blank.to_numpy()):
            problems.add(f"blank {name}", int(lines[i]), f"{name} is blank; every row needs one")
    return parsed.to_numpy(dtype="datetime64[D]")


def _read_events(columns: Columns, cells, lines, options: ReadOptions, problems, notes):
    """Entry, stop and event per person of an event history, with left truncation."""
    hire = _dates(
        cells[columns.index["hire_date"]], columns.names["hire_date"], lines, problems, False
    )
    leave = _dates(
        cells[columns.index["exit_date"]], columns.names["exit_date"], lines, problems, True
    )
    today = np.datetime64(options.today, "D")
    for name, dates in (("hire_date", hire), ("exit_date", leave)):
        for i in np.flatnonzero(dates > today):
            problems.add(
                f"future {name}",
                int(lines[i]),
                f"{columns.names[name]} {dates[i]} is in the future (today is {options.today}); "
                "an export records what has happened",
            )
    before = np.flatnonzero(leave < hire)
    for i in before:
        problems.add(
            "exit before hire",
            int(lines[i]),
            f"{columns.names['exit_date']} {leave[i]} is before {columns.names['hire_date']} "
            f"{hire[i]}",
        )
    left = ~np.isnat(leave)
    if problems or not len(hire):
        return pd.DataFrame(), None, None, True
    window = _window(hire, leave, left, options, columns, notes)
    start, end = (np.datetime64(d, "D") for d in window)
    for name, dates in (("hire_date", hire), ("exit_date", leave)):
        for i in np.flatnonzero(dates > end):
            problems.add(
                f"{name} after --as-of",
                int(lines[i]),
                f"{columns.names[name]} {dates[i]} is after the export's date {window[1]} "
                "(--as-of)",
            )
    in_window = ~left | (leave >= start)
    if (~in_window).sum():
        notes.append(
            f"{int((~in_window).sum())} people left before the window's start {window[0]} and "
            "are not counted (no exposure in the window)"
        )
    days = lambda a, b: (a - b).astype("timedelta64[D]").astype(float)  # noqa: E731
    entry = np.maximum(days(np.maximum(hire, start), hire), 0.0)
    stop = days(np.where(left, leave, end), hire)
    # Someone who left on their first day (or the window's first day) has a day at risk.
    stop = np.maximum(stop, entry + 1.0)
    people = pd.DataFrame(
        {
            "entry": entry / DAYS_PER_YEAR,
            "stop": stop / DAYS_PER_YEAR,
            "event": left,
            "row": np.arange(len(hire)),
            # Calendar days from the window's start: the first day counted and the last
            # day employed (the exit date, or the export's date), for month-by-month counts.
            "first_day": days(np.maximum(hire, start), start),
            "last_day": days(np.where(left, leave, end), start),
        }
    )
    people = people[in_window].reset_index(drop=True)
    people["tenure_band"] = tenure_band(people["stop"].to_numpy())
    return people, window, None, True


def _window(hire, leave, left, options: ReadOptions, columns: Columns, notes) -> tuple:
    """The observation window: --since or the earliest exit, to --as-of or the latest date."""
    if not left.any():
        raise InputError(
            [
                Problem(
                    f"{columns.names['exit_date']}",
                    "no one in the file has left (every exit date is blank): exit hazards "
                    "cannot be fitted; export the leavers of the last few years too",
                )
            ]
        )
    latest = max(hire.max(), leave[left].max()).astype(object)
    end = options.as_of or latest
    if options.since is not None:
        start = options.since
        notes.append(f"observation window from {start} (--since) to {end}")
    else:
        start = leave[left].min().astype(object)
        notes.append(
            f"observation window from {start} (the earliest exit; the export holds the "
            f"leavers since then, give --since if it is another date) to {end}"
        )
    if options.as_of is None:
        notes.append(
            f"export date taken as {end}, the latest hire or exit in it (give --as-of if later)"
        )
    notes.append(
        "left truncation: people hired before the window's start count from that date only "
        "(lifelines' entry column), so the hazards are not biased by leavers missing from the "
        "export"
    )
    if start >= end:
        raise InputError(
            [Problem("--since", f"the window's start {start} is not before its end {end}")]
        )
    return start, end


def _read_snapshot(columns: Columns, cells, lines, options: ReadOptions, problems, notes):
    """Who left over the snapshot's window, and when within it if a month column says."""
    if options.window_months is None:
        raise InputError(
            [
                Problem(
                    "--window-months",
                    f"the export is a snapshot ({columns.names['left']} says who left, not "
                    "when): give the months over which it was counted, e.g. --window-months 12",
                )
            ]
        )
    name = columns.names["left"]
    values = cells[columns.index["left"]]
    low = [v.lower() for v in values]
    event = np.array([v in _YES for v in low])
    for i in np.flatnonzero([v not in _YES and v not in _NO for v in low]):
        problems.add(
            "bad left",
            int(lines[i]),
            f"{name} {values[i]!r} is not yes/no (allowed: yes, no, 1, 0, true, false)",
        )
    window = options.window_months / 12.0
    stop = np.full(len(values), window)
    times_known = columns.has("month")
    if times_known:
        month = _numbers(columns, cells, "month", lines, problems, 1, options.window_months)
        # The month someone left, or the months a stayer was observed (up to the window).
        stop = np.where(np.isnan(month), window, month / 12.0)
        notes.append(
            f"times from the {columns.names['month']} column: the month of leaving, or the "
            "months a stayer was observed, counted from the window's start; the fit is a "
            "survival fit on window time"
        )
    people = pd.DataFrame({"entry": 0.0, "stop": stop, "event": event, "row": np.arange(len(low))})
    tenure = _numbers(columns, cells, "years_at_company", lines, problems, 0, 80)
    people["tenure_band"] = tenure_band(tenure)
    return people, None, window, times_known


def _numbers(columns, cells, name, lines, problems, lo, hi) -> np.ndarray:
    """A numeric column (NaN where blank or absent), one problem per value outside lo..hi."""
    values = _column(columns, cells, name)
    if values is None:
        return np.full(len(cells[0]), np.nan)
    numbers = pd.to_numeric(pd.Series(values).str.replace(",", "."), errors="coerce").to_numpy()
    blank = np.array([v.lower() in _MISSING for v in values])
    bad = ~blank & (np.isnan(numbers) | (numbers < lo) | (numbers > hi))
    for i in np.flatnonzero(bad):
        problems.add(
            f"bad {name}",
            int(lines[i]),
            f"{columns.names[name]} {values[i]!r} is not a number from {lo:g} to {hi:g}",
        )
    return np.where(bad, np.nan, numbers)


def _scores(columns, cells, lines, options, problems, notes, people) -> ScoreScale | None:
    """The survey score of each person, its scale (given or detected) and engagement."""
    if not columns.has("score"):
        notes.append(
            "no survey score column (engagement, job_satisfaction, ...; or --score-column): "
            "the engagement link (beta_e) and e0 stay the published calibration's"
        )
        if len(people):
            people["score"] = np.nan
            people["engagement"] = np.nan
        return None
    name = columns.names["score"]
    values = cells[columns.index["score"]]
    scores = pd.to_numeric(pd.Series(values).str.replace(",", "."), errors="coerce").to_numpy()
    blank = np.array([v.lower() in _MISSING for v in values])
    for i in np.flatnonzero(~blank & np.isnan(scores)):
        problems.add("bad score", int(lines[i]), f"{name} {values[i]!r} is not a number")
    scale = _scale(scores, name, options, notes)
    outside = np.flatnonzero(~np.isnan(scores) & ((scores < scale.low) | (scores > scale.high)))
    for i in outside:
        problems.add(
            "score outside the scale",
            int(lines[i]),
            f"{name} {values[i]} is outside the {scale.name} scale"
            + (" (--scale)" if options.scale else " (detected; give --scale if it is another)"),
        )
    if problems or not len(people):
        return scale
    rows = people["row"].to_numpy()
    people["score"] = scores[rows]
    people["engagement"] = score_to_engagement(scores[rows], scale)
    missing = int(np.isnan(scores[rows]).sum())
    if missing:
        notes.append(f"{missing} people have no {name} score: left out of the engagement fit")
    return scale


def _scale(scores: np.ndarray, name: str, options: ReadOptions, notes: list[str]) -> ScoreScale:
    """The --scale given, or the smallest known scale that holds every score."""
    if options.scale is not None:
        if options.scale not in KNOWN_SCALES:
            raise InputError(
                [
                    Problem(
                        f"--scale {options.scale}",
                        f"not a known scale; allowed: {', '.join(KNOWN_SCALES)}",
                    )
                ]
            )
        notes.append(f"{name} read on the {options.scale} scale (--scale)")
        return KNOWN_SCALES[options.scale]
    finite = scores[np.isfinite(scores)]
    lo, hi = (finite.min(), finite.max()) if len(finite) else (1.0, 5.0)
    for scale in KNOWN_SCALES.values():
        if scale.contains(lo) and scale.contains(hi):
            notes.append(
                f"{name} read on the {scale.name} scale (detected from its range "
                f"{lo:g}-{hi:g}; give --scale if the survey's scale is another)"
            )
            return scale
    return KNOWN_SCALES["0-100"]  # scores outside every scale: reported against 0-100


def _groups(columns, cells, options: ReadOptions, people, notes, window) -> None:
    """Role, generation, level and department of each person kept."""
    rows = people["row"].to_numpy()
    pick = lambda name: (  # noqa: E731
        None if not columns.has(name) else [cells[columns.index[name]][r] for r in rows]
    )
    year = (window[1] if window else (options.as_of or options.today)).year
    people["generation"] = generation_labels(
        pd.to_numeric(pd.Series(pick("birth_year") or [""] * len(rows)), errors="coerce"),
        pd.to_numeric(pd.Series(pick("age") or [""] * len(rows)), errors="coerce"),
        year,
    )
    people["level"] = pick("level") or ["(no level column)"] * len(rows)
    people["department"] = pick("department") or ["(no department column)"] * len(rows)
    senior, note = roles_from(
        pick("role"), pick("level"), options.senior_levels, columns, len(rows)
    )
    people["senior"] = senior
    people["role"] = np.where(np.isnan(senior), "all", np.where(senior == 1, "Senior", "Junior"))
    notes.append(note)
    del people["row"]


def _check_size(people: pd.DataFrame, where: str) -> None:
    """Enough people, and both leavers and stayers, to fit anything."""
    n = len(people)
    if n < MIN_PEOPLE:
        raise InputError(
            [
                Problem(
                    where,
                    f"{n} {'person' if n == 1 else 'people'} in the file or its window: too few "
                    "to fit exit "
                    f"hazards (at least {MIN_PEOPLE}; a real history has hundreds)",
                )
            ]
        )
    if people["event"].all():
        raise InputError(
            [
                Problem(
                    where,
                    "everyone in the file left: a leavers' list, not a workforce; exit hazards "
                    "need the people who stayed too (export everyone employed in the window)",
                )
            ]
        )


def _column_notes(columns: Columns, name: str) -> list[str]:
    """The shape and which column was read as what."""
    used = ", ".join(f"{field} = {header!r}" for field, header in columns.names.items())
    notes = [
        f"{name}: read as an {columns.shape}"
        if columns.shape == EVENT_HISTORY
        else f"{name}: read as a {SNAPSHOT} (one row per person, who left over a window)"
    ]
    notes.append(f"columns used: {used}")
    if columns.ignored:
        notes.append(f"columns not used: {', '.join(columns.ignored)}")
    return notes


__all__ = ["History", "ReadOptions", "read_history"]
