"""When the program started in each department: `sim plan`'s assignment.csv or a simple file.

Two shapes, told apart by their columns:

- `sim plan`'s ``assignment.csv``: ``plan, unit, random_order, start_month, start_date,
  note``, a row per plan and department; ``--plan NAME`` picks one plan when it holds several;
- a simple file ``department,start_date`` (``unit`` is read as ``department``, ``start`` as
  ``start_date``); a blank start date means the program has not started there.

The file is read as every CSV import is (`sim.scenario.orgchart.reading`); every problem is
collected and raised at once, naming the line and column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sim.errors import InputError, Problem, did_you_mean
from sim.scenario.orgchart.problems import Problems
from sim.scenario.orgchart.reading import decode, read_file, read_records

_DEPARTMENT = ("department", "unit", "dept")
_START = ("start_date", "start", "program_start", "started")
_BLANK = frozenset({"", "na", "n/a", "none", "-", "never"})


@dataclass(frozen=True)
class Starts:
    """Each department's start date (None: not started), with the line it came from.

    Attributes:
        dates: department -> start date, or None where the file says it has not started.
        lines: department -> the file's line for it (for error messages).
        where: the file's name; plan: the plan read (None for a simple file).
    """

    dates: dict[str, dt.date | None]
    lines: dict[str, int]
    where: str
    plan: str | None


def read_starts(path: str | Path, plan: str | None = None) -> Starts:
    """Read a program-starts file (assignment.csv or department,start_date).

    Raises:
        InputError: a missing column, a plan not in the file (or several and none chosen),
            a date that is not YYYY-MM-DD, a department listed twice.
    """
    path = Path(path)
    where = str(path)
    text = decode(read_file(path), where, [])
    header, header_line, records, lines = read_records(text, where)
    names = [h.strip().lower().replace(" ", "_").replace("-", "_") for h in header]
    dept = next((names.index(n) for n in _DEPARTMENT if n in names), None)
    start = next((names.index(n) for n in _START if n in names), None)
    if dept is None or start is None:
        raise InputError(
            [
                Problem(
                    f"{where}:{header_line}",
                    f"columns {', '.join(header)}: a program-starts file needs a department "
                    "column (department or unit) and a start_date column; allowed shapes: "
                    "sim plan's assignment.csv, or department,start_date",
                )
            ]
        )
    rows = [(r + [""] * len(names))[: len(names)] for r in records]
    chosen = None
    if "plan" in names:
        chosen, rows, lines = _one_plan(rows, lines, names.index("plan"), plan, where)
    elif plan is not None:
        raise InputError(
            [Problem(f"--plan {plan}", f"{where} has no plan column (it holds one set of starts)")]
        )
    if not rows:
        raise InputError([Problem(f"{where}:{header_line}", "the file has a header but no rows")])
    dates, at = _dates(rows, lines, dept, start, header, where)
    return Starts(dates=dates, lines=at, where=path.name, plan=chosen)


def _one_plan(rows, lines, column: int, plan: str | None, where: str):
    """The rows of one plan: the one named, or the only one."""
    plans = list(dict.fromkeys(r[column].strip() for r in rows))
    if plan is None:
        if len(plans) > 1:
            raise InputError(
                [
                    Problem(
                        where,
                        f"holds {len(plans)} plans ({', '.join(plans)}); choose one with "
                        "--plan NAME",
                    )
                ]
            )
        plan = plans[0] if plans else None
    elif plan not in plans:
        raise InputError(
            [
                Problem(
                    f"--plan {plan}",
                    f"not a plan in {where}; its plans: {', '.join(plans)}"
                    f"{did_you_mean(plan, plans)}",
                )
            ]
        )
    keep = [i for i, r in enumerate(rows) if r[column].strip() == plan]
    return plan, [rows[i] for i in keep], [lines[i] for i in keep]


def _dates(rows, lines, dept: int, start: int, header, where: str):
    """Each department's start date (None when blank), every bad value collected."""
    problems = Problems(where)
    dates: dict[str, dt.date | None] = {}
    at: dict[str, int] = {}
    for row, line in zip(rows, lines, strict=True):
        name, value = row[dept].strip(), row[start].strip()
        if not name:
            problems.add("blank department", line, f"{header[dept]} is blank")
            continue
        if name in at:
            problems.add(
                "repeated department",
                line,
                f"{header[dept]} {name!r} repeats line {at[name]} (one start per department)",
            )
            continue
        at[name] = line
        if value.lower() in _BLANK:
            dates[name] = None
            continue
        try:
            dates[name] = dt.date.fromisoformat(value)
        except ValueError:
            problems.add(
                "bad start_date",
                line,
                f"{header[start]} {value!r} is not a date; write YYYY-MM-DD (e.g. 2026-03-01), "
                "or leave it blank where the program has not started",
            )
    if problems:
        raise problems.error()
    return dates, at
