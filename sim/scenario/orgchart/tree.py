"""The reporting tree of an HR export: ids, managers, one head, no cycles.

Rows are numbered in file order here; `Tree.order` is the breadth-first order that becomes
the positions of the `OrgChart`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.scenario.orgchart.problems import Problems, line_list, lines_phrase
from sim.scenario.orgchart.reading import Rows


@dataclass(frozen=True)
class Tree:
    """The reporting lines of the rows (row numbers in file order).

    Attributes:
        parent: the row of each row's manager, -1 if the manager is not in the file.
        order: rows in breadth-first order from the head (once the tree has no problems).
        depth: each row's depth from the top of its reporting line; -1 in or below a cycle.
        under_head: True for rows whose reporting line goes up to a head.
    """

    parent: np.ndarray
    order: np.ndarray
    depth: np.ndarray
    under_head: np.ndarray


@dataclass(frozen=True)
class _Managers:
    """Each row's manager: a row of the file, empty, or outside the file.

    Attributes:
        parent: the manager's row, -1 if the manager_id is empty or outside the file.
        empty: the manager_id is empty.
        outside: the manager_id names no employee in the file.
        outside_ids: the distinct manager_ids outside the file.
        accepted: the one outside manager_id taken for the head's own manager, if any.
        is_root: a head: an empty manager_id, or the accepted outside one.
    """

    parent: np.ndarray
    empty: np.ndarray
    outside: np.ndarray
    outside_ids: np.ndarray
    accepted: str | None
    is_root: np.ndarray


def check_tree(rows: Rows, problems: Problems) -> Tree:
    """Check ids, managers, the head and the reporting lines; one problem per mistake."""
    first_row = _check_ids(rows, problems)
    managers = _find_managers(rows.managers, first_row)
    _check_unknown_managers(rows, managers, problems)
    _check_heads(rows, managers, problems)
    return _reporting_lines(rows, managers, problems)


def _check_ids(rows: Rows, problems: Problems) -> dict[str, int]:
    """Empty and duplicate employee ids, empty departments; the first row of each id."""
    lines = rows.lines
    first_row: dict[str, int] = {}
    for i, employee in enumerate(rows.ids):
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
    for i in (i for i, d in enumerate(rows.departments) if not d):
        problems.add("empty department", int(lines[i]), "department is empty")
    return first_row


def _find_managers(manager_list: list[str], first_row: dict[str, int]) -> _Managers:
    """Rows of managers in this file; empty; outside the file; which rows are heads."""
    managers = np.array(manager_list, dtype=object)
    unique_ids = pd.Index(list(first_row))
    first_rows = np.fromiter(first_row.values(), dtype=np.int64, count=len(first_row))
    found = unique_ids.get_indexer(manager_list)
    empty_manager = managers == ""
    parent = np.where(found >= 0, first_rows[np.maximum(found, 0)], -1).astype(np.int64)
    outside = (found < 0) & ~empty_manager
    outside_ids = pd.unique(managers[outside])
    accepted = _head_manager(managers, empty_manager, outside, outside_ids, parent)
    is_root = empty_manager | (outside & (managers == accepted))
    return _Managers(parent, empty_manager, outside, outside_ids, accepted, is_root)


def _head_manager(
    managers: np.ndarray,
    empty_manager: np.ndarray,
    outside: np.ndarray,
    outside_ids: np.ndarray,
    parent: np.ndarray,
) -> str | None:
    """The manager outside the file accepted as the head's own, if no manager_id is empty."""
    if empty_manager.any() or len(outside_ids) == 0:
        return None
    if len(outside_ids) == 1:
        return outside_ids[0]
    # Several outside managers: the head's is the one above most of the organisation.
    tentative = np.flatnonzero(outside)
    _, _, label = _bfs(tentative, parent)
    reach = pd.Series(np.bincount(label[label >= 0], minlength=tentative.size))
    reach_by_id = reach.groupby(managers[outside]).sum().sort_values()
    if reach_by_id.iloc[-1] > reach_by_id.iloc[-2]:
        return str(reach_by_id.index[-1])
    return None


def _check_unknown_managers(rows: Rows, managers: _Managers, problems: Problems) -> None:
    """A problem for each manager_id outside the file other than the head's own."""
    lines, outside, is_root = rows.lines, managers.outside, managers.is_root
    empties = np.flatnonzero(managers.empty)
    if managers.accepted is not None:
        head_lines = lines_phrase(lines[outside & is_root])
        context = (
            f"only the head's own manager ({managers.accepted}, {head_lines}) may be outside it"
        )
    elif empties.size:
        context = f"the head ({lines_phrase(lines[empties])}) has an empty manager_id"
    else:
        context = (
            f"only one manager outside the file (the head's) is allowed, "
            f"and {len(managers.outside_ids)} are named"
        )
    for i in np.flatnonzero(outside & ~is_root):
        problems.add(
            "unknown manager_id",
            int(lines[i]),
            f"manager_id {rows.managers[i]} is not an employee_id in this file; {context}",
        )


def _check_heads(rows: Rows, managers: _Managers, problems: Problems) -> None:
    """A problem if there is no head, or more than one."""
    roots = np.flatnonzero(managers.is_root)
    if roots.size == 0 and not managers.outside.any():
        problems.add(
            "no head",
            None,
            "no head: every manager_id names an employee in this file; the head's manager_id "
            "must be empty (or name the one manager outside the file)",
        )
    elif roots.size > 1:
        heads = ", ".join(
            f"{rows.ids[r] or '(blank id)'} (line {rows.lines[r]})" for r in roots[:10]
        )
        more = f" and {roots.size - 10} more" if roots.size > 10 else ""
        problems.add(
            "several heads",
            None,
            f"several heads: {heads}{more} have no manager in this file; an org chart needs "
            "exactly one head (the others' manager_id must name an employee in the file)",
        )


def _reporting_lines(rows: Rows, managers: _Managers, problems: Problems) -> Tree:
    """Depth from the head(s); what cannot be reached is cycles and below, one problem each."""
    # Walk down from every row without a manager in the file (heads, and rows whose manager
    # is unknown, reported above): what cannot be reached hangs in a cycle.
    parent = managers.parent
    tops = np.flatnonzero(parent < 0)
    order, depth, label = _bfs(tops, parent)
    under_head = np.zeros(len(rows), dtype=bool)
    under_head[label >= 0] = managers.is_root[tops[label[label >= 0]]]
    unreached = np.flatnonzero(depth < 0)
    if unreached.size:
        _check_cycles(rows, unreached, parent, problems)
    return Tree(parent=parent, order=order, depth=depth, under_head=under_head)


def _check_cycles(
    rows: Rows, unreached: np.ndarray, parent: np.ndarray, problems: Problems
) -> None:
    """A problem for each reporting cycle, and for each row whose line goes up into one."""
    lines, id_list = rows.lines, rows.ids
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
                f"(-> means 'reports to'; lines {line_list(lines[cycle])})"
            )
        problems.add("reporting cycle", cycle_line[-1], message)
    for row, k in sorted(below.items(), key=lambda item: lines[item[0]]):
        problems.add(
            "unreachable from the head",
            int(lines[row]),
            f"{id_list[row]} cannot be reached from the head: the reporting line goes "
            f"up into the cycle at line {cycle_line[k]}",
            after=cycle_line[k],
        )


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
