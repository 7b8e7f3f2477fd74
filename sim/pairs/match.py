"""The first intake's pairs, formed by the model's own `Program` on the export's people.

Enrolment, the mentor pool, the pairing rule and the keyed draws are the model's
(`sim.model.program`); only the mentors are limited to the juniors the export allows. So on
the same people, values and seed, the pairs are the pairs a run's first intake forms.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import InputError, Problem
from sim.model import enrolment
from sim.model.capacity import too_small
from sim.model.keyed import INTAKE
from sim.model.model import random_streams
from sim.model.org import INFORMAL, Org
from sim.model.people import People, initial_people
from sim.model.program import Program
from sim.pairs.plan import Plan, find_design, mentee_mask, mentee_problems, plan_intake
from sim.pairs.write import file_rows
from sim.scenario.design import ProgramDesign
from sim.scenario.orgchart.roster import Roster
from sim.scenario.orgchart.ties import load_mentee_list, load_ties
from sim.scenario.parameters import Scenario


class ExportProgram(Program):
    """The model's program, its mentors limited to the juniors the export allows.

    Everything else (enrolment, the mentor pool, the pairing rules, the keyed draws) is the
    model's `Program`.
    """

    def __init__(self, *args: object, allowed_mentors: np.ndarray, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.allowed_mentors = allowed_mentors

    def eligible_mentors(self) -> np.ndarray:
        """The model's eligible juniors who may mentor (volunteer = yes, with that column)."""
        eligible = super().eligible_mentors()
        return eligible[self.allowed_mentors[eligible]]


@dataclass(frozen=True)
class PairingList:
    """The first intake's pairs and unpaired mentees, a row each, with the numbers behind them.

    Attributes:
        header: the file's columns.
        rows: the file's rows, as text: pairs first, then unpaired mentees, each by position
            (top of the organisation first).
        design: the design's name.
        seed: the seed of the program's draws.
        date: the intake's date (tenure is counted to it).
        selection: how the mentors were chosen, in words.
        seniors, juniors: people with and without reports.
        eligible: seniors at the mentee levels.
        enrolled: the `coverage` share of them.
        may_mentor: juniors who may mentor (volunteer = yes, with that column).
        eligible_mentors: those with the tenure the design asks for.
        pool: the mentors chosen by the selection (one per mentee, at most).
        pairs: pairs formed.
        reasons: unpaired mentees by reason ("no mentor left", "no allowed mentor left").
        notes: what the user should know (values taken on trust, a rule changed, ...).
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...] = field(repr=False)  # ids: never in a log
    design: str
    seed: int
    date: dt.date
    selection: str
    seniors: int
    juniors: int
    eligible: int
    enrolled: int
    may_mentor: int
    eligible_mentors: int
    pool: int
    pairs: int
    reasons: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def unpaired(self) -> int:
        """Enrolled mentees left without a mentor."""
        return self.enrolled - self.pairs

    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame of text (empty cells as empty strings)."""
        return pd.DataFrame(list(self.rows), columns=list(self.header), dtype=str)


def pairing_list(
    roster: Roster,
    scenario: Scenario,
    design_name: str,
    seed: int,
    date: dt.date,
    *,
    with_names: bool = False,
    source: str | None = None,
) -> PairingList:
    """Propose the first intake's pairs of a design on an HR export.

    Args:
        roster: the export, with its ids (`sim.scenario.orgchart.roster.load_roster`).
        scenario: the scenario holding the design (its launch week keys the draws, its
            `dynamics.volunteers` weights volunteers).
        design_name: the design to follow.
        seed: a run's seed: the pairs are those of that run's first intake, on these people.
        date: the intake's date; tenure (from ``hire_date``) is counted to it.
        with_names: add mentor and mentee names (the export's ``name`` column).
        source: the scenario's file name, for messages (default: the scenario's name).

    Raises:
        InputError: one line per problem: no such design, a design that can pair no one here,
            a column the design needs and the export lacks (with what to add).
    """
    source = source or scenario.name
    design = find_design(scenario, design_name)
    chart = roster.chart
    seniors = int(np.count_nonzero(chart.has_reports))
    why = too_small(seniors, len(chart) - seniors)
    if why:
        raise InputError([Problem(roster.where, f"has {why}")])
    problems = []
    if with_names and roster.names is None:
        problems.append(
            Problem(
                roster.where,
                "name: missing column (asked for by --with-names); allowed: a column named "
                "name with each employee's name; add it, or leave out --with-names",
            )
        )
    files, file_problems = _named_files(roster, scenario, design, source)
    problems += file_problems
    if not file_problems:
        problems += mentee_problems(roster, design, source, files.listed)
    plan, plan_problems = plan_intake(roster, design, scenario.dynamics.volunteers, date, source)
    problems += plan_problems
    if problems:
        raise InputError(problems)
    return _pair(roster, scenario, design, plan, seed, date, with_names, files)


@dataclass(frozen=True)
class _Files:
    """What the scenario's files name in the export: informal ties, the listed mentees."""

    ties: np.ndarray | None = None
    listed: np.ndarray | None = None


def _named_files(
    roster: Roster, scenario: Scenario, design: ProgramDesign, source: str
) -> tuple[_Files, list[Problem]]:
    """The scenario's ties file and the design's list of mentees, read against the export."""
    file = Path(roster.where).name
    problems: list[Problem] = []
    ties = listed = None
    try:
        if scenario.org.ties_file is not None:
            ties = load_ties(
                scenario.org.ties_file, roster.ids, file, scenario.org.min_tie_weight
            ).pairs
        if design.mentee_selection == "listed" and design.mentees_file is not None:
            listed = load_mentee_list(
                design.mentees_file, roster.ids, roster.chart.has_reports, file
            )
    except InputError as err:
        problems += err.problems
    if design.mentee_selection == "most_connected" and scenario.org.ties_file is None:
        problems.append(
            Problem(
                f"{source}: designs.{design.name}.mentee_selection",
                'found "most_connected", but the scenario has no informal network of this '
                "export (org.ties_file); allowed: set org.ties_file to an edge list with "
                "from_id, to_id of the export's ids, or another rule (top_levels, most_reports)",
            )
        )
    return _Files(ties, listed), problems


def _model_inputs(
    roster: Roster, scenario: Scenario, plan: Plan, seed: int, ties: np.ndarray | None
) -> tuple[Org, People]:
    """The model's org and people for the export: its own values, NaN where it has none.

    Only `filled`, `tenure`, `digital` and `engagement` are read by the program's pairing;
    the other arrays are filled by the model's initialisation and never read here.
    """
    chart = roster.chart
    org = Org(
        parent=chart.parent.copy(),
        level=chart.level.copy(),
        department=chart.department.copy(),
        edges=np.empty((0, 2), dtype=np.int64) if ties is None else ties,
        edge_kind=np.full(0 if ties is None else len(ties), INFORMAL, dtype=np.int8),
        department_names=chart.department_names,
    )
    people = initial_people(
        org, scenario.workforce, scenario.start_date.year, np.random.default_rng(seed)
    )
    people.filled[:] = True
    people.tenure[:] = plan.tenure
    people.digital[:] = chart.digital
    people.engagement[:] = chart.engagement
    return org, people


def _pair(
    roster: Roster,
    scenario: Scenario,
    design: ProgramDesign,
    plan: Plan,
    seed: int,
    date: dt.date,
    with_names: bool,
    files: _Files,
) -> PairingList:
    """Form the first intake with the model's program; the rows of the pairing list."""
    org, people = _model_inputs(roster, scenario, plan, seed, files.ties)
    key = random_streams(seed)[1]["program"]
    depth = scenario.dynamics.engagement.chain_depth

    def program() -> ExportProgram:
        return ExportProgram(
            plan.design,
            org,
            people,
            scenario.launch_week,
            key,
            scenario.dynamics.sessions,
            scenario.dynamics.pathways,
            plan.volunteers,
            allowed_mentors=plan.allowed,
            chain_depth=depth,
            listed=files.listed,
        )

    formed = program()
    week = formed.first_week
    formed.open_intake(week)
    mentees = formed.intakes[0].mentees
    mentors, paired = formed.pairs.mentor.copy(), formed.pairs.mentee.copy()
    # The pool the pairing drew from: the same keyed draws on a fresh program.
    pool = program().mentor_pool(len(mentees), week, INTAKE, 0)
    unpaired = np.setdiff1d(mentees, paired)
    left = np.setdiff1d(pool, mentors)
    reasons = {
        s: _reason(s, left, len(pool), len(mentees), org, design, roster) for s in unpaired.tolist()
    }
    score = enrolment.scores(design.mentee_selection, org, depth)
    rows, header = file_rows(
        roster, design, plan, mentors, paired, unpaired, reasons, with_names, score
    )
    counts: dict[str, int] = {}
    for text in reasons.values():
        kind = text.split(":")[0]
        counts[kind] = counts.get(kind, 0) + 1
    eligible_mentors = int(
        np.count_nonzero(plan.allowed & (plan.tenure >= design.min_mentor_tenure_weeks))
    )
    return PairingList(
        header=header,
        rows=rows,
        design=design.name,
        seed=seed,
        date=date,
        selection=plan.selection,
        seniors=int(np.count_nonzero(org.is_senior)),
        juniors=int(np.count_nonzero(~org.is_senior)),
        eligible=int(np.count_nonzero(mentee_mask(roster, design, files.listed))),
        enrolled=len(mentees),
        may_mentor=int(np.count_nonzero(plan.allowed)),
        eligible_mentors=eligible_mentors,
        pool=len(pool),
        pairs=len(paired),
        reasons=counts,
        notes=plan.notes,
    )


def _reason(
    s: int,
    left: np.ndarray,
    pool: int,
    enrolled: int,
    org: Org,
    design: ProgramDesign,
    roster: Roster,
) -> str:
    """Why the unpaired mentee `s` has no mentor, in words.

    A mentor still free at the end was free when the mentee's turn came (mentors are only
    taken), so every one of them is not allowed for the mentee: in their reporting line, or
    in the wrong department for the rule.
    """
    if len(left) == 0:
        return (
            f"no mentor left: the pool had {pool} mentors for {enrolled} mentees, and every "
            "one is paired"
        )
    in_line = (org.parent[left] == s) | (org.grandparent[left] == s)
    wrong, elsewhere = _wrong_department(s, left, org, design, roster)
    line = in_line & ~wrong
    reporting = "in the mentee's reporting line (direct or skip-level reports)"
    k = len(left)
    if wrong.all() or line.all():
        noun = "the mentor left in the pool is" if k == 1 else f"the {k} mentors left are"
        return f"no allowed mentor left: {noun} {elsewhere if wrong.all() else reporting}"
    a, b = int(wrong.sum()), int(line.sum())
    return (
        f"no allowed mentor left: of the {k} mentors left in the pool, {a} "
        f"{_are(a)} {elsewhere} and {b} {_are(b)} {reporting}"
    )


def _wrong_department(
    s: int, left: np.ndarray, org: Org, design: ProgramDesign, roster: Roster
) -> tuple[np.ndarray, str]:
    """Which mentors left the pairing rule's department condition rules out, and why."""
    if design.pairing == "same_department":
        wrong = org.department[left] != org.department[s]
        return wrong, "outside the mentee's department (pairing = same_department)"
    if design.pairing == "cross_department":
        own = roster.chart.department_names[org.department[s]]
        wrong = org.department[left] == org.department[s]
        return wrong, f"in the mentee's own department, {own} (pairing = cross_department)"
    return np.zeros(len(left), dtype=bool), ""


def _are(n: int) -> str:
    return "is" if n == 1 else "are"
