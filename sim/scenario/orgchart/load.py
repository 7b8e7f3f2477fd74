"""`load_org_chart`: an HR export (CSV) read, checked and numbered into an `OrgChart`."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import InputError
from sim.scenario.orgchart.chart import OrgChart
from sim.scenario.orgchart.problems import Problems
from sim.scenario.orgchart.reading import Rows, columns, decode, read_file, read_records, rows_of
from sim.scenario.orgchart.tree import Tree, check_tree
from sim.scenario.orgchart.values import PersonValues, check_levels, person_values


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
    checked = read_checked(Path(path))
    if checked.problems:
        raise checked.problems.error()
    return checked.chart()


@dataclass(frozen=True, eq=False)
class CheckedFile:
    """An HR export read and checked, with every problem found so far (none raised yet)."""

    path: Path
    index: dict[str, int]
    rows: Rows
    tree: Tree
    values: PersonValues
    notices: tuple[str, ...]
    problems: Problems

    def chart(self) -> OrgChart:
        """The organisation (call only when there are no problems)."""
        return people(self.rows, self.tree, self.values, self.path.name, self.notices)


def read_checked(path: Path, extra_columns: tuple[str, ...] = ()) -> CheckedFile:
    """The reading steps of `load_org_chart`, shared with `sim pairs`' roster.

    Raises InputError only for a file that cannot be read as a table (unreadable, no header,
    missing or repeated columns); problems in rows are collected in `problems` so a caller
    can add its own checks before raising them all at once.
    """
    where = str(path)
    notices: list[str] = []
    text = decode(read_file(path), where, notices)
    header, header_line, records, line_numbers = read_records(text, where)
    index = columns(header, header_line, where, notices, extra_columns)
    problems = Problems(where)
    rows = rows_of(header, header_line, index, records, line_numbers, problems)
    tree = check_tree(rows, problems)
    check_levels(rows, tree, problems)
    values = person_values(rows, problems)
    return CheckedFile(path, index, rows, tree, values, tuple(notices), problems)


def people(
    rows: Rows, tree: Tree, values: PersonValues, source: str, notices: tuple[str, ...]
) -> OrgChart:
    """The chart of a checked file: one head, everyone reachable, positions breadth-first."""
    order, parent, n = tree.order, tree.parent, len(rows)
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    parent_position = np.where(parent[order] >= 0, position[np.maximum(parent[order], 0)], -1)
    codes, names = pd.factorize(np.array(rows.departments, dtype=object)[order], sort=False)
    return OrgChart(
        parent=parent_position.astype(np.int64),
        level=tree.depth[order].astype(np.int64),
        department=codes.astype(np.int64),
        department_names=tuple(str(x) for x in names),
        birth_year=values.birth_year[order].astype(np.float64),
        hire_date=values.hire_date[order],
        digital=values.digital[order].astype(np.float64),
        engagement=values.engagement[order].astype(np.float64),
        source=source,
        notices=notices,
    )


def load_chart(scenario) -> OrgChart | None:
    """The scenario's imported org chart (`org.chart`), or None for a generated organisation.

    With `org.ties_file` the chart carries the imported informal ties, and with a design's
    `mentees_file` (`mentee_selection = "listed"`) the positions it lists.
    """
    inputs = chart_inputs(scenario)
    return None if inputs is None else load_chart_inputs(*inputs)


def chart_inputs(scenario) -> tuple[str, str | None, float, tuple[str, ...]] | None:
    """What `load_chart` reads for a scenario, as a hashable key (a worker's cache)."""
    if scenario.org.chart is None:
        return None
    lists = sorted(
        {d.mentees_file for d in scenario.designs if d.mentee_selection == "listed"} - {None}
    )
    return scenario.org.chart, scenario.org.ties_file, scenario.org.min_tie_weight, tuple(lists)


def load_chart_inputs(
    chart: str,
    ties_file: str | None = None,
    min_tie_weight: float = 0.0,
    mentees_files: tuple[str, ...] = (),
) -> OrgChart:
    """An org chart with its informal network and lists of mentees, each checked against it.

    Raises:
        InputError: every problem of the chart; then every problem of each further file.
    """
    from sim.scenario.orgchart.ties import load_mentee_list, load_ties

    checked = read_checked(Path(chart))
    if checked.problems:
        raise checked.problems.error()
    org_chart = checked.chart()
    if ties_file is None and not mentees_files:
        return org_chart
    ids = [checked.rows.ids[i] for i in checked.tree.order.tolist()]
    name = Path(chart).name
    problems = []
    informal, notices = None, list(org_chart.notices)
    if ties_file is not None:
        try:
            ties = load_ties(ties_file, ids, name, min_tie_weight)
            informal, notices = ties.pairs, notices + list(ties.notices)
            informal.setflags(write=False)
        except InputError as err:
            problems += err.problems
    lists = {}
    for path in mentees_files:
        try:
            lists[path] = load_mentee_list(path, ids, org_chart.has_reports, name)
            lists[path].setflags(write=False)
        except InputError as err:
            problems += err.problems
    if problems:
        raise InputError(problems)
    return replace(org_chart, notices=tuple(notices), informal=informal, mentee_lists=lists)
