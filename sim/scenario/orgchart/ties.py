"""Files that name people of an imported chart: the informal network and a list of mentees.

`load_ties` reads an edge list exported from collaboration metadata (e-mail, chat,
meetings): ``from_id, to_id`` and an optional ``weight``, one undirected tie a line, ids
from the org chart. `load_mentee_list` reads the employee ids a design enrols with
``mentee_selection = "listed"``. Both go through the org chart's reading steps (encoding,
delimiter, line numbers) and collect every problem before raising them at once, each naming
the file and line. Ids become positions here and are not kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

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
    line = np.asarray(lines, dtype=np.int64)
    people = pd.Index(list(ids))
    text, ends = {}, {}
    for column in TIE_COLUMNS:
        text[column] = [_cell(row, index[column]) for row in records]
        ends[column] = people.get_indexer(text[column])
        for k in np.flatnonzero(ends[column] < 0).tolist():
            value = text[column][k]
            if not value:
                problems.add(f"empty {column}", int(line[k]), f"{column} is empty")
            else:
                problems.add(
                    f"unknown {column}",
                    int(line[k]),
                    f"{column} {value} is not an employee_id of {chart_name}; allowed: ids of "
                    "the org chart (is the edge list from the same export?)",
                )
    w_col = index.get(WEIGHT)
    weights = _weights(
        [_cell(row, w_col) for row in records] if w_col is not None else None, line, problems
    )
    a, b, source = ends["from_id"], ends["to_id"], text["from_id"]
    known = (a >= 0) & (b >= 0)
    for k in np.flatnonzero(known & (a == b)).tolist():
        problems.add("self-tie", int(line[k]), f"{source[k]} is tied to themself; remove it")
    tie = np.flatnonzero(known & (a != b))
    lo, hi = np.minimum(a[tie], b[tie]), np.maximum(a[tie], b[tie])
    _, first, group = np.unique(lo * len(ids) + hi, return_index=True, return_inverse=True)
    again = first[group] != np.arange(len(tie))
    for k, f in zip(tie[again].tolist(), tie[first[group[again]]].tolist(), strict=True):
        problems.add(
            "duplicate tie",
            int(line[k]),
            f"the tie {source[k]} - {text['to_id'][k]} is already on line {line[f]} (ties "
            "are undirected: list each pair once)",
        )
    if problems:
        raise problems.error()
    pairs = np.column_stack([lo, hi])
    return _kept(path, pairs, weights[tie], len(ids), min_weight, notices)


def _weights(texts: list[str] | None, line: np.ndarray, problems: Problems) -> np.ndarray:
    """Each tie's weight: a finite number >= 0, empty (or no column) meaning 1.

    A problem for each other value (its weight is then NaN).
    """
    if texts is None:
        return np.ones(len(line))
    given = pd.Series(texts, dtype=object)
    values = pd.to_numeric(given.str.replace(",", ".", regex=False), errors="coerce")
    values = np.array(values, dtype=np.float64)  # a copy: pandas may give a read-only view
    empty = (given == "").to_numpy()
    values[empty] = 1.0
    bad = ~empty & ~(np.isfinite(values) & (values >= 0))
    for k in np.flatnonzero(bad).tolist():
        what = "negative" if values[k] < 0 else "not a number"
        problems.add(
            "bad weight",
            int(line[k]),
            f"weight {texts[k]!r} is {what}; allowed: a number >= 0 (e.g. messages exchanged), "
            "or empty for 1",
        )
    values[bad] = np.nan
    return values


def _kept(
    path: Path,
    pairs: np.ndarray,
    weights: np.ndarray,
    n: int,
    min_weight: float,
    notices: list[str],
) -> Ties:
    """The ties at or above the minimum weight; refused if they leave almost everyone alone."""
    keep = weights >= min_weight
    dropped = int(np.count_nonzero(~keep))
    pair_array, weight_array = pairs[keep].astype(np.int64), weights[keep]
    tied = np.zeros(n, dtype=bool)
    tied[pair_array.ravel()] = True
    isolated = int(n - np.count_nonzero(tied))
    name = path.name
    if dropped:
        notices.append(
            f"{name}: {dropped} of {len(weights)} ties have a weight below org.min_tie_weight "
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
