"""The imported organisation: `OrgChart`, per-position arrays, and generations of birth years."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

GENERATIONS = ("Boomer", "Gen X", "Millennial", "Gen Z")
"""Generation labels, indexed by `generation_index` (Boomer <= 1964, Gen X 1965-80,
Millennial 1981-96, Gen Z >= 1997)."""


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
        informal: imported informal ties as (K, 2) positions (`org.ties_file`); None to
            generate them.
        mentee_lists: positions of each design's list of mentees, by its `mentees_file`.
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
    informal: np.ndarray | None = None
    mentee_lists: Mapping[str, np.ndarray] = field(default_factory=dict)

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
