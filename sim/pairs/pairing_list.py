"""The real pairing list: a design's first intake on an HR export, by employee id (`sim pairs`).

`pairing_list` forms the first intake's pairs with the model's own program code
(`sim.model.program`: enrolment of a `coverage` share of the seniors at `mentee_levels`, the
mentor pool by `mentor_selection`, the pairing rule's `match_mentors`, never a direct or
skip-level report; docs/ODD.md section 7.1) and its keyed draws for the seed, on the export's
own values: tenure from ``hire_date`` on the intake's date, ``digital`` and ``engagement`` as
given. So on the same people, values and seed, the pairs are the pairs a run's first intake
forms. It never ranks people on simulated values: where a design needs a value the export lacks,
a ``volunteer`` column (yes/no) stands in for it where it can, and otherwise the export is
refused with the column to add.

This module sits in the sweeps layer because it uses the model's program (the scenario layer,
which reads the export, cannot) and writes a file (the model reads and writes none). The file
holds employee ids, and names only when asked for: the one exception to the rule that ids and
names never reach outputs (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import InputError, Problem, did_you_mean
from sim.model.capacity import too_small
from sim.model.keyed import INTAKE
from sim.model.model import random_streams
from sim.model.org import Org
from sim.model.people import People, initial_people
from sim.model.program import Program
from sim.scenario.design import PAIRING_RULES, ProgramDesign
from sim.scenario.orgchart.problems import line_list
from sim.scenario.orgchart.roster import ALLOWED_VOLUNTEER, Roster
from sim.scenario.parameters import Scenario, VolunteerParams

PRIVACY_NOTE = (
    "contains employee ids{names}: personal data, the one exception to the rule that ids and "
    "names never leave the simulation; share it only with the program's organisers"
)


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


@dataclass(frozen=True)
class _Plan:
    """What the export gives the program: tenure, who may mentor, the selection to use."""

    tenure: np.ndarray
    allowed: np.ndarray
    design: ProgramDesign
    volunteers: VolunteerParams
    selection: str
    notes: tuple[str, ...]


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
    design = _design(scenario, design_name)
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
    problems += _mentee_problems(roster, design, source)
    plan, plan_problems = _plan(roster, design, scenario.dynamics.volunteers, date, source)
    problems += plan_problems
    if problems:
        raise InputError(problems)
    return _pair(roster, scenario, design, plan, seed, date, with_names)


def _design(scenario: Scenario, name: str) -> ProgramDesign:
    """The named design of the scenario; a problem for baseline or an unknown name."""
    names = [d.name for d in scenario.designs]
    if name == "baseline":
        raise InputError(
            [
                Problem(
                    f"--design {name}",
                    f"the no-program baseline pairs no one; designs: {', '.join(names)}",
                )
            ]
        )
    for d in scenario.designs:
        if d.name == name:
            return d
    raise InputError(
        [
            Problem(
                f"--design {name}",
                f"no such design; designs: {', '.join(names)}{did_you_mean(name, names)}",
            )
        ]
    )


def mentee_mask(roster: Roster, design: ProgramDesign) -> np.ndarray:
    """Seniors (people with reports) at the design's mentee levels."""
    chart = roster.chart
    mask = chart.has_reports.copy()
    if design.mentee_levels is not None:
        mask &= np.isin(chart.level, design.mentee_levels)
    return mask


def _mentee_problems(roster: Roster, design: ProgramDesign, source: str) -> list[Problem]:
    """No senior at the mentee levels, or a coverage that enrols no one."""
    chart = roster.chart
    file = Path(roster.where).name
    eligible = int(np.count_nonzero(mentee_mask(roster, design)))
    key = f"{source}: designs.{design.name}"
    if eligible == 0:
        levels = sorted({int(v) for v in chart.level[chart.has_reports]})
        shown = ", ".join(str(v) for v in levels)
        found = ", ".join(str(v) for v in design.mentee_levels or ())
        return [
            Problem(
                f"{key}.mentee_levels",
                f"found [{found}]: no senior (employee with reports) at those levels in {file} "
                f'(seniors are at levels {shown}); allowed: levels among {shown}, or "all", '
                f"e.g. --set designs.{design.name}.mentee_levels=[{levels[0]}]",
            )
        ]
    if math.floor(design.coverage * eligible + 0.5) == 0:
        need = math.ceil(50 / eligible) / 100
        return [
            Problem(
                f"{key}.coverage",
                f"found {design.coverage:g}: {design.coverage:g} of {eligible} eligible seniors "
                f"in {file} rounds to 0 mentees; allowed: at least {need:g} here (1 mentee)",
            )
        ]
    return []


def tenure_weeks(hire_date: np.ndarray, date: dt.date) -> np.ndarray:
    """Whole weeks from each hire date to `date` (0 for a later or unknown hire date)."""
    weeks = np.zeros(len(hire_date), dtype=np.int64)
    known = ~np.isnat(hire_date)
    days = (np.datetime64(date, "D") - hire_date[known]).astype(np.int64)
    weeks[known] = np.maximum(days // 7, 0)
    return weeks


def _plan(  # noqa: C901, PLR0915 - temporary, until pairs splits it
    roster: Roster, design: ProgramDesign, vp: VolunteerParams, date: dt.date, source: str
) -> tuple[_Plan, list[Problem]]:
    """Tenure, who may mentor and the selection to use; a problem for each missing value."""
    chart, where, columns = roster.chart, roster.where, roster.columns
    juniors = ~chart.has_reports
    said = roster.volunteer
    notes: list[str] = []
    problems: list[Problem] = []
    if said is None:
        allowed = juniors.copy()
        who = "juniors who may mentor"
    else:
        allowed = juniors & said
        who = "volunteers (juniors with volunteer = yes)"
        senior_yes = int(np.count_nonzero(chart.has_reports & said))
        if senior_yes:
            notes.append(
                f"volunteer = yes on {senior_yes} seniors is ignored: seniors are mentees; the "
                "column marks the juniors who agreed to mentor"
            )
        if not allowed.any():
            problems.append(
                Problem(
                    where,
                    "volunteer: no junior (employee without reports) says yes; allowed: yes "
                    f"for each junior who agreed to mentor ({ALLOWED_VOLUNTEER}); mark them, or "
                    "remove the column to choose mentors by the design's mentor_selection "
                    f"({design.mentor_selection})",
                )
            )

    # Tenure on the intake's date, from the hire dates; volunteers without one on trust.
    need = design.min_mentor_tenure_weeks
    tenure = tenure_weeks(chart.hire_date, date)
    known = ~np.isnat(chart.hire_date)
    later = int(np.count_nonzero(allowed & known & (chart.hire_date > np.datetime64(date, "D"))))
    if later and need > 0:
        notes.append(
            f"{later} {who} were hired after {date} (hire_date): they count as 0 weeks' tenure"
        )
    blank = allowed & ~known
    if need > 0 and blank.any():
        lines = line_list(np.sort(roster.lines[blank]))
        tenure_key = f"designs.{design.name}.min_mentor_tenure_weeks"
        if said is not None:
            tenure[blank] = need
            if "hire_date" in columns:
                notes.append(
                    f"hire_date is empty for {int(blank.sum())} volunteers (lines {lines}): "
                    f"taken on trust to have the {need} weeks' tenure the design asks for"
                )
            else:
                notes.append(
                    "the export has no hire_date column: the volunteers are taken on trust to "
                    f"have the {need} weeks' tenure the design asks for ({tenure_key})"
                )
        elif "hire_date" not in columns:
            problems.append(
                Problem(
                    where,
                    f"hire_date: missing column; design {design.name!r} needs mentors with "
                    f"{need} weeks' tenure on {date} (min_mentor_tenure_weeks); allowed: a "
                    "hire_date column (YYYY-MM-DD) for the juniors who may mentor; add it, or "
                    "add a volunteer column (yes/no) marking the juniors who agreed to mentor "
                    f"and have the tenure, or set {tenure_key} = 0 in {source}",
                )
            )
        else:
            problems.append(
                Problem(
                    where,
                    f"hire_date: empty for {int(blank.sum())} of the {int(allowed.sum())} {who} "
                    f"(lines {lines}); allowed: a date YYYY-MM-DD for each, since design "
                    f"{design.name!r} needs {need} weeks' tenure on {date}; fill them in, or "
                    "add a volunteer column (yes/no) marking the juniors who agreed to mentor "
                    "and have the tenure",
                )
            )
    tenure_unknown = bool(problems)
    eligible = allowed & (tenure >= need)
    if allowed.any() and not tenure_unknown and not eligible.any():
        longest = int(tenure[allowed].max())
        problems.append(
            Problem(
                where,
                f"hire_date: none of the {int(allowed.sum())} {who} has {need} weeks' tenure "
                f"on {date} (the longest: {longest} weeks); allowed: "
                f"min_mentor_tenure_weeks at most {longest} here (--set designs."
                f"{design.name}.min_mentor_tenure_weeks={longest}), or a later --date",
            )
        )

    # The selection, and the values it ranks or weighs people on.
    selection = design.mentor_selection
    # Without tenure, every junior who may mentor could be ranked: all need the values.
    ranked = allowed if tenure_unknown else eligible
    used, used_vp = design, vp
    needs: dict[str, list[tuple[str, np.ndarray, list[str]]]] = {"digital": [], "engagement": []}
    add_volunteers = (
        "add a volunteer column (yes/no) to draw mentors at random among those who agreed"
    )
    if said is not None and (selection == "volunteers" or "digital" not in columns):
        # Who volunteered is known: a uniform draw among them (the weights model who
        # volunteers; docs/ODD.md section 7.1), or, without digital values, instead of the
        # most digital.
        used = design.with_changes(mentor_selection="volunteers")
        used_vp = VolunteerParams(s_eng=0.0, s_dig=0.0)
        label = "at random among the volunteers (volunteer = yes)"
        if selection == "most_digital":
            notes.append(
                "the export has no digital column: mentors are drawn at random among the "
                "volunteers, not the most digital (mentor_selection = most_digital)"
            )
    elif selection == "most_digital":
        label = "the most digital" + (" volunteers" if said is not None else " juniors")
        reason = 'takes the most digital juniors as mentors (mentor_selection = "most_digital")'
        needs["digital"].append((reason, ranked, [] if said is not None else [add_volunteers]))
    else:
        label = "volunteers drawn with weights from engagement and digital (no volunteer column)"
        notes.append(
            "no volunteer column: mentors are drawn as the model draws volunteers, weighted by "
            "the export's engagement and digital (dynamics.volunteers); they have not said yes "
            "yet: ask them, or add a volunteer column"
        )
        reason = (
            'draws volunteers with weights from {} (mentor_selection = "volunteers", '
            "dynamics.volunteers.{} = {:g})"
        )
        for column, key, weight in (
            ("engagement", "s_eng", vp.s_eng),
            ("digital", "s_dig", vp.s_dig),
        ):
            if weight > 0:
                alternatives = [
                    "add a volunteer column (yes/no) marking who volunteered",
                    f"set dynamics.volunteers.{key} = 0",
                ]
                needs[column].append((reason.format(column, key, weight), ranked, alternatives))
    if design.pairing == "skill_gap":
        others = ", ".join(r for r in PAIRING_RULES if r != "skill_gap")
        needs["digital"].append(
            (
                'pairs by the largest digital gap (pairing = "skill_gap")',
                ranked | mentee_mask(roster, design),
                [f"choose another pairing rule ({others})"],
            )
        )
    for column, wanted in needs.items():
        if wanted:
            problem = _missing_values(roster, design, column, wanted)
            if problem:
                problems.append(problem)
    plan = _Plan(tenure, allowed, used, used_vp, label, tuple(notes))
    return plan, problems


def _missing_values(
    roster: Roster,
    design: ProgramDesign,
    column: str,
    wanted: list[tuple[str, np.ndarray, list[str]]],
) -> Problem | None:
    """One problem if the column is missing, or empty for someone the design ranks on it."""
    reasons = " and ".join(r for r, _, _ in wanted)
    # Only what settles every reason is offered (a volunteer column does not pair by gap).
    alternatives = [a for a in wanted[0][2] if all(a in alts for _, _, alts in wanted)]
    otherwise = "".join(", or " + a for a in alternatives)
    mask = np.logical_or.reduce([m for _, m, _ in wanted])
    n = int(mask.sum())
    if np.any(mask & roster.chart.has_reports):
        whom = f"{n} seniors at the mentee levels and juniors who may mentor"
    else:
        whom = f"{n} juniors who may mentor"
    if column not in roster.columns:
        return Problem(
            roster.where,
            f"{column}: missing column; design {design.name!r} {reasons}; allowed: a column "
            f"{column} with a number from 0 to 1 for each of the {whom}; add it{otherwise}",
        )
    blank = mask & np.isnan(getattr(roster.chart, column))
    if not blank.any():
        return None
    return Problem(
        roster.where,
        f"{column}: empty for {int(blank.sum())} of the {whom} (lines "
        f"{line_list(np.sort(roster.lines[blank]))}); design {design.name!r} {reasons}; "
        f"allowed: a number from 0 to 1 for each of them; fill them in{otherwise}",
    )


def _model_inputs(roster: Roster, scenario: Scenario, plan: _Plan, seed: int) -> tuple[Org, People]:
    """The model's org and people for the export: its own values, NaN where it has none.

    Only `filled`, `tenure`, `digital` and `engagement` are read by the program's pairing;
    the other arrays are filled by the model's initialisation and never read here.
    """
    chart = roster.chart
    org = Org(
        parent=chart.parent.copy(),
        level=chart.level.copy(),
        department=chart.department.copy(),
        edges=np.empty((0, 2), dtype=np.int64),
        edge_kind=np.empty(0, dtype=np.int8),
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
    plan: _Plan,
    seed: int,
    date: dt.date,
    with_names: bool,
) -> PairingList:
    """Form the first intake with the model's program; the rows of the pairing list."""
    org, people = _model_inputs(roster, scenario, plan, seed)
    key = random_streams(seed)[1]["program"]

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
    reasons = _reasons(unpaired, left, len(pool), len(mentees), org, design, roster)
    rows, header = _rows(roster, design, plan, mentors, paired, unpaired, reasons, with_names)
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
        eligible=int(np.count_nonzero(mentee_mask(roster, design))),
        enrolled=len(mentees),
        may_mentor=int(np.count_nonzero(plan.allowed)),
        eligible_mentors=eligible_mentors,
        pool=len(pool),
        pairs=len(paired),
        reasons=counts,
        notes=plan.notes,
    )


def _reasons(
    unpaired: np.ndarray,
    left: np.ndarray,
    pool: int,
    enrolled: int,
    org: Org,
    design: ProgramDesign,
    roster: Roster,
) -> dict[int, str]:
    """Why each unpaired mentee has no mentor, in words.

    A mentor still free at the end was free when the mentee's turn came (mentors are only
    taken), so every one of them is not allowed for the mentee: in their reporting line, or
    in the wrong department for the rule.
    """
    names = roster.chart.department_names
    reasons = {}
    for s in unpaired.tolist():
        if len(left) == 0:
            reasons[s] = (
                f"no mentor left: the pool had {pool} mentors for {enrolled} mentees, and every "
                "one is paired"
            )
            continue
        in_line = (org.parent[left] == s) | (org.grandparent[left] == s)
        if design.pairing == "same_department":
            wrong = org.department[left] != org.department[s]
            elsewhere = "outside the mentee's department (pairing = same_department)"
        elif design.pairing == "cross_department":
            wrong = org.department[left] == org.department[s]
            own = names[org.department[s]]
            elsewhere = f"in the mentee's own department, {own} (pairing = cross_department)"
        else:
            wrong = np.zeros(len(left), dtype=bool)
            elsewhere = ""
        line = in_line & ~wrong
        reporting = "in the mentee's reporting line (direct or skip-level reports)"
        k = len(left)
        if wrong.all() or line.all():
            noun = "the mentor left in the pool is" if k == 1 else f"the {k} mentors left are"
            reasons[s] = f"no allowed mentor left: {noun} {elsewhere if wrong.all() else reporting}"
        else:
            a, b = int(wrong.sum()), int(line.sum())
            reasons[s] = (
                f"no allowed mentor left: of the {k} mentors left in the pool, {a} "
                f"{_are(a)} {elsewhere} and {b} {_are(b)} {reporting}"
            )
    return reasons


def _are(n: int) -> str:
    return "is" if n == 1 else "are"


def _rows(
    roster: Roster,
    design: ProgramDesign,
    plan: _Plan,
    mentors: np.ndarray,
    paired: np.ndarray,
    unpaired: np.ndarray,
    reasons: dict[int, str],
    with_names: bool,
) -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]:
    """The file's rows: pairs by mentee position, then unpaired mentees by position."""
    chart, ids = roster.chart, roster.ids
    names = roster.names if with_names else None

    def person(p: int | None) -> list[str]:
        if p is None:
            return ["", "", ""] if names is None else ["", "", "", ""]
        cells = [ids[p]] + ([] if names is None else [names[p]])
        return cells + [chart.department_names[chart.department[p]], str(int(chart.level[p]))]

    order = np.argsort(paired, kind="stable")
    rows = []
    for j, s in zip(mentors[order].tolist(), paired[order].tolist(), strict=True):
        rows.append(("paired", *person(s), *person(j), design.pairing, plan.selection, ""))
    for s in unpaired.tolist():
        rows.append(
            ("unpaired", *person(s), *person(None), design.pairing, plan.selection, reasons[s])
        )
    name = ["name"] if names is not None else []
    header = (
        "status",
        *[f"mentee_{c}" for c in ["id", *name, "department", "level"]],
        *[f"mentor_{c}" for c in ["id", *name, "department", "level"]],
        "rule",
        "mentor_selection",
        "reason",
    )
    return tuple(rows), header


def check_out_file(out: Path, force: bool, export: Path) -> None:
    """Refuse a folder, the export itself, and an existing file unless `force`."""
    if out.is_dir():
        raise InputError([Problem(str(out), "is a folder; give a file name, e.g. pairs.csv")])
    folder = next((p for p in out.parents if p.exists()), None)
    if folder is not None and not folder.is_dir():
        raise InputError(
            [Problem(str(out), f"cannot be written: {folder} is a file, not a folder")]
        )
    if out.exists() and out.resolve() == export.resolve():
        raise InputError(
            [Problem(str(out), "is the HR export itself; choose another --out (never the input)")]
        )
    if out.exists() and not force:
        raise InputError(
            [
                Problem(
                    str(out), "already exists; choose another --out, or pass --force to replace it"
                )
            ]
        )


def write_pairing_list(pairing: PairingList, out: Path) -> None:
    """Write the list as CSV (UTF-8), readable by its owner only: complete or not at all.

    Rows go to a temporary file beside `out`, renamed into place once complete.

    Raises:
        InputError: the folder cannot be made or written to.
    """
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    except OSError as exc:
        raise InputError([Problem(str(out), f"cannot be written: {exc.strerror}")]) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(pairing.header)
            writer.writerows(pairing.rows)
        os.chmod(tmp, 0o600)  # personal data: the owner's to share
        os.replace(tmp, out)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InputError([Problem(str(out), f"cannot be written: {exc.strerror}")]) from None
        raise
