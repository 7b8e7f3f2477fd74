"""Per-position state arrays of the people who hold the positions (docs/ODD.md section 2).

Everything a weekly submodel reads or writes about people lives in one `People` object as
numpy arrays indexed by position: one per registered attribute (`sim.model.attributes`)
and the positions' own bookkeeping. A vacant position keeps stale values that are masked by
`filled`. Mesa agents read and write these arrays through descriptors (`sim.model.agents`).
Here too: the first people (`initial_people`), hires (`Hiring`, `hire_into`), leavers
(`vacate`) and an HR chart's known values (`apply_chart`), each driven by the registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from sim.model.attributes import (
    GENERATIONS,
    Attribute,
    Start,
    age_ranges,
    ages_for,
    beta_draw,
    generation_of,
    registry,
)
from sim.model.keyed import hire_uniforms
from sim.model.org import Org
from sim.scenario.parameters import Workforce

if TYPE_CHECKING:
    from sim.scenario.orgchart import OrgChart

__all__ = [
    "FEW_HIRES",
    "GENERATIONS",
    "Hiring",
    "Leavers",
    "People",
    "age_ranges",
    "ages_for",
    "apply_chart",
    "beta_draw",
    "generation_of",
    "hire_into",
    "initial_people",
    "vacate",
]

# Up to this many hires at once, `hire_into` fills them one at a time with Python numbers
# (the same values): below it, numpy's fixed cost per call is most of a hire's cost.
FEW_HIRES = 4


class People:
    """State of the people in every position; values at vacant positions are meaningless.

    An array per registered attribute (`people.digital`, `people.tenure`, ...; their names
    are `attributes`), and per position: `filled`; `person_id`; `vacant_since` (the week it
    fell vacant, -1 if filled); `occupant`, k, how many times the position has been filled
    (the initial occupant is 0): with the position it identifies a person across designs,
    whose traits are drawn keyed by (position, k), and an agent is bound to it.
    """

    def __init__(
        self,
        values: Mapping[str, np.ndarray],
        filled: np.ndarray,
        person_id: np.ndarray,
        vacant_since: np.ndarray,
        occupant: np.ndarray,
        next_person_id: int,
    ) -> None:
        self.filled = filled
        self.person_id = person_id
        self.vacant_since = vacant_since
        self.occupant = occupant
        self.next_person_id = next_person_id
        self.attributes: tuple[str, ...] = tuple(values)
        for name, array in values.items():
            setattr(self, name, array)

    # Attribute arrays are set per instance from the registry's names.
    def __getattr__(self, name: str) -> np.ndarray:
        # Only for names that are not set: copy and pickle ask for dunders before __init__.
        if name.startswith("__"):
            raise AttributeError(name)
        known = self.__dict__.get("attributes", ())
        raise AttributeError(f"People has no array {name!r} (registered attributes: {known})")

    @property
    def size(self) -> int:
        """Number of positions."""
        return len(self.filled)

    def arrays(self) -> dict[str, np.ndarray]:
        """Every per-position array by name: the bookkeeping, then the attributes."""
        own = ("filled", "person_id", "vacant_since", "occupant")
        return {name: getattr(self, name) for name in (*own, *self.attributes)}

    def replace(self, **arrays: np.ndarray) -> People:
        """A new People with the given arrays instead (the others shared, not copied)."""
        values = {name: getattr(self, name) for name in self.attributes}
        own = {k: getattr(self, k) for k in ("filled", "person_id", "vacant_since", "occupant")}
        for name, array in arrays.items():
            (own if name in own else values)[name] = array
        return People(values, **own, next_person_id=self.next_person_id)


def initial_people(org: Org, wf: Workforce, year: int, rng: np.random.Generator) -> People:
    """Every position filled with draws as docs/ODD.md section 5 describes.

    The registry's `initial` draws run in registry order (the org stream's sequence), then
    the `initial_from` values follow from them.
    """
    n = org.size
    start = Start(org, wf, year, rng, {})
    entries = registry()
    for entry in entries:
        if entry.initial is not None:
            start.values[entry.name] = np.asarray(entry.initial(start), dtype=entry.dtype)
    _follow(entries, start.values)
    return People(
        {e.name: start.values[e.name] for e in entries},
        filled=np.ones(n, dtype=bool),
        person_id=np.arange(n, dtype=np.int64),
        vacant_since=np.full(n, -1, dtype=np.int64),
        occupant=np.zeros(n, dtype=np.int64),
        next_person_id=n,
    )


def _follow(entries: tuple[Attribute, ...], values: dict[str, np.ndarray]) -> None:
    """The `initial_from` attributes, computed from the others (in place in `values`)."""
    for entry in entries:
        if entry.initial_from is not None:
            values[entry.name] = np.asarray(entry.initial_from(values), dtype=entry.dtype)


def apply_chart(people: People, chart: OrgChart, start: dt.date) -> None:
    """Overwrite drawn values with what an HR export knows (the registry's `chart` entries).

    Then the attributes that follow others at the start (`initial_from`) follow them again.
    """
    entries = registry()
    for entry in entries:
        if entry.chart is None:
            continue
        if isinstance(entry.chart, str):
            column = getattr(chart, entry.chart)
            known = ~np.isnan(column)
            values = column[known]
        else:
            known, values = entry.chart(chart, start)
        getattr(people, entry.name)[known] = values
    follows = {e.name: getattr(people, e.name) for e in entries}
    _follow(entries, follows)
    for entry in entries:
        if entry.initial_from is not None:
            getattr(people, entry.name)[:] = follows[entry.name]


# --- hires (docs/ODD.md section 7.5) --------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Hiring:
    """Hiring into one org: its workforce, its hiring stream's base key, the hiring table.

    Built once per model (its org and workforce are fixed); `table` is made on first use.
    """

    org: Org
    wf: Workforce
    key: int

    @cached_property
    def rules(self) -> tuple[tuple[str, Any, slice], ...]:
        """(name, hire rule, its columns of `table`) per registered attribute with a rule.

        Rules that read what the hire got for other attributes (`after`) come last.
        """
        rules, at = [], 0
        entries = [e for e in registry() if e.hire is not None]
        for entry in sorted(entries, key=lambda e: e.hire.after):
            rules.append((entry.name, entry.hire, slice(at, at + entry.hire.width)))
            at += entry.hire.width
        return tuple(rules)

    @cached_property
    def table(self) -> np.ndarray:
        """Per position (a row each), every rule's columns: what a hire there draws from.

        E.g. digital knowledge by role, the Beta shapes of e0 by role, the age range's low
        end and width by rank. A week's hires gather their rows in one call, where
        gathering each value by role or rank would take a call each (a few hires a week:
        the number of calls is the cost). Read-only.
        """
        columns = [c for _, rule, _ in self.rules for c in rule.columns(self.org, self.wf)]
        table = np.empty((self.org.size, len(columns)))
        for i, values in enumerate(columns):
            table[:, i] = values
        table.setflags(write=False)
        return table


def hire_into(people: People, hiring: Hiring, positions: np.ndarray, year: int) -> None:
    """Fill vacant `positions` with new hires (docs/ODD.md section 7.5).

    The k-th hire into a position draws its traits from uniforms keyed by (position, k) in
    the hiring stream, so it is the same person in every design on the seed, whichever
    week it is hired (its birth year follows from the hire's year).
    """
    n = len(positions)
    if n == 0:
        return
    if n <= FEW_HIRES:
        _hire_one_by_one(people, hiring, positions, year)
        return
    k = people.occupant[positions]
    k += 1
    people.occupant[positions] = k
    rows = hiring.table[positions]
    u = hire_uniforms(hiring.key, positions, k)
    hired: dict[str, Any] = {}
    for name, rule, cols in hiring.rules:
        hired[name] = value = rule.array(rows[:, cols], u, year, hiring.wf, hired)
        getattr(people, name)[positions] = value
    people.filled[positions] = True
    people.vacant_since[positions] = -1
    people.person_id[positions] = np.arange(people.next_person_id, people.next_person_id + n)
    people.next_person_id += n


def _hire_one_by_one(people: People, hiring: Hiring, positions: np.ndarray, year: int) -> None:
    """`hire_into` for a few hires, one at a time with Python numbers: the same values.

    A small org hires one or two people a week, and the array form's numpy calls cost more
    than the hires themselves. Each rule's `one` is the same operation on the same float64
    values as its `array` (IEEE arithmetic, the same `betaincinv`; floor and `bisect_right`
    as np.floor and searchsorted on whole numbers), which tests/test_keyed.py checks.
    """
    k = people.occupant[positions] + 1
    u = hire_uniforms(hiring.key, positions, k).tolist()
    table, wf = hiring.table, hiring.wf
    targets = [(getattr(people, name), rule.one, cols) for name, rule, cols in hiring.rules]
    names = [name for name, _, _ in hiring.rules]
    for i, (p, k_p) in enumerate(zip(positions.tolist(), k.tolist(), strict=True)):
        row = table[p].tolist()
        u_p = u[i]
        hired: dict[str, Any] = {}
        for name, (array, one, cols) in zip(names, targets, strict=True):
            hired[name] = array[p] = one(row[cols], u_p, year, wf, hired)
        people.occupant[p] = k_p
        people.filled[p] = True
        people.vacant_since[p] = -1
        people.person_id[p] = people.next_person_id
        people.next_person_id += 1


# --- leavers --------------------------------------------------------------------------------
class Leavers(NamedTuple):
    """A week's leavers: positions (ascending), generations when they left, tie-neighbours."""

    positions: np.ndarray
    generation: np.ndarray
    neighbours: np.ndarray  # every org-tie neighbour of each leaver (repeats kept)


def vacate(people: People, positions: np.ndarray, week: int) -> None:
    """Leavers' positions fall vacant this week; attributes with `on_leave` are reset."""
    people.filled[positions] = False
    people.vacant_since[positions] = week
    for entry in registry():
        if entry.on_leave is not None:
            getattr(people, entry.name)[positions] = entry.on_leave
