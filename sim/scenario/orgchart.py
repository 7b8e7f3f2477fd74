"""Org charts exported from an HR system: import (with clear errors) and synthetic exports.

`load_org_chart` reads a CSV export (``employee_id, manager_id, department`` plus optional
columns) into an `OrgChart`: per-position numpy arrays with positions numbered breadth-first
from the head. Employee ids are used only to rebuild the reporting tree and to name lines in
error messages; they are not kept (privacy: ids and names never reach outputs).

`synthesize_org_chart` makes a realistic export of the same shape, for demos and tests.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import InputError, Problem, closest, did_you_mean

REQUIRED = ("employee_id", "manager_id", "department")
OPTIONAL = ("level", "title", "birth_year", "hire_date", "digital", "engagement")
KNOWN = REQUIRED + OPTIONAL

GENERATIONS = ("Boomer", "Gen X", "Millennial", "Gen Z")
"""Generation labels, indexed by `generation_index` (Boomer <= 1964, Gen X 1965-80,
Millennial 1981-96, Gen Z >= 1997)."""

# Common names HR systems use for the required columns (suggestions only, never auto-mapped).
_SYNONYMS = {
    "employee_id": ("id", "emp_id", "employee", "employee_number", "staff_id", "person_id"),
    "manager_id": ("manager", "supervisor", "supervisor_id", "reports_to", "boss", "line_manager"),
    "department": ("dept", "division", "unit", "org_unit", "team", "department_name"),
}
_MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-"})
_DELIMITERS = (",", ";", "\t", "|")
_DECIMAL_COMMA = re.compile(r"[-+]?\d+,\d+")
_MAX_PER_KIND = 20  # more lines with the same kind of problem are summarised in one line
_MIN_HIRE_AGE = 14


def generation_index(birth_year: np.ndarray) -> np.ndarray:
    """Return generation codes (indices into `GENERATIONS`) for birth years; -1 if unknown."""
    by = np.asarray(birth_year, dtype=np.float64)
    codes = np.searchsorted(np.array([1964.5, 1980.5, 1996.5]), by).astype(np.int64)
    codes[np.isnan(by)] = -1
    return codes


@dataclass(frozen=True, eq=False)
class OrgChart:
    """An imported organisation, one entry per position, positions in breadth-first order.

    Position 0 is the head; then level 1, level 2, ...; the reports of one manager keep the
    file's order. Employee ids are not kept.

    Attributes:
        parent: manager's position, -1 for the head (int64).
        level: depth from the head, 0 = top (int64).
        department: department codes 0..D-1, numbered by first appearance in position order.
        department_names: the file's department names, indexed by code (for display only).
        birth_year: NaN where absent.
        hire_date: datetime64[D], NaT where absent.
        digital: 0..1, NaN where absent.
        engagement: 0..1, NaN where absent.
        source: the file's name.
        notices: things the user may want to know (ignored columns, encoding guesses).
    """

    parent: np.ndarray
    level: np.ndarray
    department: np.ndarray
    department_names: tuple[str, ...]
    birth_year: np.ndarray
    hire_date: np.ndarray
    digital: np.ndarray
    engagement: np.ndarray
    source: str
    notices: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in ("parent", "level", "department", "birth_year", "hire_date", "digital"):
            getattr(self, name).setflags(write=False)
        self.engagement.setflags(write=False)

    def __len__(self) -> int:
        return int(self.parent.shape[0])

    def __repr__(self) -> str:
        return (
            f"OrgChart(source={self.source!r}, people={len(self)}, "
            f"levels={int(self.level.max()) + 1}, departments={len(self.department_names)})"
        )

    @property
    def has_reports(self) -> np.ndarray:
        """True for positions with at least one report (Senior positions)."""
        counts = np.bincount(self.parent[1:], minlength=len(self))
        return counts > 0

    def summary(self) -> dict:
        """Return counts a user can check against their HR system (no ids, no names).

        Returns:
            ``people``, ``levels`` ({level: count}), ``departments`` (count) and
            ``generations`` ({Boomer, Gen X, Millennial, Gen Z, unknown: count}).
        """
        levels = np.bincount(self.level)
        gens = generation_index(self.birth_year)
        generations = {g: int(np.count_nonzero(gens == i)) for i, g in enumerate(GENERATIONS)}
        generations["unknown"] = int(np.count_nonzero(gens < 0))
        return {
            "people": len(self),
            "levels": {lv: int(c) for lv, c in enumerate(levels)},
            "departments": len(self.department_names),
            "generations": generations,
        }


# --------------------------------------------------------------------------------------------
# Loading


class _Problems:
    """Collects problems by kind; after `_MAX_PER_KIND` lines of one kind, only counts them."""

    def __init__(self, where: str):
        self.where = where
        self.items: list[tuple[int, Problem]] = []
        self.counts: dict[str, int] = {}
        self.extra: dict[str, tuple[int, str]] = {}

    def add(self, kind: str, line: int | None, message: str) -> None:
        n = self.counts.get(kind, 0) + 1
        self.counts[kind] = n
        if n > _MAX_PER_KIND:
            self.extra[kind] = (n - _MAX_PER_KIND, message)
            return
        where = self.where if line is None else f"{self.where}:{line}"
        self.items.append((0 if line is None else line, Problem(where, message)))

    def __bool__(self) -> bool:
        return bool(self.items)

    def error(self) -> InputError:
        problems = [p for _, p in sorted(self.items, key=lambda item: item[0])]
        for kind, (n, _) in self.extra.items():
            problems.append(
                Problem(self.where, f"{n} more lines with the same problem ({kind}) not shown")
            )
        return InputError(problems)


def _decode(data: bytes, where: str, notices: list[str]) -> str:
    """Text of the file: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252/latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        notices.append(
            f"{Path(where).name}: read as UTF-16 (save as CSV UTF-8 to avoid this guess)"
        )
        return data.decode("utf-16")
    if data.startswith(b"PK\x03\x04"):
        raise InputError(
            [
                Problem(
                    where, "this is a zip file (an Excel workbook?), not CSV; save it as CSV UTF-8"
                )
            ]
        )
    if b"\x00" in data:
        message = "contains NUL bytes: not CSV text (UTF-16 without a BOM?); save it as CSV UTF-8"
        raise InputError([Problem(where, message)])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        for encoding, label in (("cp1252", "Windows-1252 (cp1252)"), ("latin-1", "Latin-1")):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            notices.append(
                f"{Path(where).name}: not UTF-8 (first non-UTF-8 byte on line {line}); "
                f"read as {label}; save as CSV UTF-8 if names look wrong"
            )
            return text
        raise AssertionError("latin-1 decodes any bytes") from exc  # pragma: no cover


def _normalise(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def _pick_delimiter(header_line: str) -> str:
    """Return the delimiter giving the most known column names, then the most fields."""

    def score(delim: str) -> tuple[int, int]:
        fields = next(csv.reader([header_line], delimiter=delim), [])
        return (sum(_normalise(f) in KNOWN for f in fields), len(fields))

    return max(_DELIMITERS, key=score)


def _read_rows(text: str, where: str) -> tuple[list[str], int, list[list[str]], list[int]]:
    """Header, header line number, data rows (blank rows dropped) and their line numbers."""
    empty = InputError(
        [Problem(where, "the file is empty; expected a header: employee_id,manager_id,department")]
    )
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise empty
    delimiter = _pick_delimiter(lines[first])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
        if len(records) == reader.line_num:
            starts = range(1, len(records) + 1)  # one record per line (blank lines give [])
        else:
            # A quoted value spans lines: read again, noting where each record starts.
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            records, starts, previous = [], [], 0
            for row in reader:
                records.append(row)
                starts.append(previous + 1)
                previous = reader.line_num
    except csv.Error as exc:
        problem = Problem(f"{where}:{reader.line_num}", f"not readable as CSV: {exc}")
        raise InputError([problem]) from None
    keep = [i for i, row in enumerate(records) if any(row) and not "".join(row).isspace()]
    if not keep:
        raise empty
    header, header_line = records[keep[0]], starts[keep[0]]
    rows = [records[i] for i in keep[1:]]
    numbers = [starts[i] for i in keep[1:]]
    return header, header_line, rows, numbers


def _columns(
    header: list[str], header_line: int, where: str, notices: list[str]
) -> tuple[dict[str, int], list[Problem]]:
    """Map known column names to their index; problems for missing or repeated columns."""
    index: dict[str, int] = {}
    problems: list[Problem] = []
    ignored: list[str] = []
    unnamed = 0
    here = f"{where}:{header_line}"
    for i, raw in enumerate(header):
        name = _normalise(raw)
        if not name:
            unnamed += 1
        elif name in index:
            problems.append(Problem(here, f"column {raw.strip()!r} appears more than once"))
        elif name in KNOWN:
            index[name] = i
        else:
            ignored.append(raw.strip())
    for required in REQUIRED:
        if required in index:
            continue
        candidates = [c for c in ignored if _normalise(c) not in index]
        near = closest(required, [_normalise(c) for c in candidates])
        if near is None:
            near = next(
                (_normalise(c) for c in candidates if _normalise(c) in _SYNONYMS[required]), None
            )
        hint = ""
        if near is not None:
            found = next(c for c in candidates if _normalise(c) == near)
            hint = f"; did you mean {found!r}? (rename that column to {required})"
        found_list = ", ".join(h.strip() for h in header if h.strip()) or "none"
        problems.append(
            Problem(here, f"missing required column {required} (columns found: {found_list}){hint}")
        )
    plain = []
    for column in ignored:
        suggestion = did_you_mean(_normalise(column), [k for k in KNOWN if k not in index])
        if suggestion:
            notices.append(f"{Path(where).name}: ignored column {column!r}{suggestion}")
        else:
            plain.append(column)
    if plain:
        notices.append(
            f"{Path(where).name}: ignored columns not used by the model: {', '.join(plain)}"
        )
    if unnamed:
        notices.append(f"{Path(where).name}: ignored {unnamed} column(s) with an empty name")
    return index, problems


def _numbers(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Parse numbers: floats (NaN where absent) and a mask of values present but not numbers."""
    series = pd.Series(values, dtype=object)
    numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, copy=True)
    bad = np.zeros(len(values), dtype=bool)
    for i in np.flatnonzero(np.isnan(numbers)).tolist():
        value = values[i]
        if value.lower() in _MISSING_TOKENS:
            continue
        # Spreadsheets in many locales write decimal commas (0,75), notably in ;-separated files.
        if _DECIMAL_COMMA.fullmatch(value):
            numbers[i] = float(value.replace(",", "."))
        else:
            bad[i] = True
    return numbers, bad


def _present(values: list[str]) -> np.ndarray:
    return np.fromiter((v.lower() not in _MISSING_TOKENS for v in values), bool, len(values))


def _line_list(lines: Iterable[int], limit: int = 10) -> str:
    lines = list(lines)
    text = ", ".join(str(n) for n in lines[:limit])
    return text + (f" and {len(lines) - limit} more" if len(lines) > limit else "")


def _lines_phrase(lines: np.ndarray) -> str:
    return ("line " if len(lines) == 1 else "lines ") + _line_list(lines)


def _bfs(roots: np.ndarray, parent: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Breadth-first order from `roots`, children in row order; depth and root label per row.

    Rows not reachable from a root (cycles and what hangs below them) get depth -1.
    """
    n = parent.shape[0]
    children_of = np.flatnonzero(parent >= 0)
    children = children_of[np.argsort(parent[children_of], kind="stable")]
    counts = np.bincount(parent[children_of], minlength=n)
    starts = np.cumsum(counts) - counts
    depth = np.full(n, -1, dtype=np.int64)
    label = np.full(n, -1, dtype=np.int64)
    label[roots] = np.arange(roots.shape[0])
    order = []
    frontier = roots.astype(np.int64)
    d = 0
    while frontier.size:
        depth[frontier] = d
        order.append(frontier)
        c = counts[frontier]
        total = int(c.sum())
        if total == 0:
            break
        offsets = np.cumsum(c) - c
        nxt = children[np.repeat(starts[frontier] - offsets, c) + np.arange(total)]
        label[nxt] = label[parent[nxt]]
        frontier = nxt
        d += 1
    order_array = np.concatenate(order) if order else np.zeros(0, dtype=np.int64)
    return order_array, depth, label


def _cycles(unreached: np.ndarray, parent: np.ndarray) -> tuple[list[list[int]], dict[int, int]]:
    """Find the cycles among rows that cannot be reached from a head.

    Returns:
        The cycles (each a list of rows, following managers) and, for each unreachable row
        not in a cycle, the index of the cycle its reporting line ends in.
    """
    state: dict[int, int] = {}  # row -> cycle index once resolved
    cycles: list[list[int]] = []
    below: dict[int, int] = {}
    for start in unreached.tolist():
        if start in state:
            continue
        path: list[int] = []
        on_path: dict[int, int] = {}
        node = start
        while node not in state and node not in on_path:
            on_path[node] = len(path)
            path.append(node)
            node = int(parent[node])
        if node in on_path:
            cycle = path[on_path[node] :]
            k = len(cycles)
            cycles.append(cycle)
            for row in cycle:
                state[row] = k
            tail = path[: on_path[node]]
        else:
            k = state[node]
            tail = path
        for row in tail:
            state[row] = k
            below[row] = k
    return cycles, below


def load_org_chart(path: str | os.PathLike) -> OrgChart:
    """Read an HR export (CSV) into an `OrgChart`.

    Required columns: ``employee_id``, ``manager_id``, ``department``; optional: ``level``
    (0 = top; checked against the reporting lines), ``title``, ``birth_year``, ``hire_date``
    (YYYY-MM-DD), ``digital`` and ``engagement`` (0..1). Column names are matched without
    regard to case or surrounding spaces; other columns are ignored with a notice. The head
    has an empty ``manager_id``, or names the one manager outside the file (as a division's
    export does). Comma-, semicolon-, tab- or pipe-separated; UTF-8 with or without BOM
    (other encodings are read as cp1252 with a notice).

    Args:
        path: the CSV file.

    Returns:
        The organisation, positions numbered breadth-first from the head.

    Raises:
        InputError: with every problem found, each naming the file and line.
    """
    path = Path(path)
    where = str(path)
    notices: list[str] = []
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(where, "file not found")]) from None
    except IsADirectoryError:
        raise InputError([Problem(where, "is a directory, not a CSV file")]) from None
    except OSError as exc:
        raise InputError([Problem(where, f"cannot be read: {exc.strerror}")]) from None

    text = _decode(data, where, notices)
    header, header_line, rows, line_numbers = _read_rows(text, where)
    index, header_problems = _columns(header, header_line, where, notices)
    if header_problems:
        raise InputError(header_problems)
    if not rows:
        raise InputError(
            [Problem(f"{where}:{header_line}", "the file has a header but no employee rows")]
        )

    problems = _Problems(where)
    width = len(header)
    for i, row in enumerate(rows):
        if len(row) == width:
            continue
        if len(row) < width:
            problems.add(
                "wrong number of fields",
                line_numbers[i],
                f"{len(row)} fields but the header has {width}",
            )
            rows[i] = row + [""] * (width - len(row))
        else:
            if any(cell.strip() for cell in row[width:]):
                problems.add(
                    "wrong number of fields",
                    line_numbers[i],
                    f"{len(row)} fields but the header has {width} "
                    "(a separator inside an unquoted value?)",
                )
            rows[i] = row[:width]

    n = len(rows)
    lines = np.asarray(line_numbers, dtype=np.int64)
    columns = list(zip(*rows, strict=True))

    def column(name: str) -> list[str] | None:
        if name not in index:
            return None
        return [value.strip() for value in columns[index[name]]]

    id_list = column("employee_id")
    manager_list = column("manager_id")
    department_list = column("department")
    assert id_list is not None and manager_list is not None and department_list is not None
    managers = np.array(manager_list, dtype=object)

    # Ids: empty and duplicate.
    first_row: dict[str, int] = {}
    for i, employee in enumerate(id_list):
        if not employee:
            problems.add("empty employee_id", int(lines[i]), "employee_id is empty")
        elif employee in first_row:
            problems.add(
                "duplicate employee_id",
                int(lines[i]),
                f"employee_id {employee} appears more than once: lines "
                f"{lines[first_row[employee]]} and {lines[i]}",
            )
        else:
            first_row[employee] = i
    for i in (i for i, d in enumerate(department_list) if not d):
        problems.add("empty department", int(lines[i]), "department is empty")

    # Managers: rows of managers in this file; empty; outside the file.
    unique_ids = pd.Index(list(first_row))
    first_rows = np.fromiter(first_row.values(), dtype=np.int64, count=len(first_row))
    found = unique_ids.get_indexer(manager_list)
    empty_manager = managers == ""
    parent = np.where(found >= 0, first_rows[np.maximum(found, 0)], -1).astype(np.int64)
    outside = (found < 0) & ~empty_manager
    outside_ids = pd.unique(managers[outside])

    accepted: str | None = None
    empties = np.flatnonzero(empty_manager)
    if empties.size == 0 and len(outside_ids) == 1:
        accepted = outside_ids[0]
    elif empties.size == 0 and len(outside_ids) > 1:
        # Several outside managers: the head's is the one above most of the organisation.
        tentative = np.flatnonzero(outside)
        _, _, label = _bfs(tentative, parent)
        reach = pd.Series(np.bincount(label[label >= 0], minlength=tentative.size))
        reach_by_id = reach.groupby(managers[outside]).sum().sort_values()
        if reach_by_id.iloc[-1] > reach_by_id.iloc[-2]:
            accepted = str(reach_by_id.index[-1])
    is_root = empty_manager | (outside & (managers == accepted))
    roots = np.flatnonzero(is_root)

    if accepted is not None:
        head_lines = _lines_phrase(lines[outside & is_root])
        context = f"only the head's own manager ({accepted}, {head_lines}) may be outside it"
    elif empties.size:
        context = f"the head ({_lines_phrase(lines[empties])}) has an empty manager_id"
    else:
        context = (
            f"only one manager outside the file (the head's) is allowed, "
            f"and {len(outside_ids)} are named"
        )
    for i in np.flatnonzero(outside & ~is_root):
        problems.add(
            "unknown manager_id",
            int(lines[i]),
            f"manager_id {manager_list[i]} is not an employee_id in this file; {context}",
        )

    if roots.size == 0 and not outside.any():
        problems.add(
            "no head",
            None,
            "no head: every manager_id names an employee in this file; the head's manager_id "
            "must be empty (or name the one manager outside the file)",
        )
    elif roots.size > 1:
        heads = ", ".join(f"{id_list[r] or '(blank id)'} (line {lines[r]})" for r in roots[:10])
        more = f" and {roots.size - 10} more" if roots.size > 10 else ""
        problems.add(
            "several heads",
            None,
            f"several heads: {heads}{more} have no manager in this file; an org chart needs "
            "exactly one head (the others' manager_id must name an employee in the file)",
        )

    # Reporting lines: depth from the head(s); what cannot be reached is cycles and below.
    # Walk down from every row without a manager in the file (heads, and rows whose manager
    # is unknown, reported above): what cannot be reached hangs in a cycle.
    tops = np.flatnonzero(parent < 0)
    order, depth, label = _bfs(tops, parent)
    under_head = np.zeros(n, dtype=bool)
    under_head[label >= 0] = is_root[tops[label[label >= 0]]]
    unreached = np.flatnonzero(depth < 0)
    if unreached.size:
        cycles, below = _cycles(unreached[np.argsort(lines[unreached], kind="stable")], parent)
        cycle_line = []
        for cycle in cycles:
            start = min(range(len(cycle)), key=lambda k: lines[cycle[k]])
            cycle = cycle[start:] + cycle[:start]
            cycle_line.append(int(lines[cycle[0]]))
            if len(cycle) == 1:
                message = f"manager_id {id_list[cycle[0]]} is the employee's own id"
            else:
                chain = " -> ".join(id_list[r] for r in cycle[:10])
                chain += " -> ..." if len(cycle) > 10 else ""
                message = (
                    f"reporting cycle: {chain} -> {id_list[cycle[0]]} "
                    f"(-> means 'reports to'; lines {_line_list(lines[cycle])})"
                )
            problems.add("reporting cycle", cycle_line[-1], message)
        for row, k in sorted(below.items(), key=lambda item: lines[item[0]]):
            problems.add(
                "unreachable from the head",
                int(lines[row]),
                f"{id_list[row]} cannot be reached from the head: the reporting line goes "
                f"up into the cycle at line {cycle_line[k]}",
            )

    # Optional values.
    level = np.full(n, np.nan)
    levels = column("level")
    if levels is not None:
        level, bad = _numbers(levels)
        with np.errstate(invalid="ignore"):
            wrong = ~bad & ~np.isnan(level) & ((level < 0) | (level != np.round(level)))
        for i in np.flatnonzero(bad | wrong):
            problems.add(
                "bad level",
                int(lines[i]),
                f"level {levels[i]!r} is not a whole number >= 0 (0 = the head)",
            )
        level = np.where(bad | wrong, np.nan, level)
        check = np.flatnonzero(~np.isnan(level) & under_head)
        differs = check[level[check] != depth[check]]
        if differs.size and differs.size == check.size and np.all(level[check] == depth[check] + 1):
            problems.add(
                "level disagrees",
                None,
                "the level column counts from 1 at the top; levels count from 0 (the head is "
                "level 0): subtract 1 or drop the column (levels follow from the reporting lines)",
            )
        else:
            for i in differs:
                problems.add(
                    "level disagrees",
                    int(lines[i]),
                    f"level is {int(level[i])} but the reporting lines put {id_list[i]} at "
                    f"level {depth[i]} (the head is level 0)",
                )

    birth_year = np.full(n, np.nan)
    years = column("birth_year")
    if years is not None:
        birth_year, bad = _numbers(years)
        latest = date.today().year - _MIN_HIRE_AGE
        with np.errstate(invalid="ignore"):
            wrong = ~bad & ~np.isnan(birth_year)
            wrong &= (birth_year < 1900) | (birth_year > latest) | (birth_year % 1 != 0)
        for i in np.flatnonzero(bad | wrong):
            problems.add(
                "bad birth_year",
                int(lines[i]),
                f"birth_year {years[i]!r} is not a year between 1900 and {latest}",
            )
        birth_year = np.where(bad | wrong, np.nan, birth_year)

    hire_date = np.full(n, np.datetime64("NaT", "D"), dtype="datetime64[D]")
    dates = column("hire_date")
    if dates is not None:
        present = _present(dates)
        parsed = pd.to_datetime(pd.Series(dates, dtype=object), format="%Y-%m-%d", errors="coerce")
        hire_date = parsed.to_numpy().astype("datetime64[D]")
        bad = present & np.isnat(hire_date)
        for i in np.flatnonzero(bad):
            problems.add(
                "bad hire_date",
                int(lines[i]),
                f"hire_date {dates[i]!r} is not a date YYYY-MM-DD (e.g. 2019-03-31)",
            )
        hire_year = hire_date.astype("datetime64[Y]").astype(np.float64) + 1970
        hire_year[np.isnat(hire_date)] = np.nan
        with np.errstate(invalid="ignore"):
            too_young = hire_year < birth_year + _MIN_HIRE_AGE
        for i in np.flatnonzero(too_young):
            problems.add(
                "hire_date before working age",
                int(lines[i]),
                f"hire_date {dates[i]} is before age {_MIN_HIRE_AGE} for birth_year "
                f"{int(birth_year[i])} (columns swapped?)",
            )

    shares = {}
    for name in ("digital", "engagement"):
        values = column(name)
        shares[name] = np.full(n, np.nan)
        if values is None:
            continue
        share, bad = _numbers(values)
        with np.errstate(invalid="ignore"):
            wrong = ~bad & ~np.isnan(share) & ~((share >= 0) & (share <= 1))
        for i in np.flatnonzero(bad | wrong):
            hint = ""
            if 1 < share[i] <= 5:
                hint = " (a 1-5 survey score? rescale to 0..1)"
            elif 5 < share[i] <= 100:
                hint = " (a percentage? divide by 100)"
            problems.add(
                f"bad {name}",
                int(lines[i]),
                f"{name} {values[i]!r} is not a number from 0 to 1{hint}",
            )
        shares[name] = np.where(bad | wrong, np.nan, share)

    if problems:
        raise problems.error()

    # One head, everyone reachable: `order` is the breadth-first numbering of positions.
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    parent_position = np.where(parent[order] >= 0, position[np.maximum(parent[order], 0)], -1)
    codes, names = pd.factorize(np.array(department_list, dtype=object)[order], sort=False)
    return OrgChart(
        parent=parent_position.astype(np.int64),
        level=depth[order].astype(np.int64),
        department=codes.astype(np.int64),
        department_names=tuple(str(x) for x in names),
        birth_year=birth_year[order].astype(np.float64),
        hire_date=hire_date[order],
        digital=shares["digital"][order].astype(np.float64),
        engagement=shares["engagement"][order].astype(np.float64),
        source=path.name,
        notices=tuple(notices),
    )


# --------------------------------------------------------------------------------------------
# Synthetic exports

DEPARTMENT_NAMES = (
    "Marketing",
    "Sales",
    "Customer Care",
    "Digital Products",
    "Finance",
    "Human Resources",
    "Operations",
    "Information Technology",
    "Legal",
    "Strategy",
    "Procurement",
    "Risk",
)
HEAD_DEPARTMENT = "Office of the Head"
LOCATIONS = ("Jakarta", "South Tangerang", "Surabaya", "Bandung", "Medan", "Remote")
_SD = 0.12
_MEANS = {  # docs/ODD.md section 5: (digital, engagement) for juniors and seniors
    False: (0.75, 0.55),
    True: (0.35, 0.65),
}
_AGES = {"junior": (22.0, 35.0), "manager": (33.0, 55.0), "executive": (45.0, 62.0)}
_TENURE_YEARS = {False: 3.0, True: 8.0}
_DAYS_PER_YEAR = 365.25


def _department_names(k: int) -> list[str]:
    """Return `k` department names, cycling through the list with numbers (Sales 2)."""
    names = []
    for i in range(k):
        base = DEPARTMENT_NAMES[i % len(DEPARTMENT_NAMES)]
        rounds = i // len(DEPARTMENT_NAMES)
        names.append(base if rounds == 0 else f"{base} {rounds + 1}")
    return names


def _beta(rng: np.random.Generator, mean: np.ndarray, sd: float) -> np.ndarray:
    k = mean * (1 - mean) / sd**2 - 1
    return rng.beta(mean * k, (1 - mean) * k)


def _to_date(value: str | date | np.datetime64) -> np.datetime64:
    return np.datetime64(value, "D")


def synthesize_org_chart(
    n: int,
    rng_or_seed: int | np.random.Generator | np.random.SeedSequence | None,
    start_date: str | date | np.datetime64 = "2024-01-01",
) -> pd.DataFrame:
    """Make a realistic synthetic HR export of `n` employees, rows in shuffled order.

    The tree is filled breadth-first, each manager taking 5-7 reports; departments are the
    level-1 subtrees (the head has its own); the head's manager is an id outside the export,
    as in a division's export. Ages, tenure, digital knowledge and engagement follow docs/ODD.md
    section 5, at `start_date`. A ``location`` column is included that the loader ignores.

    Args:
        n: number of employees (>= 1).
        rng_or_seed: a seed or a numpy Generator; the same seed gives the same table.
        start_date: the date ages and tenures refer to.

    Returns:
        Columns employee_id, manager_id, department, title, birth_year, hire_date (ISO text),
        digital, engagement, location.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise InputError(
            [Problem("n", f"number of employees must be a whole number >= 1, not {n!r}")]
        )
    n = int(n)
    rng = np.random.default_rng(rng_or_seed)
    start = _to_date(start_date)

    # Breadth-first tree: position i's reports are the next span_i positions.
    spans = rng.integers(5, 8, size=n)
    parent = np.full(n, -1, dtype=np.int64)
    parent[1:] = np.repeat(np.arange(n), spans)[: n - 1]
    level = np.zeros(n, dtype=np.int64)
    for _ in range(n):  # depth is about log6(n): a handful of passes
        new = level.copy()
        new[1:] = level[parent[1:]] + 1
        if np.array_equal(new, level):
            break
        level = new
    has_reports = np.bincount(parent[1:], minlength=n) > 0

    # Departments: the level-1 ancestor's subtree.
    top = np.arange(n)
    while np.any(level[top] > 1):
        top = np.where(level[top] > 1, parent[top], top)
    heads = np.flatnonzero(level == 1)
    dept_of_head = dict(zip(heads.tolist(), _department_names(heads.size), strict=True))
    department = [
        HEAD_DEPARTMENT if lv == 0 else dept_of_head[t] for lv, t in zip(level, top, strict=True)
    ]

    title = np.where(has_reports, np.where(level == 2, "Senior Manager", "Manager"), "Associate")
    title = np.where(level == 1, "Director", title)
    title = np.where(level == 0, "Division Head", title)

    # Ages at start_date by kind of position; birth year from the age.
    kind = np.where(level <= 1, "executive", np.where(has_reports, "manager", "junior"))
    lo = np.array([_AGES[k][0] for k in kind])
    hi = np.array([_AGES[k][1] for k in kind])
    age = rng.uniform(lo, hi)
    start_year = start.astype("datetime64[Y]").astype(np.int64) + 1970
    year_fraction = (start - start.astype("datetime64[Y]")).astype(np.float64) / _DAYS_PER_YEAR
    birth_year = np.floor(start_year + year_fraction - age).astype(np.int64)

    # Tenure: exponential, truncated so no one was hired before 18 (one draw per person).
    mean = np.where(has_reports, _TENURE_YEARS[True], _TENURE_YEARS[False])
    cap = age - 18.0
    u = rng.uniform(size=n)
    tenure = -mean * np.log1p(-u * (1 - np.exp(-cap / mean)))
    hire_date = start - np.floor(tenure * _DAYS_PER_YEAR).astype("timedelta64[D]")

    mean_digital = np.where(has_reports, _MEANS[True][0], _MEANS[False][0])
    mean_engagement = np.where(has_reports, _MEANS[True][1], _MEANS[False][1])
    digital = np.round(_beta(rng, mean_digital, _SD), 3)
    engagement = np.round(_beta(rng, mean_engagement, _SD), 3)
    location = rng.choice(np.array(LOCATIONS), size=n)

    # Ids: distinct random numbers; the last one is the head's manager, outside the export.
    upper = max(1_000_000, 10 * (n + 1))
    width = len(str(upper - 1))
    numbers = rng.choice(upper - 1, size=n + 1, replace=False) + 1
    ids = np.array([f"E{x:0{width}d}" for x in numbers.tolist()])
    manager_ids = np.where(parent >= 0, ids[np.maximum(parent, 0)], ids[n])

    table = pd.DataFrame(
        {
            "employee_id": ids[:n],
            "manager_id": manager_ids,
            "department": department,
            "title": title,
            "birth_year": birth_year,
            "hire_date": np.datetime_as_string(hire_date, unit="D"),
            "digital": digital,
            "engagement": engagement,
            "location": location,
        }
    )
    return table.iloc[rng.permutation(n)].reset_index(drop=True)


def write_synthetic_org_chart(n: int, path: str | os.PathLike, seed: int) -> Path:
    """Write `synthesize_org_chart(n, seed)` as CSV (UTF-8) to `path`, atomically.

    Returns:
        The path written.
    """
    table = synthesize_org_chart(n, seed)
    path = Path(path)
    if not path.parent.is_dir():
        raise InputError([Problem(str(path), f"folder {path.parent} does not exist")])
    # A temporary name beside the target, renamed when complete: nothing is half-written.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as out:
            table.to_csv(out, index=False, lineterminator="\n")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def load_chart(scenario) -> OrgChart | None:
    """The scenario's imported org chart (`org.chart`), or None for a generated organisation."""
    if scenario.org.chart is None:
        return None
    return load_org_chart(scenario.org.chart)


__all__ = [
    "DEPARTMENT_NAMES",
    "GENERATIONS",
    "HEAD_DEPARTMENT",
    "OrgChart",
    "generation_index",
    "load_chart",
    "load_org_chart",
    "synthesize_org_chart",
    "write_synthetic_org_chart",
]
