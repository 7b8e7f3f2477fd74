"""The registry of per-person attributes: one `Attribute` entry says all but the dynamics.

Each entry names a per-person value and says its numpy dtype, which roles carry it, how the
first people draw it, what a hire gets, what a leaver's position is reset to, what an HR
chart sets, and where it is observed (role means in the weekly series; a column of the people
table and of the Mesa agent reporters). `People` keeps an array per entry, `Employee` a
`PersonState` per entry, observation and the DataCollector read the entries marked observed.
docs/ARCHITECTURE.md ("Add a per-person attribute") walks through adding one.

Order matters for bit-identical runs: entries with `initial` draw from the org stream in
registry order, so a new entry goes at the end (or draws nothing from that stream).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from scipy.special import betaincinv

from sim.model.keyed import HIRE_AGE, HIRE_E0, HIRE_OPENNESS, beta_parameters
from sim.model.org import Org
from sim.scenario.calendar import DAYS_PER_WEEK, WEEKS_PER_YEAR, WORKING_AGE
from sim.scenario.parameters import Workforce

if TYPE_CHECKING:
    from sim.scenario.orgchart import OrgChart

ROLES = ("Junior", "Senior")
GENERATIONS = ("Boomer", "Gen X", "Millennial", "Gen Z")
# First birth year of each generation after Boomers (Boomer <= 1964).
_GENERATION_STARTS = np.array([1965, 1981, 1997])
_GENERATION_START_YEARS = _GENERATION_STARTS.tolist()


def generation_of(birth_year: np.ndarray) -> np.ndarray:
    """Generation code (index into GENERATIONS) of each birth year."""
    return _GENERATION_STARTS.searchsorted(birth_year, side="right").astype(np.int8)


def beta_draw(mean: float, sd: float, size: int, rng: np.random.Generator) -> np.ndarray:
    """Beta draws with the given mean and standard deviation (sd capped to a valid Beta)."""
    a, b = beta_parameters(mean, sd)
    return rng.beta(a, b, size=size)


def age_ranges(org: Org, wf: Workforce) -> tuple[np.ndarray, np.ndarray]:
    """Each position's age range (low, high): juniors, managers, executives (`Org.by_rank`)."""
    levels = wf.executive_levels
    lo = org.by_rank(wf.junior_age[0], wf.manager_age[0], wf.executive_age[0], levels)
    hi = org.by_rank(wf.junior_age[1], wf.manager_age[1], wf.executive_age[1], levels)
    return lo, hi


def ages_for(org: Org, positions: np.ndarray, wf: Workforce, u: np.ndarray) -> np.ndarray:
    """Ages by role and level from uniforms `u`: juniors, managers, executives each in a range."""
    lo, hi = age_ranges(org, wf)
    lo, hi = lo[positions], hi[positions]
    return lo + u * (hi - lo)


# --- the first people (docs/ODD.md section 5) ---------------------------------------------
@dataclass
class Start:
    """What an `initial` draw reads: the org, the workforce, the start year, the org stream.

    Attributes:
        values: the attributes drawn so far, by name.
        age: the ages drawn for the birth years, which the initial tenure also follows.
    """

    org: Org
    wf: Workforce
    year: int
    rng: np.random.Generator
    values: dict[str, np.ndarray]
    age: np.ndarray | None = None

    def by_role(self, junior: Any, senior: Any) -> np.ndarray:
        """Per position: `senior` at Senior positions, `junior` at Junior ones."""
        return np.where(self.org.is_senior, senior, junior)

    def beta_by_role(self, junior_mean: float, senior_mean: float) -> np.ndarray:
        """A Beta draw per position for each role (juniors' first), kept by role."""
        n, sd = self.org.size, self.wf.sd
        junior = beta_draw(junior_mean, sd, n, self.rng)
        return self.by_role(junior, beta_draw(senior_mean, sd, n, self.rng))


def _zeros(s: Start) -> np.ndarray:
    return np.zeros(s.org.size)


def _initial_birth_year(s: Start) -> np.ndarray:
    s.age = ages_for(s.org, s.org.positions, s.wf, s.rng.random(s.org.size))
    return (s.year - np.floor(s.age)).astype(np.int64)


def _initial_tenure(s: Start) -> np.ndarray:
    assert s.age is not None, "tenure follows the ages drawn for birth_year"
    mean_tenure = s.by_role(s.wf.junior_tenure_years, s.wf.senior_tenure_years) * WEEKS_PER_YEAR
    tenure = np.round(s.rng.exponential(1.0, s.org.size) * mean_tenure)
    # Nobody has worked here since before the working age.
    return np.minimum(tenure, np.floor((s.age - WORKING_AGE) * WEEKS_PER_YEAR)).astype(np.int64)


# --- hires (docs/ODD.md section 7.5) --------------------------------------------------------
class HireRule:
    """What a hire gets: `array` for a week's hires at once, `one` for one hire, same values.

    A rule may keep `width` columns per position in the hiring table (`Hiring.table`, made
    by `columns`); `array` gets the hires' rows of them and `one` one hire's as a list. Both
    get the hires' keyed uniforms (`sim.model.keyed.hire_uniforms`), the year and the values
    given to the hires so far (`hired`, by name). `one` must compute each number with the
    same floating-point operations as `array` (tests/test_keyed.py checks they agree).
    """

    width: ClassVar[int] = 0
    after: ClassVar[bool] = False  # computed after every rule that is not (reads `hired`)

    def columns(self, org: Org, wf: Workforce) -> tuple[np.ndarray, ...]:
        """This rule's columns of the hiring table (per position), `width` of them."""
        return ()

    def array(self, cols: np.ndarray, u: np.ndarray, year: int, wf: Workforce, hired: dict) -> Any:
        """The values of a week's hires (an array, or one value for all)."""
        raise NotImplementedError

    def one(self, cols: list, u: list, year: int, wf: Workforce, hired: dict) -> Any:
        """The value of one hire, with Python numbers."""
        raise NotImplementedError


@dataclass(frozen=True)
class Fixed(HireRule):
    """Every hire gets the same value, read off the workforce."""

    of: Callable[[Workforce], Any]

    def array(self, cols, u, year, wf, hired):  # noqa: D102
        return self.of(wf)

    def one(self, cols, u, year, wf, hired):  # noqa: D102
        return self.of(wf)


@dataclass(frozen=True)
class ByRole(HireRule):
    """A hire gets its role's value, read off the workforce (a table column by role)."""

    junior: Callable[[Workforce], float]
    senior: Callable[[Workforce], float]
    width: ClassVar[int] = 1

    def columns(self, org, wf):  # noqa: D102
        return (np.where(org.is_senior, self.senior(wf), self.junior(wf)),)

    def array(self, cols, u, year, wf, hired):  # noqa: D102
        return cols[:, 0]

    def one(self, cols, u, year, wf, hired):  # noqa: D102
        return cols[0]


@dataclass(frozen=True)
class SameAs(HireRule):
    """A hire gets the value it got for another attribute."""

    name: str
    after: ClassVar[bool] = True

    def array(self, cols, u, year, wf, hired):  # noqa: D102
        return hired[self.name]

    def one(self, cols, u, year, wf, hired):  # noqa: D102
        return hired[self.name]


@dataclass(frozen=True)
class BetaByRole(HireRule):
    """A Beta draw by the inverse distribution function of keyed uniform `trait`.

    The table keeps the Beta shapes (a, b) per position (`beta_parameters`: the numbers
    `beta_from_uniforms` would compute per draw), so a hire costs one `betaincinv`.
    """

    trait: int
    junior: Callable[[Workforce], float]
    senior: Callable[[Workforce], float]
    width: ClassVar[int] = 2

    def columns(self, org, wf):  # noqa: D102
        a_junior, b_junior = beta_parameters(self.junior(wf), wf.sd)
        a_senior, b_senior = beta_parameters(self.senior(wf), wf.sd)
        senior = org.is_senior
        return np.where(senior, a_senior, a_junior), np.where(senior, b_senior, b_junior)

    def array(self, cols, u, year, wf, hired):  # noqa: D102
        return betaincinv(cols[:, 0], cols[:, 1], u[:, self.trait])

    def one(self, cols, u, year, wf, hired):  # noqa: D102
        return betaincinv(cols[0], cols[1], u[self.trait])


@dataclass(frozen=True)
class BirthYearDraw(HireRule):
    """Year - floor(age), the age as `ages_for` draws it: low end + u x width of the range."""

    trait: int
    width: ClassVar[int] = 2

    def columns(self, org, wf):  # noqa: D102
        lo, hi = age_ranges(org, wf)
        return lo, hi - lo  # the width in the ranges' own type, as `ages_for` computes it

    def array(self, cols, u, year, wf, hired):  # noqa: D102
        age = cols[:, 1] * u[:, self.trait]
        age += cols[:, 0]
        return (year - np.floor(age)).astype(np.int64)

    def one(self, cols, u, year, wf, hired):  # noqa: D102
        # floor as np.floor on a float64; the year minus a whole number is exact.
        return year - math.floor(cols[1] * u[self.trait] + cols[0])


@dataclass(frozen=True)
class GenerationOfHire(HireRule):
    """The generation of the birth year the hire got (bisect: as searchsorted, side right)."""

    after: ClassVar[bool] = True

    def array(self, cols, u, year, wf, hired):  # noqa: D102
        return generation_of(hired["birth_year"])

    def one(self, cols, u, year, wf, hired):  # noqa: D102
        return bisect.bisect_right(_GENERATION_START_YEARS, hired["birth_year"])


# --- an HR chart (sim.scenario.orgchart) ----------------------------------------------------
def chart_tenure(chart: OrgChart, start: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """Whole weeks from each known hire date to the start date (0 if hired later)."""
    hired = ~np.isnat(chart.hire_date)
    start_day = np.datetime64(start, "D")
    days = (start_day - chart.hire_date[hired]).astype("timedelta64[D]").astype(np.int64)
    weeks = days // DAYS_PER_WEEK
    return hired, np.maximum(weeks, 0)


@dataclass(frozen=True)
class Attribute:
    """One per-person attribute: a numpy array per position in `People`, an agent attribute.

    Attributes:
        name: the array's name in `People` and the agent attribute's name.
        dtype: the array's numpy dtype.
        initial: the first people's values: `initial(start)` draws them (from the org
            stream, in registry order); or `initial_from(values)` computes them from the
            drawn attributes afterwards (and again after an HR chart set those).
        hire: what a hire gets (`HireRule`); None: nothing at hire (the value is recomputed
            before anyone reads it).
        roles: the roles that carry it ("Junior", "Senior"): only their agents have it, and
            only their role means are observed.
        on_leave: what a leaver's position is reset to; None: left as it was (a vacant
            position's values are masked by `People.filled`).
        chart: what an HR chart sets: the name of an `OrgChart` column (NaN: unknown) or a
            function (chart, start date) -> (known positions mask, their values).
        series: observed under this name in the weekly series, as one mean per role that
            carries it (`{series}_junior`, `{series}_senior`); None: not in the series.
        reported: a column of the people table and of the Mesa agent reporters of
            ``agent_reporters=True``.
        labels: codes shown by name (on agents and in the people table); such an agent
            attribute is read-only.
    """

    name: str
    dtype: type
    initial: Callable[[Start], np.ndarray] | None = None
    initial_from: Callable[[Mapping[str, np.ndarray]], np.ndarray] | None = None
    hire: HireRule | None = None
    roles: tuple[str, ...] = ROLES
    on_leave: float | None = None
    chart: str | Callable[[OrgChart, dt.date], tuple[np.ndarray, np.ndarray]] | None = None
    series: str | None = None
    reported: bool = False
    labels: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if (self.initial is None) == (self.initial_from is None):
            raise ValueError(f"attribute {self.name!r}: give initial or initial_from, not both")
        if not self.name.isidentifier() or self.name in RESERVED:
            raise ValueError(f"attribute {self.name!r}: not a free Python name ({RESERVED})")
        if not self.roles or set(self.roles) - set(ROLES):
            raise ValueError(f"attribute {self.name!r}: roles among {ROLES}, not {self.roles}")


RESERVED = (
    "filled",
    "person_id",
    "vacant_since",
    "occupant",
    "next_person_id",
    "size",
    "attributes",
    "arrays",
    "replace",
    "position",
    "role",
    "level",
    "department",
    "manager",
    "mentoring_partner",
    "left_week",
    "model",
    "cell",
    "unique_id",
)
"""Names an attribute may not take: `People`'s own fields and methods, `Employee`'s."""

# The registry, in order. Reported entries come in the order of the people table's columns.
_ENTRIES: list[Attribute] = [
    Attribute(
        "generation",
        np.int8,
        initial_from=lambda v: generation_of(v["birth_year"]),
        hire=GenerationOfHire(),
        reported=True,
        labels=GENERATIONS,
    ),
    Attribute(
        "digital",
        np.float64,
        initial=lambda s: s.beta_by_role(s.wf.junior_digital, s.wf.senior_digital),
        hire=ByRole(lambda wf: wf.hire_junior_digital, lambda wf: wf.hire_senior_digital),
        chart="digital",
        series="digital",
        reported=True,
    ),
    Attribute(
        "business",
        np.float64,
        initial=lambda s: s.beta_by_role(s.wf.junior_business, s.wf.senior_business),
        hire=ByRole(lambda wf: wf.hire_junior_business, lambda wf: wf.hire_senior_business),
        series="business",
        reported=True,
    ),
    Attribute(
        "engagement",
        np.float64,
        initial_from=lambda v: v["e0"].copy(),
        hire=Fixed(lambda wf: wf.hire_engagement),
        series="engagement",
        reported=True,
    ),
    # The annual exit probability, recomputed from the others at the end of every week.
    Attribute("exit_risk", np.float64, initial=_zeros, series="exit_risk", reported=True),
    Attribute(
        "e0",
        np.float64,
        initial=lambda s: s.beta_by_role(s.wf.junior_e0, s.wf.senior_e0),
        hire=BetaByRole(HIRE_E0, lambda wf: wf.junior_e0, lambda wf: wf.senior_e0),
        chart="engagement",
    ),
    Attribute(
        "openness",
        np.float64,
        initial=lambda s: beta_draw(s.wf.openness, s.wf.sd, s.org.size, s.rng),
        hire=BetaByRole(HIRE_OPENNESS, lambda wf: wf.openness, lambda wf: wf.openness),
    ),
    Attribute(
        "birth_year",
        np.int64,
        initial=_initial_birth_year,
        hire=BirthYearDraw(HIRE_AGE),
        chart="birth_year",
    ),
    Attribute(
        "tenure",
        np.int64,
        initial=_initial_tenure,
        hire=Fixed(lambda wf: 0),
        chart=chart_tenure,
        reported=True,
    ),
    Attribute(
        "business_initial",
        np.float64,
        initial_from=lambda v: v["business"].copy(),
        hire=SameAs("business"),
    ),
    Attribute(
        "exposure",
        np.float64,
        initial_from=lambda v: v["digital"].copy(),
        hire=SameAs("digital"),
    ),
    # The decaying stocks of quality-weighted session hours (docs/ODD.md section 7.3): L of
    # a mentee (a senior), M of a mentor (a junior). 0 at a vacant position and for a hire;
    # observed as the program's signals (`sim.model.observe.PROGRAM_COLUMNS`).
    Attribute(
        "listening",
        np.float64,
        initial=_zeros,
        hire=Fixed(lambda wf: 0.0),
        roles=("Senior",),
        on_leave=0.0,
    ),
    Attribute(
        "voice",
        np.float64,
        initial=_zeros,
        hire=Fixed(lambda wf: 0.0),
        roles=("Junior",),
        on_leave=0.0,
    ),
]
_listeners: list[Callable[[], None]] = []


def registry() -> tuple[Attribute, ...]:
    """Every registered attribute, in registry order."""
    return tuple(_ENTRIES)


def attribute(name: str) -> Attribute:
    """The registered attribute called `name` (KeyError if there is none)."""
    for entry in _ENTRIES:
        if entry.name == name:
            return entry
    raise KeyError(name)


def register(entry: Attribute) -> None:
    """Add an attribute at the end of the registry (models built from now on have it)."""
    if any(e.name == entry.name for e in _ENTRIES):
        raise ValueError(f"attribute {entry.name!r} is registered already")
    _ENTRIES.append(entry)
    _changed()


def unregister(name: str) -> None:
    """Remove an attribute from the registry."""
    _ENTRIES.remove(attribute(name))
    _changed()


@contextmanager
def registered(entry: Attribute) -> Iterator[Attribute]:
    """The registry with `entry` added for the duration of a with-block (tests, experiments)."""
    register(entry)
    try:
        yield entry
    finally:
        unregister(entry.name)


def on_change(listener: Callable[[], None]) -> None:
    """Call `listener` now and after every change of the registry (the agent classes)."""
    _listeners.append(listener)
    listener()


def _changed() -> None:
    for listener in _listeners:
        listener()


def series_means() -> tuple[Attribute, ...]:
    """The attributes observed in the weekly series (as role means), in registry order."""
    return tuple(e for e in _ENTRIES if e.series is not None)


def reported() -> tuple[Attribute, ...]:
    """The attributes of the people table and the usual agent reporters, in registry order."""
    return tuple(e for e in _ENTRIES if e.reported)
