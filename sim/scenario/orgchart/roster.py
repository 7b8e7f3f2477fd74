"""An HR export with what only `sim pairs` may read: employee ids, volunteers and names.

`load_org_chart` keeps no employee ids (privacy: ids and names never reach reports, figures or
logs). The pairing list (`sim pairs`) is the one exception: HR starts the program from it, so it
needs each position's employee id and, only when asked, names. `load_roster` reads the export
through the same steps as `load_org_chart` (the same checks, the same problems, the same
positions) and keeps beside the chart:

- the employee ids and the file's line of each position;
- the ``volunteer`` column (yes/no), if the file has one: the juniors who agreed to mentor;
- the ``name`` column, only when asked for (``names=True``) and present.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.scenario.orgchart.chart import OrgChart
from sim.scenario.orgchart.load import read_checked
from sim.scenario.orgchart.problems import Problems
from sim.scenario.orgchart.values import MISSING_TOKENS

VOLUNTEER = "volunteer"
NAME = "name"
YES = frozenset({"yes", "y", "true", "1", "x"})
NO = frozenset({"no", "n", "false", "0"}) | MISSING_TOKENS
ALLOWED_VOLUNTEER = "yes, no, y, n, true, false, 1, 0, x (for yes) or empty (for no)"


@dataclass(frozen=True, eq=False)
class Roster:
    """An imported organisation with its employee ids: for the pairing list only.

    Attributes:
        chart: the organisation, as `load_org_chart` reads it (positions breadth-first).
        where: the file as given, for messages.
        ids: the employee id of each position.
        lines: the file's line of each position (int64).
        columns: the optional columns the file has (``hire_date``, ``digital``,
            ``engagement``, ``level``, ..., ``volunteer``, ``name``).
        volunteer: True where the ``volunteer`` column says yes; None without the column.
        names: each position's name; None unless asked for and the file has a name column.
    """

    chart: OrgChart
    where: str
    ids: tuple[str, ...]
    lines: np.ndarray
    columns: frozenset[str]
    volunteer: np.ndarray | None
    names: tuple[str, ...] | None

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        # Never the ids or names: a repr ends up in logs and tracebacks.
        return (
            f"Roster(source={self.chart.source!r}, people={len(self)}, "
            f"columns={sorted(self.columns)}, names={self.names is not None})"
        )


def load_roster(path: str | os.PathLike, names: bool = False) -> Roster:
    """Read an HR export (CSV) with its ids, volunteers and (if `names`) names.

    The columns and checks of `load_org_chart`, plus ``volunteer`` (yes/no; empty is no) and
    ``name`` (read only when `names` is true).

    Raises:
        InputError: with every problem found, each naming the file and line.
    """
    checked = read_checked(Path(path), extra_columns=(VOLUNTEER, NAME))
    rows, problems = checked.rows, checked.problems
    said = rows.column(VOLUNTEER)
    volunteer = None if said is None else _volunteers(said, rows.lines, problems)
    if problems:
        raise problems.error()
    chart = checked.chart()
    order = checked.tree.order
    name_column = rows.column(NAME) if names else None
    return Roster(
        chart=chart,
        where=str(path),
        ids=tuple(rows.ids[i] for i in order.tolist()),
        lines=rows.lines[order],
        columns=frozenset(checked.index),
        volunteer=None if volunteer is None else volunteer[order],
        names=None if name_column is None else tuple(name_column[i] for i in order.tolist()),
    )


def _volunteers(values: list[str], lines: np.ndarray, problems: Problems) -> np.ndarray:
    """True for yes; a problem for each value that is neither yes nor no."""
    said = np.zeros(len(values), dtype=bool)
    for i, value in enumerate(values):
        word = value.lower()
        if word in YES:
            said[i] = True
        elif word not in NO:
            problems.add(
                "bad volunteer",
                int(lines[i]),
                f"volunteer {value!r} is not yes or no; allowed: {ALLOWED_VOLUNTEER}",
            )
    return said
