"""Reading an HR export: the file's bytes, its text, its records, the columns and the rows.

Each step raises an `InputError` for what makes the next impossible (no file, not text, no
header, missing columns, no rows); rows with the wrong number of fields are noted and fixed
up, so that the checks after them still run (every problem at once).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.errors import InputError, Problem, closest, did_you_mean
from sim.scenario.orgchart.problems import Problems

REQUIRED = ("employee_id", "manager_id", "department")
OPTIONAL = ("level", "title", "birth_year", "hire_date", "digital", "engagement")
KNOWN = REQUIRED + OPTIONAL

# Common names HR systems use for the required columns (suggestions only, never auto-mapped).
_SYNONYMS = {
    "employee_id": ("id", "emp_id", "employee", "employee_number", "staff_id", "person_id"),
    "manager_id": ("manager", "supervisor", "supervisor_id", "reports_to", "boss", "line_manager"),
    "department": ("dept", "division", "unit", "org_unit", "team", "department_name"),
}
_DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class Rows:
    """The employee rows in file order, each the same width as the header.

    Attributes:
        lines: the line each row starts on (int64).
        ids, managers, departments: the required columns, stripped.
        index: known column name -> its index in `cells`.
        cells: the file's columns, as read (`cells[column][row]`).
    """

    lines: np.ndarray
    ids: list[str]
    managers: list[str]
    departments: list[str]
    index: dict[str, int]
    cells: list[tuple[str, ...]]

    def __len__(self) -> int:
        return len(self.ids)

    def column(self, name: str) -> list[str] | None:
        """A known column's values, stripped; None if the file has no such column."""
        if name not in self.index:
            return None
        return [value.strip() for value in self.cells[self.index[name]]]


def read_file(path: Path) -> bytes:
    """The file's bytes; a one-line problem if it is missing, a folder or unreadable."""
    where = str(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(where, "file not found")]) from None
    except IsADirectoryError:
        raise InputError([Problem(where, "is a directory, not a CSV file")]) from None
    except OSError as exc:
        raise InputError([Problem(where, f"cannot be read: {exc.strerror}")]) from None


def decode(data: bytes, where: str, notices: list[str]) -> str:
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


def read_records(text: str, where: str) -> tuple[list[str], int, list[list[str]], list[int]]:
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


def columns(
    header: list[str],
    header_line: int,
    where: str,
    notices: list[str],
    extra: tuple[str, ...] = (),
) -> dict[str, int]:
    """Map known column names to their index; raise for missing or repeated columns.

    `extra` names further columns one reader keeps (`sim pairs`: ``volunteer``, ``name``):
    they are indexed like the model's own and their near-misses get a "did you mean".
    """
    here = f"{where}:{header_line}"
    known = (*KNOWN, *extra)
    index, ignored, unnamed, problems = _read_header(header, here, known)
    for required in REQUIRED:
        if required not in index:
            problems.append(_missing_column(required, header, index, ignored, here))
    _notice_ignored(ignored, unnamed, index, Path(where).name, notices, known)
    if problems:
        raise InputError(problems)
    return index


def _read_header(
    header: list[str], here: str, known: tuple[str, ...]
) -> tuple[dict[str, int], list[str], int, list[Problem]]:
    """Known columns' indices, other column names, the count of unnamed ones, repeats."""
    index: dict[str, int] = {}
    problems: list[Problem] = []
    ignored: list[str] = []
    unnamed = 0
    for i, raw in enumerate(header):
        name = _normalise(raw)
        if not name:
            unnamed += 1
        elif name in index:
            problems.append(Problem(here, f"column {raw.strip()!r} appears more than once"))
        elif name in known:
            index[name] = i
        else:
            ignored.append(raw.strip())
    return index, ignored, unnamed, problems


def _missing_column(
    required: str, header: list[str], index: dict[str, int], ignored: list[str], here: str
) -> Problem:
    """The problem of a missing required column, with the ignored column it may be."""
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
    return Problem(here, f"missing required column {required} (columns found: {found_list}){hint}")


def _notice_ignored(
    ignored: list[str],
    unnamed: int,
    index: dict[str, int],
    name: str,
    notices: list[str],
    known: tuple[str, ...],
) -> None:
    """Notices of the columns not used: near-misses of known names one each, the rest in one."""
    plain = []
    for column in ignored:
        suggestion = did_you_mean(_normalise(column), [k for k in known if k not in index])
        if suggestion:
            notices.append(f"{name}: ignored column {column!r}{suggestion}")
        else:
            plain.append(column)
    if plain:
        notices.append(f"{name}: ignored columns not used by the model: {', '.join(plain)}")
    if unnamed:
        notices.append(f"{name}: ignored {unnamed} column(s) with an empty name")


def rows_of(
    header: list[str],
    header_line: int,
    index: dict[str, int],
    records: list[list[str]],
    line_numbers: list[int],
    problems: Problems,
) -> Rows:
    """The employee rows, each padded or cut to the header's width.

    A row of another width is a problem, unless all it has past the header's width is empty.

    Raises:
        InputError: the file has a header but no rows.
    """
    if not records:
        where = f"{problems.where}:{header_line}"
        raise InputError([Problem(where, "the file has a header but no employee rows")])
    width = len(header)
    records = [
        _fit(row, width, line, problems) for row, line in zip(records, line_numbers, strict=True)
    ]
    cells = list(zip(*records, strict=True))

    def required(name: str) -> list[str]:
        return [value.strip() for value in cells[index[name]]]

    return Rows(
        lines=np.asarray(line_numbers, dtype=np.int64),
        ids=required("employee_id"),
        managers=required("manager_id"),
        departments=required("department"),
        index=index,
        cells=cells,
    )


def _fit(row: list[str], width: int, line: int, problems: Problems) -> list[str]:
    """A row of `width` fields: short rows padded with empty fields, long ones cut."""
    if len(row) == width:
        return row
    if len(row) < width:
        problems.add(
            "wrong number of fields",
            line,
            f"{len(row)} fields but the header has {width}",
        )
        return row + [""] * (width - len(row))
    if any(cell.strip() for cell in row[width:]):
        problems.add(
            "wrong number of fields",
            line,
            f"{len(row)} fields but the header has {width} (a separator inside an unquoted value?)",
        )
    return row[:width]
