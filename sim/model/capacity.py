"""What a program can do in an organisation before anything runs: who can be paired, and how often.

`first_intake` replays a design's first intake on the organisation and people of a run's
week 0 (generated, or from an HR export), with the program's own enrolment and pairing code
and its random stream, tenure advanced to the intake's week; exits and hires of the warm-up
are not simulated, so the numbers are what to expect, not what a run will report. `sim
validate` prints them; `program_problems` turns a design that can pair no one, and an
organisation too small to hold a program, into one-line input errors.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.errors import Problem
from sim.model import enrolment
from sim.model.org import Org
from sim.model.people import People
from sim.model.program import Program, listed_mentees
from sim.scenario.calendar import WEEKS_PER_YEAR
from sim.scenario.design import PAIRING_RULES, ProgramDesign
from sim.scenario.parameters import Scenario

if TYPE_CHECKING:
    from sim.model.model import OrgCultureModel
    from sim.scenario.orgchart import OrgChart


@dataclass(frozen=True)
class Capacity:
    """A design's first intake in one organisation.

    Attributes:
        design: the design's name.
        week: the week of the first intake (the run's weeks are 1..`Scenario.weeks`).
        runs: False when that week is after the run's last week.
        eligible: seniors at the design's mentee levels.
        enrolled: the `coverage` share of them, rounded to the nearest person.
        mentor_pool: juniors with at least `min_mentor_tenure_weeks` of tenure that week.
        longest_tenure: the longest junior tenure that week, in weeks (-1 without juniors).
        pairs: pairs formed by the pairing rule (one mentor per mentee, never their report).
        pairs_if_random: when no pair forms under another rule, the pairs the random rule
            would form (None otherwise): tells the rule's fault from the org's.
        enrolled_levels: enrolled mentees per org level ({level: count}).
        eligible_levels: eligible seniors per org level ({level: count}).
        score_range: the lowest and highest `mentee_selection` score among the enrolled
            (None for random and listed, or no one enrolled)
        sessions_per_pair_year: sessions a pair holds in its first year, on average
            (scheduled sessions x commitment x the informal factor, ignoring early ends).
    """

    design: str
    week: int
    runs: bool
    eligible: int
    enrolled: int
    mentor_pool: int
    longest_tenure: int
    pairs: int
    sessions_per_pair_year: float
    pairs_if_random: int | None = None
    enrolled_levels: dict[int, int] = field(default_factory=dict)
    eligible_levels: dict[int, int] = field(default_factory=dict)
    score_range: tuple[int, int] | None = None

    @property
    def unpaired(self) -> int:
        """Enrolled mentees left without a mentor at the intake."""
        return self.enrolled - self.pairs


def sessions_per_pair_year(design: ProgramDesign) -> float:
    """Sessions a pair holds in its first year: cadence, duration, commitment, formality."""
    year = WEEKS_PER_YEAR
    weeks = year if design.duration_weeks is None else min(design.duration_weeks, year)
    scheduled = math.ceil(weeks / design.cadence_weeks)  # weeks 0, c, 2c, ... before the end
    return scheduled * design.attendance


def first_intake(
    scenario: Scenario,
    design: ProgramDesign,
    org: Org,
    people: People,
    key: int,
    listed: np.ndarray | None = None,
) -> Capacity:
    """Replay the design's first intake on week 0's people (tenure moved on to that week).

    Args:
        scenario: the scenario (its launch week and session settings).
        design: the program design.
        org: the organisation of the run.
        people: its people at week 0 (not changed).
        key: the base key of the run's keyed program draws (`OrgCultureModel.keys
            ["program"]`): the intake draws what the run's first intake draws.
        listed: the positions of the design's list of mentees (`mentee_selection` listed).
    """
    sessions, volunteers = scenario.dynamics.sessions, scenario.dynamics.volunteers
    depth = scenario.dynamics.engagement.chain_depth
    week = scenario.launch_week + design.start_week + 1  # `Program.first_week`
    # Tenure grows by one each week before the intake's (weeks 1..week-1).
    later = people.replace(tenure=people.tenure + max(week - 1, 0))

    def program(d: ProgramDesign) -> Program:
        return Program(
            d,
            org,
            later,
            scenario.launch_week,
            key,
            sessions,
            volunteers=volunteers,
            chain_depth=depth,
            listed=listed,
        )

    program_ = program(design)
    juniors = later.filled & ~org.is_senior
    eligible_at = np.flatnonzero(later.filled & program_.mentee_level_mask)
    pool = int(np.count_nonzero(juniors & (later.tenure >= design.min_mentor_tenure_weeks)))
    longest = int(later.tenure[juniors].max()) if juniors.any() else -1
    runs = week <= scenario.weeks
    pairs = 0
    pairs_if_random = None
    mentees = np.empty(0, dtype=np.int64)
    if runs:
        program_.open_intake(week)
        mentees = program_.intakes[0].mentees
        pairs = program_.pairs_formed
        if pairs == 0 and len(mentees) and design.pairing != "random":
            # Keyed draws: the same enrolment and volunteers, whatever was drawn before.
            again = program(design.with_changes(pairing="random"))
            again.open_intake(week)
            pairs_if_random = again.pairs_formed
    score = enrolment.scores(design.mentee_selection, org, depth)
    return Capacity(
        design=design.name,
        week=week,
        runs=runs,
        eligible=len(eligible_at),
        enrolled=(
            len(mentees)
            if runs
            else enrolment.intake_size(design.coverage, len(eligible_at), design.max_pairs)
        ),
        mentor_pool=pool,
        longest_tenure=longest,
        pairs=pairs,
        sessions_per_pair_year=sessions_per_pair_year(design),
        pairs_if_random=pairs_if_random,
        enrolled_levels=_by_level(org.level[mentees]),
        eligible_levels=_by_level(org.level[eligible_at]),
        score_range=(
            None
            if score is None or len(mentees) == 0
            else (int(score[mentees].min()), int(score[mentees].max()))
        ),
    )


def _by_level(levels: np.ndarray) -> dict[int, int]:
    """Counts per org level, levels ascending."""
    values, counts = np.unique(levels, return_counts=True)
    return {int(v): int(c) for v, c in zip(values, counts, strict=True)}


def too_small(seniors: int, juniors: int) -> str | None:
    """Why an organisation cannot hold a program (no manager or no report), or None.

    The text reads after "found" or a file's name: "1 person, 0 with reports: too small...".
    """
    if seniors > 0 and juniors > 0:
        return None
    people = seniors + juniors
    return (
        f"{people} {'person' if people == 1 else 'people'}, {seniors} with reports: too small "
        "to hold a program; allowed: at least one manager (a senior, who can be mentored) and "
        "one employee without reports (a junior, who can mentor)"
    )


def program_problems(
    scenario: Scenario,
    capacities: list[Capacity],
    org: Org,
    locate: Callable[..., str],
) -> list[Problem]:
    """One problem per design that pairs no one, under the key that stops it.

    Args:
        scenario: the scenario the designs belong to.
        capacities: `first_intake` of each design, in the scenario's order.
        org: the organisation they were computed on.
        locate: ``locate(key, design)`` -> where the key is written (from the loader).
    """
    problems = []
    designs = {d.name: d for d in scenario.designs}
    senior_levels = sorted({int(v) for v in org.level[org.is_senior]})
    for cap in capacities:
        if cap.pairs > 0:
            continue
        d = designs[cap.design]
        if not cap.runs:
            last = scenario.weeks - scenario.launch_week - 1
            problems.append(
                Problem(
                    locate("start_week", d.name),
                    f"found {d.start_week}: the first intake would be in week {cap.week}, after "
                    f"the run's last week {scenario.weeks}; allowed: at most {last} here, "
                    "or more years",
                )
            )
        elif cap.eligible == 0:
            levels = _levels_text(senior_levels)
            problems.append(
                Problem(
                    locate("mentee_levels", d.name),
                    f"found {_show_levels(d.mentee_levels)}: no senior at "
                    f"{'that level' if len(d.mentee_levels or ()) == 1 else 'those levels'} in "
                    f"this org (seniors are at levels {levels}); allowed: levels among "
                    f'{levels}, or "all", e.g. mentee_levels = [{senior_levels[0]}]',
                )
            )
        elif cap.enrolled == 0:
            need = math.ceil(50 / cap.eligible) / 100  # coverage x eligible rounds to 1
            problems.append(
                Problem(
                    locate("coverage", d.name),
                    f"found {d.coverage:g}: {d.coverage:g} of {cap.eligible} eligible seniors "
                    f"rounds to 0 mentees; allowed: at least {need:g} here (1 mentee)",
                )
            )
        elif cap.mentor_pool == 0:
            problems.append(
                Problem(
                    locate("min_mentor_tenure_weeks", d.name),
                    f"found {d.min_mentor_tenure_weeks}: no junior has that much tenure at the "
                    f"first intake (week {cap.week}; the longest: {cap.longest_tenure} weeks); "
                    f"allowed: at most {cap.longest_tenure} here",
                )
            )
        elif not cap.pairs_if_random:
            problems.append(
                Problem(
                    locate("mentee_levels", d.name),
                    f"found {_show_levels(d.mentee_levels)}: the mentees' only possible mentors "
                    f"({_people(cap.mentor_pool, 'junior')} in the pool) are their own reports or "
                    "their "
                    "reports' reports, and a mentor never is; allowed: levels whose seniors "
                    "have juniors outside their reporting line, e.g. add a level or use a "
                    "larger org",
                )
            )
        else:
            others = [r for r in PAIRING_RULES if r != d.pairing]
            problems.append(
                Problem(
                    locate("pairing", d.name),
                    f"found {d.pairing!r}: no enrolled mentee has an allowed mentor among the "
                    f"{cap.mentor_pool} in the pool under this rule; allowed: "
                    f"{', '.join(PAIRING_RULES)}, e.g. {others[0]}",
                )
            )
    return problems


def _people(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _show_levels(levels: tuple[int, ...] | None) -> str:
    return '"all"' if levels is None else f"[{', '.join(str(v) for v in levels)}]"


def _levels_text(levels: list[int]) -> str:
    if not levels:
        return "none"
    if levels == list(range(levels[0], levels[-1] + 1)) and len(levels) > 2:
        return f"{levels[0]} to {levels[-1]}"
    return ", ".join(str(v) for v in levels)


class ProgramCheck:
    """A loader check: the organisation can hold a program and every design pairs someone.

    Pass one to `load_scenario(..., checks=[check])`; afterwards it holds what it computed
    (the chart, the week-0 model of replicate 0, each design's `Capacity`) for printing.

    Example:
        >>> from sim.scenario.loading import load_scenario
        >>> check = ProgramCheck()
        >>> scenario = load_scenario("telecom", checks=[check])
        >>> check.capacities[0].pairs > 0
        True
    """

    def __init__(self) -> None:
        self.chart: OrgChart | None = None
        self.model: OrgCultureModel | None = None
        self.seed: int | None = None
        self.capacities: list[Capacity] = []

    def __call__(self, scenario: Scenario, locate: Callable[..., str]) -> list[Problem]:
        """The problems of a valid scenario that only its organisation shows."""
        from sim.model.model import OrgCultureModel
        from sim.scenario.orgchart import load_chart
        from sim.scenario.seeds import replicate_seeds

        chart = load_chart(scenario)
        if chart is not None:
            seniors = int(np.count_nonzero(chart.has_reports))
            why = too_small(seniors, len(chart) - seniors)
            if why:
                return [Problem(locate("org.chart"), f"{Path(chart.source).name} has {why}")]
        # Replicate 0's organisation and people: the first run of `sim run` (and `sim animate`).
        seed = replicate_seeds(scenario.seed, 1)[0]
        model = OrgCultureModel(scenario, None, seed, org_chart=chart)
        self.chart, self.model, self.seed = chart, model, seed
        self.capacities = [
            first_intake(
                scenario,
                d,
                model.org,
                model.people,
                model.keys["program"],
                listed_mentees(d, chart),
            )
            for d in scenario.designs
        ]
        return program_problems(scenario, self.capacities, model.org, locate)
