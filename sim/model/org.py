"""The org graph: positions, levels, departments and org ties (docs/ODD.md sections 2 and 5).

An `Org` holds the fixed structure as per-position numpy arrays plus a scipy.sparse
adjacency of org ties, which the weekly submodels use. `OrgNetwork` is Mesa's `Network`
space over it, built straight from those arrays. The networkx graph (node attributes level,
role, department, manager; edge attribute kind) is built from the same arrays on request,
for `OrgNetwork.G` and for anyone who wants networkx's algorithms.
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from random import Random

import networkx as nx
import numpy as np
import scipy.sparse as sp
from mesa.discrete_space import Cell, Network
from mesa.discrete_space.discrete_space import DiscreteSpace

from sim.scenario.parameters import OrgSpec

TIE_KINDS = ("reports_to", "team", "informal")


@dataclass(frozen=True)
class Org:
    """The fixed structure of an organisation.

    Attributes:
        parent: each position's manager position, -1 for the root.
        level: depth from the root (0 = top).
        department: department code (0 = the root's own; 1.. = level-1 subtrees).
        edges: org ties as an (E, 2) array of position pairs (i < j), each listed once.
        edge_kind: index into TIE_KINDS for each edge (the strongest kind if several).
    """

    parent: np.ndarray
    level: np.ndarray
    department: np.ndarray
    edges: np.ndarray
    edge_kind: np.ndarray
    department_names: tuple[str, ...] = field(default=())

    @property
    def size(self) -> int:
        """Number of positions."""
        return len(self.parent)

    @cached_property
    def is_senior(self) -> np.ndarray:
        """True for positions with reports (Senior role), False for Junior positions."""
        reports = np.bincount(self.parent[self.parent >= 0], minlength=self.size)
        return reports > 0

    @cached_property
    def grandparent(self) -> np.ndarray:
        """Each position's manager's manager, -1 where there is none."""
        gp = np.full(self.size, -1, dtype=np.int64)
        has = self.parent >= 0
        gp[has] = self.parent[self.parent[has]]
        return gp

    @cached_property
    def n_departments(self) -> int:
        """Number of departments."""
        return int(self.department.max()) + 1

    @cached_property
    def adjacency(self) -> sp.csr_matrix:
        """Symmetric 0/1 adjacency of org ties (float64, CSR), for whole-array contagion."""
        n = self.size
        i, j = self.edges[:, 0], self.edges[:, 1]
        data = np.ones(2 * len(i))
        a = sp.csr_matrix((data, (np.r_[i, j], np.r_[j, i])), shape=(n, n))
        a.sum_duplicates()
        a.sort_indices()  # neighbour lists ascending, as networkx lists them
        return a

    @cached_property
    def senior_edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Directed (i, j) pairs of org ties between two Senior positions, both directions."""
        i, j = self.edges[:, 0], self.edges[:, 1]
        both = self.is_senior[i] & self.is_senior[j]
        i, j = i[both], j[both]
        return np.r_[i, j], np.r_[j, i]

    @cached_property
    def senior_positions(self) -> np.ndarray:
        """Positions with the Senior role, ascending."""
        return np.flatnonzero(self.is_senior)

    # Arrays kept per parameter value: a dict each, made on first use like the other
    # derived arrays (a frozen Org's cached_property writes its own instance __dict__).
    @cached_property
    def _by_role(self) -> dict[tuple[float, float], np.ndarray]:
        return {}

    @cached_property
    def _by_rank(self) -> dict[tuple[float, float, float, int], np.ndarray]:
        return {}

    @cached_property
    def _chain_above(self) -> dict[int, np.ndarray]:
        return {}

    @cached_property
    def _senior_chain_ranks(self) -> dict[int, np.ndarray]:
        return {}

    @cached_property
    def _slot_chain_ranks(self) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        return {}

    def by_role(self, junior: float, senior: float) -> np.ndarray:
        """Per position: `senior` at Senior positions, `junior` at Junior ones (kept, read-only)."""
        cache = self._by_role
        key = (junior, senior)
        if key not in cache:
            values = np.where(self.is_senior, senior, junior)
            values.setflags(write=False)
            cache[key] = values
        return cache[key]

    def by_rank(
        self, junior: float, manager: float, executive: float, executive_levels: int
    ) -> np.ndarray:
        """Per position: `executive`, `manager` or `junior` by rank (kept, read-only).

        `executive` at Senior positions above level `executive_levels`, `manager` at the other
        Senior positions, `junior` at Junior ones. The initial people's ages and the hiring
        table (`sim.model.attributes.age_ranges`) read their age ranges from these.
        """
        cache = self._by_rank
        key = (junior, manager, executive, executive_levels)
        if key not in cache:
            senior = self.is_senior
            top = senior & (self.level < executive_levels)
            values = np.where(top, executive, np.where(senior, manager, junior))
            values.setflags(write=False)
            cache[key] = values
        return cache[key]

    @cached_property
    def senior_block(self) -> slice | np.ndarray:
        """`senior_positions` as a slice when they are the first positions, else the array.

        A generated org numbers positions level by level, so its seniors are positions 0 to
        n_s - 1: reading them through a slice is a view (no gather) and writing is in place
        (no scatter). An imported chart may number them otherwise; then the index array.
        Either way the same elements in the same order, so the same numbers.
        """
        seniors = self.senior_positions
        n_s = len(seniors)
        first = n_s == 0 or (seniors[0] == 0 and seniors[-1] == n_s - 1)
        return slice(0, n_s) if first else seniors

    @cached_property
    def senior_ladder(self) -> tuple[np.ndarray, np.ndarray]:
        """(each senior's manager as a senior rank, the top's: their count; seniors + [-1]).

        Index both with senior ranks, with one sentinel rank past the top (read-only): the
        climb to the nearest filled manager (`sim.model.dynamics.nearest_filled_manager`).
        """
        seniors = self.senior_positions
        ladder = (self.manager_rank[seniors], np.append(seniors, -1))
        for a in ladder:
            a.setflags(write=False)
        return ladder

    @cached_property
    def junior_positions(self) -> np.ndarray:
        """Positions with the Junior role, ascending."""
        return np.flatnonzero(~self.is_senior)

    def chain_above(self, depth: int) -> np.ndarray:
        """The `depth` positions directly above each position: its manager, the manager's, ...

        Shape (positions, depth), column c the position c + 1 steps up the chain, -1 past
        the top (kept, read-only). Every one of them is a Senior position (it has a report
        below it). The readable form of the chains; the weekly climate reads them as
        `senior_chain_ranks` and `manager_rank`, fixed arrays, not a walk up the tree.
        """
        cache = self._chain_above
        if depth not in cache:
            chain = np.empty((self.size, depth), dtype=np.int64)
            up = self.parent
            for c in range(depth):
                chain[:, c] = up
                up = np.where(up >= 0, self.parent[np.maximum(up, 0)], -1)
            chain.setflags(write=False)
            cache[depth] = chain
        return cache[depth]

    def senior_chain_ranks(self, depth: int) -> np.ndarray:
        """For each senior, itself and the `depth` - 1 positions above it, as senior ranks.

        Shape (depth, seniors), row c the senior c steps up from the one in that column
        (row 0: itself), in the order of `senior_positions`; past the top, the number of
        seniors: the index of one sentinel appended to an array over the seniors (kept,
        read-only). A position's chain of `depth` is its manager's column: summing over
        the seniors' columns once and then reading each position's manager's sum gathers
        over the seniors `depth` times and over all positions once, not `depth` times.
        """
        cache = self._senior_chain_ranks
        if depth not in cache:
            past_top = len(self.senior_positions)
            up = self.senior_positions
            rows = []
            for _ in range(depth):
                rows.append(np.where(up >= 0, self.senior_rank[np.maximum(up, 0)], past_top))
                up = np.where(up >= 0, self.parent[np.maximum(up, 0)], -1)
            ranks = np.array(rows, dtype=np.int64)
            ranks.setflags(write=False)
            cache[depth] = ranks
        return cache[depth]

    def slot_chain_ranks(self, depth: int) -> np.ndarray:
        """Senior ranks of each climate slot's manager and the `depth` - 1 above it.

        Shape (depth, slots): `senior_chain_ranks(depth)` read at each slot's manager
        (`climate_slots`), the sentinel rank past the top where there is none. Kept for the
        chain ranks it was read from (a replaced chain array is read afresh).
        """
        ranks = self.senior_chain_ranks(depth)
        cache = self._slot_chain_ranks
        known = cache.get(depth)
        if known is None or known[0] is not ranks:
            n_s = len(self.senior_positions)
            past_top = np.full((depth, 1), n_s, dtype=ranks.dtype)
            by_slot = np.concatenate((ranks, past_top), axis=1)[:, self.climate_slots[1]]
            by_slot.setflags(write=False)
            known = cache[depth] = (ranks, by_slot)
        return known[1]

    @cached_property
    def manager_rank(self) -> np.ndarray:
        """Each position's manager as an index into `senior_positions`; the root: their count."""
        past_top = len(self.senior_positions)
        ranks = np.where(self.parent >= 0, self.senior_rank[np.maximum(self.parent, 0)], past_top)
        ranks.setflags(write=False)
        return ranks

    @cached_property
    def manager_or_self(self) -> np.ndarray:
        """Each position's manager; the root: itself (kept, read-only)."""
        values = np.where(self.parent >= 0, self.parent, self.positions)
        values.setflags(write=False)
        return values

    @cached_property
    def climate_slots(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Positions grouped by (manager, department): what the climate felt there depends on.

        Returns (slot of each position, manager rank of each slot as in `manager_rank`,
        department of each slot). Nearly every position shares its manager's department,
        so there are about as many slots as seniors: the weekly climate is computed once
        per slot and gathered to the positions once (kept, read-only).
        """
        n_dept = self.n_departments
        key = self.manager_rank * n_dept + self.department
        pairs, slot = np.unique(key, return_inverse=True)
        out = (slot.astype(np.int64), pairs // n_dept, pairs % n_dept)
        for a in out:
            a.setflags(write=False)
        return out

    @cached_property
    def senior_rank(self) -> np.ndarray:
        """Each position's index in `senior_positions` (-1 for Junior positions)."""
        rank = np.full(self.size, -1, dtype=np.int64)
        rank[self.senior_positions] = np.arange(len(self.senior_positions))
        return rank

    @cached_property
    def senior_edge_rank(self) -> np.ndarray:
        """For each tie of `senior_edges`, its first position's index in `senior_positions`."""
        return self.senior_rank[self.senior_edges[0]]

    @cached_property
    def senior_department(self) -> np.ndarray:
        """Department of each senior, in the order of `senior_positions`."""
        return self.department[self.senior_positions]

    @cached_property
    def informal_to_seniors(self) -> tuple[np.ndarray, np.ndarray]:
        """Informal ties from a Junior position to a Senior one: (junior, senior's rank).

        The rank indexes `senior_positions`. A tie that is also a reporting or team tie is
        kept as that kind (`build_org`), so it is not among these.
        """
        junior, other = self._informal_from_juniors
        to_senior = self.is_senior[other]
        return junior[to_senior], self.senior_rank[other[to_senior]]

    @cached_property
    def informal_junior_peers(self) -> tuple[np.ndarray, np.ndarray]:
        """Informal ties between two Junior positions, both directions: (junior, peer)."""
        junior, other = self._informal_from_juniors
        peer = ~self.is_senior[other]
        return junior[peer], other[peer]

    @cached_property
    def _informal_from_juniors(self) -> tuple[np.ndarray, np.ndarray]:
        # Every informal tie in both directions, kept where it starts at a Junior position,
        # sorted by that position (stable: each junior's ties keep the tie list's order).
        informal = (self.edge_kind == TIE_KINDS.index("informal")).nonzero()[0]
        first = self.edges[informal, 0].astype(np.int64)
        second = self.edges[informal, 1].astype(np.int64)
        src, dst = np.concatenate((first, second)), np.concatenate((second, first))
        keep = ~self.is_senior[src]
        src, dst = src[keep], dst[keep]
        order = stable_order(src)
        return src[order], dst[order]

    @cached_property
    def positions(self) -> np.ndarray:
        """0, 1, ..., size - 1."""
        return np.arange(self.size)

    @cached_property
    def neighbours(self) -> tuple[np.ndarray, np.ndarray]:
        """Org-tie neighbours as CSR arrays (indptr, indices), each list ascending.

        Contagion walks these lists for the few people who leave in a week instead of
        multiplying the whole adjacency; the Mesa space connects its cells from them.
        """
        a = self.adjacency
        return a.indptr.astype(np.int64), a.indices.astype(np.int64)

    def neighbours_of(self, positions: np.ndarray) -> np.ndarray:
        """Every org-tie neighbour of each given position, concatenated (repeats kept)."""
        return _gather_ranges(*self.neighbours, positions)

    def to_networkx(self) -> nx.Graph:
        """The org graph with node attributes level, role, department, manager and edge kind.

        A fresh graph on every call, built from plain Python lists with the cyclic garbage
        collector kept off its millions of dicts; still about 3 s at 300,000 positions
        (1.7 million ties), which is why the model itself never asks for it.
        """
        with gc_paused():
            g = nx.Graph()
            roles = np.where(self.is_senior, "Senior", "Junior").tolist()
            managers = [None if m < 0 else m for m in self.parent.tolist()]
            g.add_nodes_from(
                (p, {"level": lv, "role": r, "department": d, "manager": m})
                for p, (lv, r, d, m) in enumerate(
                    zip(self.level.tolist(), roles, self.department.tolist(), managers, strict=True)
                )
            )
            kinds = [TIE_KINDS[k] for k in self.edge_kind.tolist()]
            g.add_edges_from(
                (a, b, {"kind": k})
                for a, b, k in zip(
                    self.edges[:, 0].tolist(), self.edges[:, 1].tolist(), kinds, strict=True
                )
            )
        return g


# Where a Mesa `Cell` keeps its connections (a slot); `OrgCell` fills it when first read.
_CONNECTIONS = Cell.__dict__["connections"]


class OrgCell(Cell):
    """A Mesa `Cell` whose connections are made from the org's neighbour lists when first read.

    Reading and writing `connections` (Mesa's neighbourhoods, `connect`, pickling) works as
    on any cell. The model never reads them (its submodels use the org's arrays), and making
    every cell's dict up front cost about 8 s and 0.6 GB at a million positions.
    """

    __slots__ = ("_network",)

    def __init__(
        self,
        coordinate: int,
        network: OrgNetwork,
        capacity: int | None = None,
        random: Random | None = None,
    ) -> None:
        """A cell of `network` at `coordinate` (a position), its connections not yet made."""
        super().__init__(coordinate, capacity=capacity, random=random)
        self._network = network
        _CONNECTIONS.__set__(self, None)

    @property
    def connections(self) -> dict[int, Cell]:
        """Neighbouring cells by position: the org-tie neighbours, in ascending order."""
        conns = _CONNECTIONS.__get__(self, Cell)
        if conns is None:
            conns = self._network.connections_of(self.coordinate)
            _CONNECTIONS.__set__(self, conns)
        return conns

    @connections.setter
    def connections(self, value: dict[int, Cell]) -> None:
        _CONNECTIONS.__set__(self, value)


class OrgNetwork(Network):
    """Mesa's `Network` space over an org: one cell per position, connected along org ties.

    It has exactly the cells and connections of `Network(org.to_networkx(), capacity=1,
    layout=None)` -- cell coordinate = position, each cell connected to its org-tie
    neighbours in ascending order, no physical positions -- but is built from the Org's
    sparse adjacency: no networkx graph is made, and each cell's connections are made from
    the neighbour lists when first read (`OrgCell`) instead of one `Cell.connect` (which
    clears Mesa's neighbourhood cache) per direction of each of about 5.5 ties per person.
    The networkx graph `G` is built on first access (`Org.to_networkx()`); the model itself
    never needs it, and at 300,000 positions it would cost seconds and hundreds of MB.
    """

    def __init__(self, org: Org, capacity: int | None = 1, random: Random | None = None):
        """Cells for every position of `org`, each holding up to `capacity` agents."""
        DiscreteSpace.__init__(self, capacity=capacity, cell_klass=OrgCell, random=random)
        self.org = org
        self._graph: nx.Graph | None = None
        self._kdtree_cells: list[Cell] = []
        self._kdtree = None
        with gc_paused():
            self._cells = {
                p: OrgCell(p, self, capacity=capacity, random=self.random) for p in range(org.size)
            }

    # Called (once) before the cells are first read: the model makes its agents then.
    before_read: Callable[[], None] | None = None

    @property
    def _cells(self) -> dict[int, Cell]:
        """Mesa's cells by coordinate; every read of the space passes here (`before_read`)."""
        if self.before_read is not None:
            hook, self.before_read = self.before_read, None
            hook()
        return self.cell_map

    @_cells.setter
    def _cells(self, cells: dict[int, Cell]) -> None:
        self.cell_map = cells

    def connections_of(self, position: int) -> dict[int, Cell]:
        """A new dict of the cells tied to `position`, by position (ascending)."""
        indptr, indices = self.org.neighbours
        cells = self.cell_map
        return {q: cells[q] for q in indices[indptr[position] : indptr[position + 1]].tolist()}

    @property
    def G(self) -> nx.Graph:  # noqa: N802 - Mesa's name
        """The org graph as networkx (built on first access, then kept)."""
        if self._graph is None:
            self._graph = self.org.to_networkx()
        return self._graph

    @G.setter
    def G(self, graph: nx.Graph) -> None:  # noqa: N802 - Mesa's name
        self._graph = graph


@contextmanager
def gc_paused() -> Iterator[None]:
    """Build many long-lived objects without CPython's cyclic collector walking them.

    A build creates a model's cells, agents and dicts: hundreds of thousands at enterprise
    scale, all living as long as the model and none of them garbage. With the collector
    running, each of the many young-generation collections during the build would walk
    them, and the first ones after it would walk them all again (about 1 s at 100,000
    employees, and tens of ms at 10,000: a tenth of a year's run). So the young
    generations are emptied first (cheap: they are small), the collector is paused for the
    build, and the new objects are then moved straight to the oldest generation
    (`gc.freeze()` + `gc.unfreeze()`), where only the rare full collections look at them
    -- and still free them once the model is dropped. Reference counting works throughout.
    """
    was_enabled = gc.isenabled()
    if was_enabled:
        gc.collect(1)
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def stable_order(keys: np.ndarray) -> np.ndarray:
    """np.argsort(keys, kind="stable") for keys in 0 .. 2^32 - 1, by 16-bit radix passes.

    The same permutation (a stable sort has only one), in a pass or two of numpy's radix
    sort for 16-bit keys instead of a merge sort of 64-bit ones: about 8 times faster on
    the 30,000 informal ties of 10,000 positions, which are sorted on first use in a run.
    """
    order = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    high = keys >> 16
    if high.any():  # more than 65,536 positions: a second pass on the high bits
        order = order[np.argsort(high[order].astype(np.uint16), kind="stable")]
    return order


def _gather_ranges(indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """indices[indptr[r]:indptr[r + 1]] for each r in rows, concatenated, without a loop."""
    if len(rows) == 0:
        return np.empty(0, dtype=indices.dtype)
    starts = indptr[rows]
    counts = indptr[rows + 1] - starts
    ends = counts.cumsum()
    total = int(ends[-1]) if len(ends) else 0
    if total == 0:
        return np.empty(0, dtype=indices.dtype)
    # Element t of the result lies in range k: starts[k] + (t - ranges before k).
    offsets = (starts - ends + counts).repeat(counts)
    return indices[offsets + np.arange(total)]


def levels_from_parents(parent: np.ndarray) -> np.ndarray:
    """Depth of each position, given parents that come before their children."""
    level = np.zeros(len(parent), dtype=np.int64)
    has = parent >= 0
    # Parents precede children, so each pass fixes at least one more level of the tree.
    while True:
        new = np.where(has, level[np.maximum(parent, 0)] + 1, 0)
        if np.array_equal(new, level):
            return level
        level = new


def departments_from_parents(parent: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Department codes: 0 for the root, 1..k for each level-1 subtree in position order."""
    dept = np.zeros(len(parent), dtype=np.int64)
    top = np.flatnonzero(level == 1)
    dept[top] = np.arange(1, len(top) + 1)
    for lv in range(2, int(level.max()) + 1 if len(level) else 0):
        at = np.flatnonzero(level == lv)
        dept[at] = dept[parent[at]]
    return dept


def generate_parents(size: int, span: int, jitter: int, rng: np.random.Generator) -> np.ndarray:
    """A breadth-first tree: each manager in turn takes span +- jitter reports until `size`."""
    spans = span + rng.integers(-jitter, jitter + 1, size=size)
    spans = np.maximum(spans, 1)
    ends = np.cumsum(spans)
    children = np.arange(size - 1)
    parent = np.empty(size, dtype=np.int64)
    parent[0] = -1
    # Child c (0-based among non-roots) belongs to the first manager whose cumulative span
    # exceeds c.
    parent[1:] = np.searchsorted(ends, children, side="right")
    return parent


def team_ties(parent: np.ndarray, max_span: int) -> np.ndarray:
    """Pairs of positions with the same manager (children of a manager are contiguous)."""
    n = len(parent)
    pairs = []
    for offset in range(1, max_span):
        a = np.arange(1, n - offset)
        b = a + offset
        same = parent[a] == parent[b]
        pairs.append(np.column_stack([a[same], b[same]]))
    return np.concatenate(pairs) if pairs else np.empty((0, 2), dtype=np.int64)


def informal_ties(
    department: np.ndarray, per_person: int, within: float, rng: np.random.Generator
) -> np.ndarray:
    """Each person's informal ties: a share `within` inside the department, the rest anywhere."""
    n = len(department)
    if per_person == 0 or n < 2:
        return np.empty((0, 2), dtype=np.int64)
    order = np.argsort(department, kind="stable")
    counts = np.bincount(department)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    source = np.repeat(np.arange(n), per_person)
    inside = rng.random(len(source)) < within
    pick = rng.random(len(source))
    dept = department[source]
    target_inside = order[starts[dept] + (pick * counts[dept]).astype(np.int64)]
    target_anywhere = (pick * n).astype(np.int64)
    target = np.where(inside, target_inside, target_anywhere)
    keep = target != source
    return np.column_stack([source[keep], target[keep]])


INFORMAL = TIE_KINDS.index("informal")
SHUFFLE_ROUNDS = 20  # swap attempts per informal tie: enough to forget where ties were


def shuffle_informal_ties(org: Org, rng: np.random.Generator, rounds: int = SHUFFLE_ROUNDS) -> Org:
    """The org with its informal ties rewired at random, every position keeping its degree.

    The network ablation's null model (docs/ODD.md section 11): the same number of ties per
    person, with who is tied to whom (mostly inside the department) forgotten. Degree-
    preserving double-edge swaps, a round at a time over all informal ties: the ties are
    paired at random and each pair (a, b), (c, d) becomes (a, d), (c, b) or (a, c), (b, d).
    A swap is refused if it would make a self-tie, or a tie that exists already (of any
    kind: reporting and team ties stay as they are) or that another swap of the round
    makes. Every position therefore keeps its number of ties of each kind; the org's tree,
    levels and departments are unchanged. Whole-array work per round, no loop over people.

    Args:
        org: the organisation (its informal ties are those of kind "informal").
        rng: the run's own stream for this shuffle (drawn after people are drawn).
        rounds: swap attempts per tie.
    """
    informal = org.edge_kind == INFORMAL
    ties = org.edges[informal].astype(np.int64)
    m, n = len(ties), org.size
    if m < 2:
        return org
    fixed = org.edges[~informal].astype(np.int64)
    fixed_keys = fixed[:, 0] * n + fixed[:, 1]
    half = m // 2
    for _ in range(rounds):
        order = rng.permutation(m)
        one, two = order[:half], order[half : 2 * half]
        a, b = ties[one, 0], ties[one, 1]
        c, d = ties[two, 0], ties[two, 1]
        cross = rng.random(half) < 0.5
        # (a, b), (c, d) -> (a, d), (c, b), or crossed: (a, c), (b, d)
        p1, q1 = a, np.where(cross, c, d)
        p2, q2 = np.where(cross, b, c), np.where(cross, d, b)
        lo1, hi1 = np.minimum(p1, q1), np.maximum(p1, q1)
        lo2, hi2 = np.minimum(p2, q2), np.maximum(p2, q2)
        k1, k2 = lo1 * n + hi1, lo2 * n + hi2
        # Existing ties include the two being replaced: refusing those too only wastes a
        # swap (it would have rebuilt a tie that is there).
        taken = np.sort(np.concatenate([fixed_keys, ties[:, 0] * n + ties[:, 1]]))
        ok = (lo1 != hi1) & (lo2 != hi2) & (k1 != k2)
        ok &= ~_among(k1, taken) & ~_among(k2, taken)
        # A tie two swaps of this round would both make: refuse both swaps.
        made = np.sort(np.concatenate([k1[ok], k2[ok]]))
        twice = made[1:][made[1:] == made[:-1]]
        if len(twice):
            ok &= ~_among(k1, twice) & ~_among(k2, twice)
        ties[one[ok]] = np.column_stack([lo1[ok], hi1[ok]])
        ties[two[ok]] = np.column_stack([lo2[ok], hi2[ok]])
    edges = np.concatenate([fixed, ties])
    kind = np.concatenate([org.edge_kind[~informal], org.edge_kind[informal]])
    # In (i, j) order, as build_org lists them (every tie is distinct, so no ties to break).
    order = np.argsort(edges[:, 0] * n + edges[:, 1], kind="stable")
    return dataclasses.replace(org, edges=edges[order], edge_kind=kind[order])


def _among(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """Whether each key is in `sorted_keys` (ascending), by binary search.

    np.isin does the same, but its hash-based unique (numpy 2.5) took seconds per call on
    keys of the form i x n + j at 100,000 positions.
    """
    if len(sorted_keys) == 0:
        return np.zeros(len(keys), dtype=bool)
    at = np.minimum(sorted_keys.searchsorted(keys), len(sorted_keys) - 1)
    return sorted_keys[at] == keys


def build_org(
    parent: np.ndarray,
    spec: OrgSpec,
    rng: np.random.Generator,
    department: np.ndarray | None = None,
    department_names: tuple[str, ...] = (),
    informal: np.ndarray | None = None,
) -> Org:
    """The Org of a given tree, with team and informal ties drawn from `rng`.

    Args:
        parent: manager of each position, -1 for the root; parents precede children.
        spec: tie counts.
        rng: the org stream.
        department: department codes (default: the root and the level-1 subtrees).
        department_names: display names of departments, if known.
        informal: imported informal ties as (K, 2) positions, used instead of drawing
            them (nothing is drawn from `rng` then); a tie that is also a reporting or team
            tie keeps that kind.
    """
    level = levels_from_parents(parent)
    if department is None:
        department = departments_from_parents(parent, level)
    n = len(parent)
    reports = np.column_stack([np.arange(1, n), parent[1:]]) if n > 1 else np.empty((0, 2))
    max_span = int(np.bincount(parent[parent >= 0]).max()) if n > 1 else 1
    kinds = [
        (reports.astype(np.int64), 0),
        (team_ties(parent, max_span), 1),
        (
            informal_ties(department, spec.informal_ties, spec.informal_within_department, rng)
            if informal is None
            else np.asarray(informal, dtype=np.int64).reshape(-1, 2),
            2,
        ),
    ]
    pairs = np.concatenate([p for p, _ in kinds])
    kind = np.concatenate([np.full(len(p), k, dtype=np.int8) for p, k in kinds])
    pairs = np.sort(pairs, axis=1)
    # Keep each tie once, with its strongest kind (reports_to < team < informal in code order):
    # sorted by (i, j, kind) as one int64 key, stably -- lexsort's order, at a third of its
    # cost at a million positions -- then the first row of each (i, j).
    key = (pairs[:, 0] * n + pairs[:, 1]) * len(TIE_KINDS) + kind
    order = np.argsort(key, kind="stable")
    pairs, kind, tie = pairs[order], kind[order], key[order] // len(TIE_KINDS)
    first = np.ones(len(tie), dtype=bool)  # np.r_[True, ...] would be one too long with no ties
    first[1:] = tie[1:] != tie[:-1]
    return Org(
        parent=parent,
        level=level,
        department=department,
        edges=pairs[first],
        edge_kind=kind[first],
        department_names=department_names,
    )


def generate_org(spec: OrgSpec, rng: np.random.Generator) -> Org:
    """A generated organisation of `spec.size` positions (docs/ODD.md section 5)."""
    parent = generate_parents(spec.size, spec.span, spec.span_jitter, rng)
    return build_org(parent, spec, rng)
