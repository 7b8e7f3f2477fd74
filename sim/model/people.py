"""Per-position state arrays of the people who hold the positions (docs/ODD.md section 2).

Everything a weekly submodel reads or writes about people lives in one `People` object as
numpy arrays indexed by position; a vacant position keeps stale values that are masked by
`filled`. Mesa agents read and write these arrays through properties (`sim.model.agents`).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy.special import betaincinv

from sim.model.keyed import (
    HIRE_AGE,
    HIRE_E0,
    HIRE_OPENNESS,
    beta_parameters,
    hire_uniforms,
)
from sim.model.org import Org
from sim.scenario.parameters import Workforce

GENERATIONS = ("Boomer", "Gen X", "Millennial", "Gen Z")
# First birth year of each generation after Boomers (Boomer <= 1964).
_GENERATION_STARTS = np.array([1965, 1981, 1997])
_GENERATION_START_YEARS = _GENERATION_STARTS.tolist()
# Up to this many hires at once, `hire_into` fills them one at a time with Python numbers
# (the same values): below it, numpy's fixed cost per call is most of a hire's cost.
FEW_HIRES = 4


def generation_of(birth_year: np.ndarray) -> np.ndarray:
    """Generation code (index into GENERATIONS) of each birth year."""
    return _GENERATION_STARTS.searchsorted(birth_year, side="right").astype(np.int8)


def beta_draw(mean: float, sd: float, size: int, rng: np.random.Generator) -> np.ndarray:
    """Beta draws with the given mean and standard deviation (sd capped to a valid Beta)."""
    a, b = beta_parameters(mean, sd)
    return rng.beta(a, b, size=size)


@dataclass
class People:
    """State of the people in every position; values at vacant positions are meaningless.

    Except `listening` and `voice`, the decaying stocks of quality-weighted session hours
    (L of a mentee, M of a mentor; docs/ODD.md section 7.3): they are 0 at a
    vacant position and a hire starts from 0. `occupant` is k, how many times the position
    has been filled (the initial occupant is 0): with the position it identifies a person
    across designs, whose traits are drawn keyed by (position, k).
    """

    filled: np.ndarray
    digital: np.ndarray
    business: np.ndarray
    business_initial: np.ndarray
    engagement: np.ndarray
    e0: np.ndarray
    exposure: np.ndarray
    openness: np.ndarray
    birth_year: np.ndarray
    generation: np.ndarray
    tenure: np.ndarray
    exit_risk: np.ndarray
    person_id: np.ndarray
    vacant_since: np.ndarray
    listening: np.ndarray
    voice: np.ndarray
    occupant: np.ndarray
    next_person_id: int

    @property
    def size(self) -> int:
        """Number of positions."""
        return len(self.filled)


def ages_for(org: Org, positions: np.ndarray, wf: Workforce, u: np.ndarray) -> np.ndarray:
    """Ages by role and level from uniforms `u`: juniors, managers, executives each in a range."""
    # Each position's range, kept per org (`Org.by_rank`): two gathers, not a choice per call.
    levels = wf.executive_levels
    lo = org.by_rank(wf.junior_age[0], wf.manager_age[0], wf.executive_age[0], levels)
    hi = org.by_rank(wf.junior_age[1], wf.manager_age[1], wf.executive_age[1], levels)
    lo, hi = lo[positions], hi[positions]
    return lo + u * (hi - lo)


def initial_people(org: Org, wf: Workforce, year: int, rng: np.random.Generator) -> People:
    """Every position filled with draws as docs/ODD.md section 5 describes."""
    n = org.size
    senior = org.is_senior
    by_role = lambda j, s: np.where(senior, s, j)  # noqa: E731 - tiny local helper
    sd = wf.sd
    digital = by_role(
        beta_draw(wf.junior_digital, sd, n, rng), beta_draw(wf.senior_digital, sd, n, rng)
    )
    business = by_role(
        beta_draw(wf.junior_business, sd, n, rng), beta_draw(wf.senior_business, sd, n, rng)
    )
    e0 = by_role(beta_draw(wf.junior_e0, sd, n, rng), beta_draw(wf.senior_e0, sd, n, rng))
    openness = beta_draw(wf.openness, sd, n, rng)
    age = ages_for(org, np.arange(n), wf, rng.random(n))
    mean_tenure = by_role(wf.junior_tenure_years, wf.senior_tenure_years) * 52
    tenure = np.round(rng.exponential(1.0, n) * mean_tenure)
    # Nobody has worked here since before they were 18.
    tenure = np.minimum(tenure, np.floor((age - 18) * 52)).astype(np.int64)
    birth_year = (year - np.floor(age)).astype(np.int64)
    return People(
        filled=np.ones(n, dtype=bool),
        digital=digital,
        business=business,
        business_initial=business.copy(),
        engagement=e0.copy(),
        e0=e0,
        exposure=digital.copy(),
        openness=openness,
        birth_year=birth_year,
        generation=generation_of(birth_year),
        tenure=tenure,
        exit_risk=np.zeros(n),
        person_id=np.arange(n, dtype=np.int64),
        vacant_since=np.full(n, -1, dtype=np.int64),
        listening=np.zeros(n),
        voice=np.zeros(n),
        occupant=np.zeros(n, dtype=np.int64),
        next_person_id=n,
    )


# Columns of `hire_table`: a hire's fixed values and the parameters of its draws.
_DIGITAL, _BUSINESS, _E0_A, _OPENNESS_A, _E0_B, _OPENNESS_B, _AGE_LO, _AGE_SPAN = range(8)
# The uniforms of e0 and openness are adjacent columns of `hire_uniforms`, as are their
# shapes here: one `betaincinv` call draws both.
assert (HIRE_E0, HIRE_OPENNESS) == (0, 1)


def hire_table(org: Org, wf: Workforce) -> np.ndarray:
    """Per position (a row each), what a hire there gets or draws from; kept per org and wf.

    Columns: digital and business knowledge by role; the Beta shapes (a, b) of e0 by role
    and of openness (`beta_parameters`: the numbers `beta_from_uniforms` computes per
    draw); the age range's low end and width by rank (`Org.by_rank`). A week's hires
    gather their rows in one call, where gathering each value by role or rank would take a
    call each (a few hires a week: the number of calls is the cost).
    """

    def make() -> np.ndarray:
        a_junior, b_junior = beta_parameters(wf.junior_e0, wf.sd)
        a_senior, b_senior = beta_parameters(wf.senior_e0, wf.sd)
        a_open, b_open = beta_parameters(wf.openness, wf.sd)
        levels = wf.executive_levels
        lo = org.by_rank(wf.junior_age[0], wf.manager_age[0], wf.executive_age[0], levels)
        hi = org.by_rank(wf.junior_age[1], wf.manager_age[1], wf.executive_age[1], levels)
        # By role with np.where, not `Org.by_role`, which would keep each column twice.
        senior = org.is_senior
        columns = {
            _DIGITAL: np.where(senior, wf.hire_senior_digital, wf.hire_junior_digital),
            _BUSINESS: np.where(senior, wf.hire_senior_business, wf.hire_junior_business),
            _E0_A: np.where(senior, a_senior, a_junior),
            _OPENNESS_A: a_open,
            _E0_B: np.where(senior, b_senior, b_junior),
            _OPENNESS_B: b_open,
            _AGE_LO: lo,
            _AGE_SPAN: hi - lo,  # in the ranges' own type, as `ages_for` computes it
        }
        table = np.empty((org.size, len(columns)))
        for column, values in columns.items():
            table[:, column] = values
        table.setflags(write=False)
        return table

    return org.kept_for(wf, "hire_table", make)


def hire_into(
    people: People,
    org: Org,
    positions: np.ndarray,
    wf: Workforce,
    year: int,
    key: int,
) -> None:
    """Fill vacant `positions` with new hires (docs/ODD.md section 7.5).

    The k-th hire into a position draws e0, openness and age from uniforms keyed by
    (position, k) in the hiring stream `key`, so it is the same person in every design on
    the seed, whichever week it is hired (its birth year follows from the hire's year).
    """
    n = len(positions)
    if n == 0:
        return
    table = hire_table(org, wf)
    if n <= FEW_HIRES:
        _hire_one_by_one(people, table, positions, wf, year, key)
        return
    k = people.occupant[positions]
    k += 1
    people.occupant[positions] = k
    row = table[positions]
    people.digital[positions] = people.exposure[positions] = row[:, _DIGITAL]
    people.business[positions] = people.business_initial[positions] = row[:, _BUSINESS]
    people.engagement[positions] = wf.hire_engagement
    u = hire_uniforms(key, positions, k)
    # e0 and openness: Beta draws by the inverse distribution function, in one call.
    beta = betaincinv(row[:, _E0_A:_E0_B], row[:, _E0_B:_AGE_LO], u[:, HIRE_E0:HIRE_AGE])
    people.e0[positions] = beta[:, 0]
    people.openness[positions] = beta[:, 1]
    # The age as `ages_for` draws it: low end + u x width of the position's range.
    age = row[:, _AGE_SPAN] * u[:, HIRE_AGE]
    age += row[:, _AGE_LO]
    birth_year = (year - np.floor(age)).astype(np.int64)
    people.birth_year[positions] = birth_year
    people.generation[positions] = generation_of(birth_year)
    people.tenure[positions] = 0
    people.filled[positions] = True
    people.vacant_since[positions] = -1
    # A hire's stocks start at 0 (they were zeroed when the position fell vacant).
    people.listening[positions] = 0.0
    people.voice[positions] = 0.0
    people.person_id[positions] = np.arange(people.next_person_id, people.next_person_id + n)
    people.next_person_id += n


def _hire_one_by_one(
    people: People, table: np.ndarray, positions: np.ndarray, wf: Workforce, year: int, key: int
) -> None:
    """`hire_into` for a few hires, one at a time with Python numbers: the same values.

    A small org hires one or two people a week, and the array form's three dozen numpy
    calls cost more than the hires themselves. Each number here is the same operation on
    the same float64 values as there (IEEE arithmetic, the same `betaincinv`; floor and
    `bisect_right` as np.floor and searchsorted on whole numbers), which
    tests/test_keyed.py checks against the array form.
    """
    k = people.occupant[positions] + 1
    u = hire_uniforms(key, positions, k).tolist()
    for i, (p, k_p) in enumerate(zip(positions.tolist(), k.tolist(), strict=True)):
        digital, business, a_e0, a_open, b_e0, b_open, lo, span = table[p].tolist()
        u_e0, u_open, u_age = u[i]
        people.occupant[p] = k_p
        people.digital[p] = people.exposure[p] = digital
        people.business[p] = people.business_initial[p] = business
        people.engagement[p] = wf.hire_engagement
        people.e0[p] = betaincinv(a_e0, b_e0, u_e0)
        people.openness[p] = betaincinv(a_open, b_open, u_open)
        birth_year = year - math.floor(span * u_age + lo)
        people.birth_year[p] = birth_year
        people.generation[p] = bisect.bisect_right(_GENERATION_START_YEARS, birth_year)
        people.tenure[p] = 0
        people.filled[p] = True
        people.vacant_since[p] = -1
        people.listening[p] = 0.0
        people.voice[p] = 0.0
        people.person_id[p] = people.next_person_id
        people.next_person_id += 1


class Leavers(NamedTuple):
    """A week's leavers: positions (ascending), generations when they left, tie-neighbours."""

    positions: np.ndarray
    generation: np.ndarray
    neighbours: np.ndarray  # every org-tie neighbour of each leaver (repeats kept)
