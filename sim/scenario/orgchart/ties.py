"""Files that name people of an imported chart: the informal network and a list of mentees.

`load_ties` reads an edge list exported from collaboration metadata (e-mail, chat,
meetings): ``from_id, to_id`` and an optional ``weight``, one undirected tie a line, ids
from the org chart. `load_mentee_list` reads the employee ids a design enrols with
``mentee_selection = "listed"``. Both go through the org chart's reading steps (encoding,
delimiter, line numbers) and collect every problem before raising them at once, each naming
the file and line. Ids become positions here and are not kept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.errors import InputError, Problem, closest
from sim.scenario.orgchart.problems import Problems
from sim.scenario.orgchart.reading import decode, read_file, read_records

TIE_COLUMNS = ("from_id", "to_id")
WEIGHT = "weight"
# Suggestions only, never mapped automatically.
_TIE_SYNONYMS = {
    "from_id": ("from", "source", "sender", "src", "employee_id", "id1", "a"),
    "to_id": ("to", "target", "recipient", "receiver", "dst", "id2", "b"),
    "weight": ("count", "messages", "n", "strength", "value"),
}
_MENTEE_SYNONYMS = ("id", "emp_id", "employee", "employee_number", "staff_id", "person_id")
# Share of people without an informal tie that makes a warning, and that is refused.
ISOLATED_WARNING = 0.5
ISOLATED_ERROR = 0.9


@dataclass(frozen=True)
class Ties:
    """An imported informal network, as positions of the chart.

    Attributes:
        pairs: (K, 2) positions, each tie once with the smaller position first (int64).
        weights: each tie's weight (1.0 where the file has no weight column).
        dropped: ties below the minimum weight, left out.
        isolated: positions with no tie left.
        notices: what the user should know (dropped ties, many isolated people).
    """

    pairs: np.ndarray
    weights: np.ndarray
    dropped: int
    isolated: int
    notices: tuple[str, ...]


def _normalise(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def _header(
    path: Path, wanted: tuple[str, ...], optional: tuple[str, ...], synonyms: dict
) -> tuple[dict[str, int], list[list[str]], list[int], list[str]]:
    """The file's known columns, its data rows and their lines; raises for what stops reading."""
    where = str(path)
    notices: list[str] = []
    text = decode(read_file(path), where, notices)
    if not text.strip():
        raise InputError(
            [Problem(where, f"the file is empty; expected a header: {','.join(wanted)}")]
        )
    header, header_line, records, lines = read_records(text, where)
    index: dict[str, int] = {}
    problems = []
    here = f"{where}:{header_line}"
    for i, raw in enumerate(header):
        name = _normalise(raw)
        if name in index:
            problems.append(Problem(here, f"column {raw.strip()!r} appears more than once"))
        elif name in wanted or name in optional:
            index[name] = i
    found = [h.strip() for h in header if h.strip()]
    for name in wanted:
        if name in index:
            continue
        others = [_normalise(h) for h in found if _normalise(h) not in index]
        near = closest(name, others) or next(
            (c for c in others if c in synonyms.get(name, ())), None
        )
        hint = f"; did you mean {near!r}? (rename that column to {name})" if near else ""
        problems.append(
            Problem(
                here,
                f"missing required column {name} (columns found: {', '.join(found) or 'none'})"
                f"{hint}",
            )
        )
    if problems:
        raise InputError(problems)
    if not records:
        raise InputError([Problem(here, "the file has a header but no rows")])
    return index, records, lines, notices


def _cell(row: list[str], i: int | None) -> str:
    return row[i].strip() if i is not None and i < len(row) else ""


def load_ties(
    path: str | Path,
    ids: tuple[str, ...] | list[str],
    chart_name: str,
    min_weight: float = 0.0,
) -> Ties:
    """Read an informal-network edge list against the chart's employee ids.

    Args:
        path: the CSV file (``from_id, to_id``, optional ``weight``).
        ids: the chart's employee id of each position.
        chart_name: the chart's file name, for messages.
        min_weight: ties with a weight below this are dropped (`org.min_tie_weight`).

    Returns:
        The ties as positions, undirected, each once.

    Raises:
        InputError: every problem at once, each naming the file and line: unknown ids,
            self-ties, duplicate ties (in either direction), weights that are not numbers
            or are negative, an empty file, missing columns, and a network that leaves more
            than `ISOLATED_ERROR` of the people without a tie.
    """
    path = Path(path)
    index, records, lines, notices = _header(path, TIE_COLUMNS, (WEIGHT,), _TIE_SYNONYMS)
    problems = Problems(str(path))
    position = {employee: p for p, employee in enumerate(ids)}
    a_col, b_col, w_col = index["from_id"], index["to_id"], index.get(WEIGHT)
    first_line: dict[tuple[int, int], int] = {}
    pairs, weights = [], []
    for row, line in zip(records, lines, strict=True):
        ends = []
        for column, i in (("from_id", a_col), ("to_id", b_col)):
            value = _cell(row, i)
            p = position.get(value)
            if not value:
                problems.add(f"empty {column}", line, f"{column} is empty")
            elif p is None:
                problems.add(
                    f"unknown {column}",
                    line,
                    f"{column} {value} is not an employee_id of {chart_name}; allowed: ids of "
                    "the org chart (is the edge list from the same export?)",
                )
            ends.append(p)
        weight = _weight(_cell(row, w_col), line, problems) if w_col is not None else 1.0
        a, b = ends
        if a is None or b is None:
            continue
        if a == b:
            problems.add("self-tie", line, f"{_cell(row, a_col)} is tied to themself; remove it")
            continue
        key = (min(a, b), max(a, b))
        if key in first_line:
            problems.add(
                "duplicate tie",
                line,
                f"the tie {_cell(row, a_col)} - {_cell(row, b_col)} is already on line "
                f"{first_line[key]} (ties are undirected: list each pair once)",
            )
            continue
        first_line[key] = line
        if weight is not None:
            pairs.append(key)
            weights.append(weight)
    if problems:
        raise problems.error()
    return _kept(path, pairs, weights, len(ids), min_weight, notices)


def _weight(text: str, line: int, problems: Problems) -> float | None:
    """A tie's weight: a finite number >= 0 (empty means 1); None with a problem otherwise."""
    if not text:
        return 1.0
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        what = "negative" if value < 0 else "not a number"
        problems.add(
            "bad weight",
            line,
            f"weight {text!r} is {what}; allowed: a number >= 0 (e.g. messages exchanged), "
            "or empty for 1",
        )
        return None
    return value


def _kept(
    path: Path,
    pairs: list[tuple[int, int]],
    weights: list[float],
    n: int,
    min_weight: float,
    notices: list[str],
) -> Ties:
    """The ties at or above the minimum weight; refused if they leave almost everyone alone."""
    pair_array = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    weight_array = np.array(weights, dtype=np.float64)
    keep = weight_array >= min_weight
    dropped = int(np.count_nonzero(~keep))
    pair_array, weight_array = pair_array[keep], weight_array[keep]
    tied = np.zeros(n, dtype=bool)
    tied[pair_array.ravel()] = True
    isolated = int(n - np.count_nonzero(tied))
    name = path.name
    if dropped:
        notices.append(
            f"{name}: {dropped} of {len(pairs)} ties have a weight below org.min_tie_weight "
            f"{min_weight:g} and are left out"
        )
    share = isolated / max(n, 1)
    if share > ISOLATED_ERROR:
        raise InputError(
            [
                Problem(
                    str(path),
                    f"{isolated} of {n} people ({share:.0%}) have no informal tie"
                    + (f" at org.min_tie_weight {min_weight:g}" if dropped else "")
                    + f"; allowed: at most {ISOLATED_ERROR:.0%} without a tie; lower "
                    "org.min_tie_weight, or export the network of the whole organisation",
                )
            ]
        )
    if share > ISOLATED_WARNING:
        notices.append(
            f"{name}: warning: {isolated} of {n} people ({share:.0%}) have no informal tie; "
            "the network pathways reach only the others"
        )
    return Ties(pair_array, weight_array, dropped, isolated, tuple(notices))


def load_mentee_list(
    path: str | Path, ids: tuple[str, ...] | list[str], has_reports: np.ndarray, chart_name: str
) -> np.ndarray:
    """The positions named by a list of mentees (an ``employee_id`` column), ascending.

    Raises:
        InputError: every problem at once: an id not in the chart, an id listed twice, a
            person without reports (only seniors can be mentees), an empty list.
    """
    path = Path(path)
    synonyms = {"employee_id": _MENTEE_SYNONYMS}
    index, records, lines, _ = _header(path, ("employee_id",), (), synonyms)
    problems = Problems(str(path))
    position = {employee: p for p, employee in enumerate(ids)}
    seen: dict[int, int] = {}
    for row, line in zip(records, lines, strict=True):
        value = _cell(row, index["employee_id"])
        p = position.get(value)
        if not value:
            problems.add("empty employee_id", line, "employee_id is empty")
        elif p is None:
            problems.add(
                "unknown employee_id",
                line,
                f"employee_id {value} is not an employee_id of {chart_name}",
            )
        elif p in seen:
            problems.add(
                "listed twice", line, f"employee_id {value} is already listed on line {seen[p]}"
            )
        elif not has_reports[p]:
            problems.add(
                "not a senior",
                line,
                f"employee_id {value} has no reports in {chart_name}; allowed: seniors "
                "(people with reports), who are the mentees",
            )
        else:
            seen[p] = line
    if problems:
        raise problems.error()
    return np.array(sorted(seen), dtype=np.int64)
