"""The live reverse-mentoring program: intakes, pairing, sessions, misses, re-matching.

`Program` holds a design's live state (docs/ODD.md section 7.1). Pairs are kept in
small numpy arrays (one row per pair ever formed); mentoring ties are also a networkx
graph of their own (`Program.ties`, made from the pair table when asked for), apart from
the org ties, so ending one never touches an org tie. Python loops run over pairs being
formed, never over the whole workforce.

Every random choice of the program is a keyed draw (`sim.model.keyed`): a uniform per
position keyed by (week, purpose, ...), never the next number of a generator. So no draw
depends on how many were drawn before it, and runs that differ only in a pathway switch
make exactly the same draws (docs/ODD.md section 4).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

from sim.errors import InputError, Problem
from sim.model import enrolment, keyed
from sim.model.dynamics import session_quality, transfer_in_sessions
from sim.model.org import Org
from sim.model.people import People
from sim.scenario.calendar import WEEKS_PER_YEAR
from sim.scenario.design import ProgramDesign
from sim.scenario.parameters import Pathways, SessionParams, VolunteerParams

if TYPE_CHECKING:
    from sim.scenario.orgchart import OrgChart

# A unit's start offset meaning "never starts" (the rest of a rollout's evaluation).
NEVER = np.iinfo(np.int64).max // 4

# Below this, a spread of engagement or digital knowledge among the eligible juniors is
# rounding error of identical values, not a spread: their z is 0.
_NO_SPREAD = 1e-12


@dataclass
class Intake:
    """One cohort of pairs that starts together and, with a duration, ends together."""

    number: int
    start: int
    end: int | None
    mentor_positions: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    mentor_ids: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    # Positions enrolled at the intake, ascending: the only ones that can wait for a mentor.
    mentees: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    retention: float = float("nan")

    def running(self, week: int) -> bool:
        """True while the intake's pairs may meet."""
        return week >= self.start and (self.end is None or week < self.end)


class PairTable:
    """Every pair ever formed: columns as growable numpy arrays."""

    COLUMNS = ("mentor", "mentee", "intake", "sessions", "misses", "formed", "ended")

    def __init__(self) -> None:
        self.n = 0
        self._cols = {c: np.zeros(16, dtype=np.int64) for c in self.COLUMNS}
        self.active = np.zeros(16, dtype=bool)

    def __getattr__(self, name: str) -> np.ndarray:
        cols = self.__dict__.get("_cols", {})
        if name in cols:
            return cols[name][: self.n]
        raise AttributeError(name)

    def add(self, mentors: np.ndarray, mentees: np.ndarray, intake: int, week: int) -> np.ndarray:
        """Append pairs; returns their row numbers."""
        k = len(mentors)
        while self.n + k > len(self.active):
            for c in self.COLUMNS:
                self._cols[c] = np.resize(self._cols[c], 2 * len(self._cols[c]))
            self.active = np.resize(self.active, 2 * len(self.active))
        rows = np.arange(self.n, self.n + k)
        self._cols["mentor"][rows] = mentors
        self._cols["mentee"][rows] = mentees
        self._cols["intake"][rows] = intake
        self._cols["sessions"][rows] = 0
        self._cols["misses"][rows] = 0
        self._cols["formed"][rows] = week
        self._cols["ended"][rows] = -1
        self.active[rows] = True
        self.n += k
        return rows

    def column(self, name: str) -> np.ndarray:
        """The full backing array of a column (writable)."""
        return self._cols[name]

    def active_rows(self) -> np.ndarray:
        """Row numbers of pairs still meeting."""
        return self.active[: self.n].nonzero()[0]


def greedy_match(
    mentees: np.ndarray, pool: np.ndarray, allowed: Callable[[int, int], bool]
) -> list[tuple[int, int]]:
    """Give each mentee, in order, the first unused mentor in `pool` order that is allowed.

    `allowed(s, i)` is asked about mentee position s and the mentor at index i of `pool`.
    """
    pool_list = pool.tolist()
    n = len(pool_list)
    used = [False] * n
    first_free = 0
    pairs = []
    for s in mentees.tolist():
        i = first_free
        while i < n:
            if not used[i] and allowed(s, i):
                used[i] = True
                pairs.append((pool_list[i], s))
                break
            i += 1
        while first_free < n and used[first_free]:
            first_free += 1
    return pairs


def match_mentors(
    mentees: np.ndarray,
    pool: np.ndarray,
    rule: str,
    org: Org,
    people: People,
    shuffle: Callable[[np.ndarray, int], np.ndarray],
) -> list[tuple[int, int]]:
    """Pair mentees with mentors from the pool by the pairing rule; returns (mentor, mentee).

    A mentor is never the mentee's direct or skip-level report; a mentee with no allowed
    mentor left is simply not in the result. `shuffle(positions, slot)` returns the
    positions in a random order (keyed draws of the slot `keyed.MENTEE_ORDER` or
    `keyed.MENTOR_ORDER`).
    """
    dept = org.department

    def not_a_report(order_j: np.ndarray) -> Callable[[int, int], bool]:
        # Plain lists of the pool's managers and skip-level managers: the matching loop
        # asks about them once per candidate pair.
        boss, skip = org.parent[order_j].tolist(), org.grandparent[order_j].tolist()
        return lambda s, i: boss[i] != s and skip[i] != s

    if rule == "skill_gap":
        # Largest gap first: the least digital mentees meet the most digital mentors.
        order_s = mentees[np.lexsort((mentees, people.digital[mentees]))]
        order_j = pool[np.lexsort((pool, -people.digital[pool]))]
        return greedy_match(order_s, order_j, not_a_report(order_j))
    order_s = shuffle(mentees, keyed.MENTEE_ORDER)
    order_j = shuffle(pool, keyed.MENTOR_ORDER)
    if rule == "random":
        return greedy_match(order_s, order_j, not_a_report(order_j))
    if rule == "cross_department":
        ok = not_a_report(order_j)
        dept_s, dept_j = dept.tolist(), dept[order_j].tolist()
        return greedy_match(order_s, order_j, lambda s, i: dept_s[s] != dept_j[i] and ok(s, i))
    if rule == "same_department":
        pairs = []
        for d in np.unique(dept[order_s]):
            in_d = order_j[dept[order_j] == d]
            pairs += greedy_match(order_s[dept[order_s] == d], in_d, not_a_report(in_d))
        return pairs
    raise ValueError(f"unknown pairing rule {rule!r}")


def listed_mentees(design: ProgramDesign | None, chart: OrgChart | None) -> np.ndarray | None:
    """The positions a `listed` design's `mentees_file` names in the chart, else None."""
    if design is None or design.mentee_selection != "listed" or chart is None:
        return None
    return chart.mentee_lists.get(design.mentees_file)


def standardised(x: np.ndarray) -> np.ndarray:
    """(x - mean) / sd over the values given (population sd); 0 where they do not differ."""
    mean = x.mean()
    sd = x.std()
    if not sd > _NO_SPREAD * max(1.0, abs(mean)):
        return np.zeros(len(x))
    return (x - mean) / sd


class Program:
    """A design's live state inside one model run."""

    def __init__(
        self,
        design: ProgramDesign,
        org: Org,
        people: People,
        launch_week: int,
        key: int,
        sessions: SessionParams,
        pathways: Pathways | None = None,
        volunteers: VolunteerParams | None = None,
        *,
        chain_depth: int = 3,
        listed: np.ndarray | None = None,
    ) -> None:
        """The program of `design` in `org`; `listed`: the positions of its list of mentees.

        `chain_depth` is the reach of `most_reports`; `listed` (from the chart's
        `mentees_file`) is needed for `mentee_selection = "listed"`.
        """
        self.design = design
        self.org = org
        self.people = people
        self.key = key  # the base key of the program's keyed draws
        self.sp = sessions
        self.pathways = Pathways() if pathways is None else pathways
        self.volunteers = VolunteerParams() if volunteers is None else volunteers
        self.first_week = launch_week + design.start_week + 1
        # A staggered rollout (`set_rollout`): per position its unit, per unit its start
        # week. None: every department starts at `first_week` (the default, draw for draw).
        self.unit_of: np.ndarray | None = None
        self.unit_start: np.ndarray | None = None
        self.pairs = PairTable()
        self.intakes: list[Intake] = []
        self.partner = np.full(org.size, -1, dtype=np.int64)
        self.pair_of = np.full(org.size, -1, dtype=np.int64)
        self.enrolled = np.full(org.size, -1, dtype=np.int64)
        self._ties: nx.Graph | None = None  # built on request from the pair table
        self._week = 0  # the week being stepped
        self.sessions_held = 0
        self.hours = 0.0
        self.pairs_formed = 0
        # Counts of pairs and waiting mentees, kept until a pair or an enrolment changes:
        # observation asks for them every week, and most weeks nothing changes.
        self._changes = 0
        self._counts: dict[str, tuple[object, int]] = {}
        if design.mentee_levels is None:
            self.mentee_level_mask = org.is_senior.copy()
        else:
            self.mentee_level_mask = org.is_senior & np.isin(org.level, design.mentee_levels)
        self.rank_key = enrolment.rank_key(design.mentee_selection, org, chain_depth)
        # For "listed": the listed people's ids at the start; a listed position filled by a
        # new hire is not the person listed.
        self.listed_person: np.ndarray | None = None
        if design.mentee_selection == "listed":
            if listed is None:
                raise InputError(
                    [
                        Problem(
                            f"designs.{design.name}.mentee_selection",
                            'found "listed", but no list of mentees was given; allowed: an '
                            "imported chart with mentees_file (pass org_chart=load_chart("
                            "scenario)), or another rule",
                        )
                    ]
                )
            self.mentee_level_mask = np.zeros(org.size, dtype=bool)
            self.mentee_level_mask[listed] = True
            self.mentee_level_mask &= org.is_senior
            self.listed_person = np.full(org.size, -1, dtype=np.int64)
            self.listed_person[listed] = people.person_id[listed]

    # --- schedule ---------------------------------------------------------------------
    def set_rollout(self, unit_of: np.ndarray, start_offset: np.ndarray) -> None:
        """Stagger the start: unit u starts `start_offset[u]` weeks after `first_week`.

        `unit_of` gives each position its unit (a department, or a team; 0..n-1) and
        `start_offset` one whole number of weeks per unit (`NEVER`: not in this run). Each
        unit then runs the design's schedule from its own start: an intake opens in a week
        any unit is due (`intake_every_weeks` counted from each unit's start) and enrols the
        eligible seniors of the units due that week; mentors come from the units started
        by then, so a unit that has not started holds no pair (docs/ODD.md section 7.1).
        Call before the earliest start it sets (a later call replaces the rollout: `sim
        plan` runs a replicate's plans from one shared run, each setting its own rollout at
        the week before the first start). A rollout with every offset 0 runs as the default.
        """
        unit_of = np.asarray(unit_of, dtype=np.int64)
        start = np.asarray(start_offset, dtype=np.int64)
        if unit_of.shape != (self.org.size,) or unit_of.min(initial=0) < 0:
            raise ValueError("unit_of needs one unit number (0 or more) per position")
        if start.ndim != 1 or len(start) <= unit_of.max(initial=0) or start.min(initial=0) < 0:
            raise ValueError("start_offset needs one offset (0 or more weeks) per unit")
        self.unit_of = unit_of
        self.unit_start = np.where(start >= NEVER, NEVER, self.first_week + start)

    def due_units(self, week: int) -> np.ndarray:
        """Per unit of a rollout: True if its schedule opens an intake this week."""
        assert self.unit_start is not None
        since = week - self.unit_start
        every = self.design.intake_every_weeks
        if every is None:
            return since == 0
        return (since >= 0) & (since % every == 0)

    def intake_starts(self, week: int) -> bool:
        """True if a new intake starts this week."""
        if self.unit_start is not None:
            return bool(self.due_units(week).any())
        if week < self.first_week:
            return False
        since = week - self.first_week
        every = self.design.intake_every_weeks
        return since == 0 if every is None else since % every == 0

    def _in_units(self, ok: np.ndarray, units: np.ndarray) -> np.ndarray:
        """`ok` kept only at positions of the units marked True (a rollout's filter)."""
        assert self.unit_of is not None
        return ok & units[self.unit_of]

    def session_due(self, intake: Intake, week: int) -> bool:
        """True if the intake has a scheduled session this week."""
        return intake.running(week) and (week - intake.start) % self.design.cadence_weeks == 0

    # --- the weekly sub-step -----------------------------------------------------------
    def step(self, week: int) -> None:
        """Form or re-match pairs that are due, then hold this week's sessions."""
        self._week = week  # a rollout's filters of who may be enrolled or mentor now
        for intake in self.intakes:
            if intake.end == week:
                self.close_intake(intake, week)
        if self.intake_starts(week):
            self.open_intake(week)
        due = [i for i in self.intakes if self.session_due(i, week)]
        if not due:
            return
        if self.design.rematch:
            for intake in due:
                self.form_pairs(self.waiting(intake), intake, week, keyed.REMATCH)
        rows = self.pairs.active_rows()
        intake_of = self.pairs.intake[rows]
        if len(due) == 1:
            rows = rows[intake_of == due[0].number]
        else:
            rows = rows[np.isin(intake_of, [i.number for i in due])]
        self.hold_sessions(rows, week)

    def waiting(self, intake: Intake) -> np.ndarray:
        """The intake's mentees still enrolled and without a mentor (ascending positions)."""
        m = intake.mentees
        return m[(self.enrolled[m] == intake.number) & (self.partner[m] < 0)]

    def eligible_mentees(self) -> np.ndarray:
        """Filled positions that may be enrolled now and are not (ascending)."""
        ok = self.people.filled & self.mentee_level_mask & (self.enrolled < 0)
        if self.listed_person is not None:
            ok &= self.people.person_id == self.listed_person
        if self.unit_start is not None:
            ok = self._in_units(ok, self.due_units(self._week))
        return np.flatnonzero(ok)

    def open_intake(self, week: int) -> None:
        """Enrol the `coverage` share of eligible seniors (at most `max_pairs`); pair them.

        Who: `mentee_selection` (`sim.model.enrolment`); at random, the smallest keyed
        uniforms (a uniform random subset); by a rule, the highest scores, ties by them.
        """
        d = self.design
        end = None if d.duration_weeks is None else week + d.duration_weeks
        intake = Intake(number=len(self.intakes), start=week, end=end)
        self.intakes.append(intake)
        eligible = self.eligible_mentees()
        n = enrolment.intake_size(d.coverage, len(eligible), d.max_pairs)
        u = self.uniforms(week, keyed.INTAKE, intake.number, keyed.ENROL, eligible)
        mentees = enrolment.choose(eligible, u, n, self.rank_key)
        self.enrolled[mentees] = intake.number
        self._changes += 1
        intake.mentees = mentees
        rows = self.form_pairs(mentees, intake, week, keyed.INTAKE)
        intake.mentor_positions = self.pairs.mentor[rows].copy()
        intake.mentor_ids = self.people.person_id[intake.mentor_positions].copy()

    def uniforms(self, week: int, purpose: int, *key: int | np.ndarray) -> np.ndarray:
        """The program's keyed uniforms for (week, purpose, *key), one per key element."""
        return keyed.keyed_uniforms(self.key, week, purpose, *key)

    def eligible_mentors(self) -> np.ndarray:
        """Juniors with enough tenure who are not in a pair (ascending positions)."""
        p = self.people
        ok = (
            p.filled
            & ~self.org.is_senior
            & (p.tenure >= self.design.min_mentor_tenure_weeks)
            & (self.partner < 0)
        )
        if self.unit_start is not None:
            ok = self._in_units(ok, self.unit_start <= self._week)
        return np.flatnonzero(ok)

    def mentor_pool(self, size: int, week: int, purpose: int, intake: int) -> np.ndarray:
        """Up to `size` eligible juniors chosen by the design's `mentor_selection`."""
        candidates = self.eligible_mentors()
        if self.design.mentor_selection == "volunteers":
            return self.volunteer_pool(candidates, size, week, purpose, intake)
        p = self.people
        key = -p.digital[candidates]
        if size < len(candidates):
            # Only those at least as digital as the size-th most digital can be chosen; the
            # full sort of the rest (ties by position) is unchanged by leaving them out.
            keep = key <= np.partition(key, size - 1)[size - 1]
            candidates, key = candidates[keep], key[keep]
        order = np.lexsort((candidates, key))
        return candidates[order[:size]]

    def volunteer_pool(
        self, candidates: np.ndarray, size: int, week: int, purpose: int, intake: int
    ) -> np.ndarray:
        """`size` volunteers drawn without replacement with weights w (docs/ODD.md 7.1).

        w = exp(s_eng z(engagement) + s_dig z(digital)), z standardised over the eligible
        juniors (0 where they do not differ). Exponential keys E / w with E = -log(u), u a
        keyed uniform per junior, and the `size` smallest keys chosen: a weighted draw
        without replacement (Efraimidis and Spirakis 2006), in the order of the draw.
        """
        if len(candidates) == 0 or size == 0:
            return candidates[:0]
        vp, p = self.volunteers, self.people
        log_w = vp.s_eng * standardised(p.engagement[candidates])
        log_w += vp.s_dig * standardised(p.digital[candidates])
        u = self.uniforms(week, purpose, intake, keyed.VOLUNTEER, candidates)
        draw_key = -np.log(u) * np.exp(-log_w)
        return keyed.order_by(candidates, draw_key)[:size]

    def form_pairs(
        self, mentees: np.ndarray, intake: Intake, week: int, purpose: int
    ) -> np.ndarray:
        """Pair the given mentees with mentors from the pool; returns the new pair rows.

        `purpose` (`keyed.INTAKE` or `keyed.REMATCH`) keys the draws of the mentor pool
        and of the matching order.
        """
        if len(mentees) == 0:
            return np.empty(0, dtype=np.int64)
        pool = self.mentor_pool(len(mentees), week, purpose, intake.number)

        def shuffle(positions: np.ndarray, slot: int) -> np.ndarray:
            if len(positions) < 2:
                # One order only (a re-matching of one mentee, most weeks). Keyed draws
                # advance no state, so leaving them undrawn changes no other draw.
                return positions
            u = self.uniforms(week, purpose, intake.number, slot, positions)
            return keyed.order_by(positions, u)

        rule = self.design.pairing
        matched = match_mentors(mentees, pool, rule, self.org, self.people, shuffle)
        if not matched:
            return np.empty(0, dtype=np.int64)
        mentors, chosen = (np.array(c, dtype=np.int64) for c in zip(*matched, strict=True))
        rows = self.pairs.add(mentors, chosen, intake.number, week)
        self.partner[mentors], self.partner[chosen] = chosen, mentors
        self._changes += 1
        self.pair_of[mentors] = self.pair_of[chosen] = rows
        self._ties = None
        self.pairs_formed += len(rows)
        return rows

    def hold_sessions(self, rows: np.ndarray, week: int) -> None:
        """Each scheduled pair meets with probability `attendance`; effects of held sessions.

        One keyed uniform per mentee and week decides (a mentee is in one pair at most).
        """
        if len(rows) == 0:
            return
        u = self.uniforms(week, keyed.ATTENDANCE, self.pairs.mentee[rows])
        held = u < self.design.attendance
        sessions, misses = self.pairs.column("sessions"), self.pairs.column("misses")
        met, missed = rows[held], rows[~held]
        sessions[met] += 1
        misses[met] = 0
        misses[missed] += 1
        if len(met):
            mentors, mentees = self.pairs.mentor[met], self.pairs.mentee[met]
            quality = session_quality(sessions[met].astype(float), self.design, self.sp)
            transfer_in_sessions(
                self.people, mentors, mentees, quality, self.design, self.sp, self.pathways
            )
            self.sessions_held += len(met)
            self.hours += len(met) * self.design.session_hours
        self.end_pairs(missed[misses[missed] >= self.design.max_missed], week)

    # --- endings ---------------------------------------------------------------------
    def end_pairs(self, rows: np.ndarray, week: int) -> None:
        """End these pairs; the people stay (the mentee stays enrolled for re-matching)."""
        if len(rows) == 0:
            return
        mentors, mentees = self.pairs.mentor[rows], self.pairs.mentee[rows]
        self.pairs.active[rows] = False
        self.pairs.column("ended")[rows] = week
        self.partner[mentors] = self.partner[mentees] = -1
        self._changes += 1
        self.pair_of[mentors] = self.pair_of[mentees] = -1
        self._ties = None

    def close_intake(self, intake: Intake, week: int) -> None:
        """The intake's duration is over: its pairs end and its mentees leave the program."""
        rows = self.pairs.active_rows()
        self.end_pairs(rows[self.pairs.intake[rows] == intake.number], week)
        self.enrolled[self.enrolled == intake.number] = -1
        self._changes += 1

    def people_left(self, leavers: np.ndarray, week: int) -> None:
        """Pairs with a leaver end; a leaving mentee's enrolment ends with them."""
        rows = self.pair_of[leavers]
        rows = rows[rows >= 0]
        if len(rows):
            self.end_pairs(np.unique(rows), week)
        # Most weeks' leavers were never enrolled: then nothing changed, and the counts the
        # weekly observation asks for stay valid (`_changes`).
        if len(leavers) and self.enrolled[leavers].max() >= 0:
            self.enrolled[leavers] = -1
            self._changes += 1

    # --- observation -----------------------------------------------------------------
    @property
    def ties(self) -> nx.Graph:
        """Mentoring ties as a networkx graph: an edge (mentor, mentee) per active pair.

        Edge attributes `intake` and `since` (the week the pair formed); nodes are everyone
        ever paired, in the order they were first paired. Made from the pair table when
        asked for and kept until a pair forms or ends: the weekly step never pays for it
        (at 300,000 employees the first week forms 50,000 pairs).
        """
        if self._ties is None:
            pt = self.pairs
            g = nx.Graph()
            g.add_nodes_from(np.column_stack([pt.mentor, pt.mentee]).ravel().tolist())
            rows = pt.active_rows()
            g.add_edges_from(
                (j, s, {"intake": k, "since": w})
                for j, s, k, w in zip(
                    pt.mentor[rows].tolist(),
                    pt.mentee[rows].tolist(),
                    pt.intake[rows].tolist(),
                    pt.formed[rows].tolist(),
                    strict=True,
                )
            )
            self._ties = g
        return self._ties

    @property
    def active_pairs(self) -> int:
        """Pairs currently meeting."""
        return self._count("active", self._changes, self._count_active)

    def _count_active(self) -> int:
        return int(np.count_nonzero(self.pairs.active[: self.pairs.n]))

    def _count(self, name: str, state: object, count: Callable[[], int]) -> int:
        """`count()`, or its value from the last call with the same `state`."""
        known = self._counts.get(name)
        if known is None or known[0] != state:
            known = (state, count())
            self._counts[name] = known
        return known[1]

    def unpaired_mentees(self, week: int) -> int:
        """Enrolled mentees of running intakes who have no mentor."""
        running = [i for i in self.intakes if i.running(week)]
        state = (self._changes, *[i.number for i in running])
        return self._count("unpaired", state, lambda: sum(len(self.waiting(i)) for i in running))

    def note_retention(self, week: int) -> None:
        """At 52 weeks after an intake began, record the share of its mentors still employed."""
        for intake in self.intakes:
            if week == intake.start + WEEKS_PER_YEAR and len(intake.mentor_positions):
                at = intake.mentor_positions
                # A vacant position keeps its leaver's id until refilled: check `filled` too.
                still = self.people.filled[at] & (self.people.person_id[at] == intake.mentor_ids)
                intake.retention = float(still.mean())
