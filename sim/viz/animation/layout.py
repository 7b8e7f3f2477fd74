"""The org chart's layout, computed once: levels as rows, departments as column groups."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class OrgLayout:
    """Positions of every node and the geometry of bands and department groups.

    Attributes:
        xy: (n, 2) positions in layout units (one unit between neighbours in a cell grid).
        width: width of the chart in units (x runs from 0 to width).
        height: height in units (y runs from 0 down to -height).
        band_top: y of the first row of each level's band (index = level).
        band_rows: rows in each level's band.
        departments: the department codes that form groups, left to right.
        dept_left: x where each department group starts.
        dept_columns: columns of each department group.
        spacing: room around each node, in units (1 in a full grid, more in a sparse row).
        band_gap: empty rows between level bands.
    """

    xy: np.ndarray
    width: float
    height: float
    band_top: np.ndarray
    band_rows: np.ndarray
    departments: np.ndarray
    dept_left: np.ndarray
    dept_columns: np.ndarray
    spacing: np.ndarray
    band_gap: float

    def band_centre(self, level: int) -> float:
        """The y of the middle of a level's band."""
        return float(self.band_top[level] - (self.band_rows[level] - 1) / 2)


def tree_order(parent: np.ndarray, level: np.ndarray, department: np.ndarray) -> np.ndarray:
    """A rank per node within its level: by department, then the manager's rank, then id."""
    n = len(parent)
    rank = np.zeros(n, dtype=np.int64)
    for lv in range(int(level.max()) + 1 if n else 0):
        at = np.flatnonzero(level == lv)
        manager_rank = np.where(parent[at] >= 0, rank[np.maximum(parent[at], 0)], -1)
        order = np.lexsort((at, manager_rank, department[at]))
        rank[at[order]] = np.arange(len(at))
    return rank


def _geometry(counts: np.ndarray, columns: np.ndarray, band_gap: float, dept_gap: float):
    """Width, height and band rows of a layout with `columns` per department group."""
    rows = np.ceil(counts / columns[:, None]).astype(np.int64)  # (departments, levels)
    band_rows = rows.max(axis=0)
    band_rows[0] = 1
    used = band_rows > 0
    height = band_rows.sum() + band_gap * (used.sum() - 1)
    width = columns.sum() + dept_gap * (len(columns) - 1)
    return width, height, band_rows


def hierarchical_layout(
    parent: np.ndarray,
    level: np.ndarray,
    department: np.ndarray,
    aspect: float = 1.5,
    band_gap: float = 1.2,
    dept_gap: float = 1.5,
) -> OrgLayout:
    """Levels as rows, departments as column groups, teams together (see the module docstring).

    Args:
        parent: each position's manager, -1 for the root.
        level: depth from the root.
        department: department code of each position.
        aspect: width / height of the area the chart will be drawn in.
        band_gap: empty rows between level bands.
        dept_gap: empty columns between department groups.
    """
    n = len(parent)
    level = np.asarray(level, dtype=np.int64)
    top = parent < 0
    if n == 0:
        raise ValueError("an organisation needs at least one position")
    n_levels = int(level.max()) + 1
    depts, dept_index = np.unique(department[~top], return_inverse=True)
    if len(depts) == 0:  # a one-person organisation
        depts, dept_index = np.array([0]), np.empty(0, dtype=np.int64)
    group = np.full(n, -1, dtype=np.int64)
    group[~top] = dept_index
    counts = np.zeros((len(depts), n_levels), dtype=np.int64)
    np.add.at(counts, (group[~top], level[~top]), 1)

    # Choose the rows a band may take; each department then gets the fewest columns that fit
    # its largest level in that many rows; keep the choice closest to the wanted aspect ratio.
    best = None
    for rows in range(1, int(counts.max()) + 1):
        columns = np.maximum(1, np.ceil(counts / rows).max(axis=1)).astype(np.int64)
        width, height, band_rows = _geometry(counts, columns, band_gap, dept_gap)
        score = abs(np.log(width / max(height, 1.0)) - np.log(aspect))
        if best is None or score < best[0]:
            best = (score, columns, width, height, band_rows)
    _, columns, width, height, band_rows = best
    band_top = np.zeros(n_levels)
    y = 0.0
    for lv in range(n_levels):
        band_top[lv] = -y
        if band_rows[lv] > 0:
            y += band_rows[lv] + band_gap
    dept_left = np.r_[0, np.cumsum(columns + dept_gap)[:-1]].astype(float)

    # Place each (department, level) cell's members in a grid, in tree order.
    rank = tree_order(parent, level, department)
    xy = np.zeros((n, 2))
    members = np.flatnonzero(~top)
    cell = group[members] * n_levels + level[members]
    order = members[np.lexsort((rank[members], cell))]
    cell = group[order] * n_levels + level[order]
    first = np.r_[True, cell[1:] != cell[:-1]]
    starts = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
    i = np.arange(len(order)) - starts  # index within the cell
    g, lv = group[order], level[order]
    cols = columns[g]
    size = counts[g, lv]
    row, col = i // cols, i % cols
    in_row = np.minimum(cols, size - row * cols)  # people in this row of the cell
    one_row = size <= cols
    # A single row is spread evenly across the group; a fuller grid keeps unit spacing,
    # its last row centred.
    x_spread = (col + 0.5) * cols / in_row
    x_grid = col + 0.5 + (cols - in_row) / 2
    xy[order, 0] = dept_left[g] + np.where(one_row, x_spread, x_grid)
    xy[order, 1] = band_top[lv] - row
    xy[top, 0] = width / 2
    xy[top, 1] = band_top[0]
    spacing = np.full(n, 1.0)
    spacing[order] = np.where(one_row, cols / in_row, 1.0)
    spacing[top] = width
    return OrgLayout(
        xy=xy,
        width=float(width),
        height=float(height),
        band_top=band_top,
        band_rows=band_rows,
        departments=depts,
        dept_left=dept_left,
        dept_columns=columns,
        spacing=spacing,
        band_gap=band_gap,
    )
