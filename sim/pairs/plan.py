"""Who the first intake draws on: the design, its mentees, who may mentor, and on what values.

The plan reads the export's own values (tenure from ``hire_date`` on the intake's date,
``volunteer``, ``digital``, ``engagement``) and says what the design needs and the export
lacks, one `Problem` each, with the column to add or the setting to change.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from sim.errors import InputError, Problem, did_you_mean
from sim.scenario.calendar import DAYS_PER_WEEK
from sim.scenario.design import PAIRING_RULES, ProgramDesign
from sim.scenario.orgchart.problems import line_list
from sim.scenario.orgchart.roster import ALLOWED_VOLUNTEER, Roster
from sim.scenario.parameters import Scenario, VolunteerParams

_ADD_VOLUNTEERS = "add a volunteer column (yes/no) to draw mentors at random among those who agreed"


@dataclass(frozen=True)
class Plan:
    """What the export gives the program: tenure, who may mentor, the selection to use.

    Attributes:
        tenure: weeks' tenure of each person on the intake's date.
        allowed: who may mentor (juniors; with a volunteer column, those who said yes).
        design: the design to pair by (a uniform draw among volunteers where they are known).
        volunteers: the volunteer weights the program draws with.
        selection: how the mentors are chosen, in words.
        notes: what the user should know (values taken on trust, a rule changed, ...).
    """

    tenure: np.ndarray
    allowed: np.ndarray
    design: ProgramDesign
    volunteers: VolunteerParams
    selection: str
    notes: tuple[str, ...]


class _Need(NamedTuple):
    """A value the design ranks or weighs people on: why, on whom, and what else would do."""

    reason: str
    whom: np.ndarray
    alternatives: list[str]


def find_design(scenario: Scenario, name: str) -> ProgramDesign:
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


def mentee_mask(
    roster: Roster, design: ProgramDesign, listed: np.ndarray | None = None
) -> np.ndarray:
    """Seniors (people with reports) at the design's mentee levels, or those `listed`."""
    chart = roster.chart
    mask = chart.has_reports.copy()
    if listed is not None:
        chosen = np.zeros(len(mask), dtype=bool)
        chosen[listed] = True
        return mask & chosen
    if design.mentee_levels is not None:
        mask &= np.isin(chart.level, design.mentee_levels)
    return mask


def mentee_problems(
    roster: Roster, design: ProgramDesign, source: str, listed: np.ndarray | None = None
) -> list[Problem]:
    """No senior at the mentee levels, or a coverage that enrols no one."""
    chart = roster.chart
    file = Path(roster.where).name
    eligible = int(np.count_nonzero(mentee_mask(roster, design, listed)))
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
    if listed is not None:
        return []  # a list names seniors only, and at least one
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
    weeks[known] = np.maximum(days // DAYS_PER_WEEK, 0)
    return weeks


def plan_intake(
    roster: Roster, design: ProgramDesign, vp: VolunteerParams, date: dt.date, source: str
) -> tuple[Plan, list[Problem]]:
    """Tenure, who may mentor and the selection to use; a problem for each missing value."""
    allowed, who, notes, problems = _may_mentor(roster, design)
    tenure, tenure_notes, tenure_problems = _tenure(roster, design, allowed, who, date, source)
    notes += tenure_notes
    problems += tenure_problems
    eligible = allowed & (tenure >= design.min_mentor_tenure_weeks)
    if allowed.any() and not tenure_problems and not eligible.any():
        problems.append(_too_short_tenure(roster, design, tenure, allowed, who, date))
    # Without tenure, every junior who may mentor could be ranked: all need the values.
    ranked = allowed if tenure_problems else eligible
    used, used_vp, label, selection_notes, needs = _selection(roster, design, vp, ranked)
    notes += selection_notes
    if design.pairing == "skill_gap":
        others = ", ".join(r for r in PAIRING_RULES if r != "skill_gap")
        gap = 'pairs by the largest digital gap (pairing = "skill_gap")'
        whom = ranked | mentee_mask(roster, design)
        needs["digital"].append(_Need(gap, whom, [f"choose another pairing rule ({others})"]))
    for column, wanted in needs.items():
        problem = _missing_values(roster, design, column, wanted) if wanted else None
        if problem:
            problems.append(problem)
    return Plan(tenure, allowed, used, used_vp, label, tuple(notes)), problems


def _may_mentor(
    roster: Roster, design: ProgramDesign
) -> tuple[np.ndarray, str, list[str], list[Problem]]:
    """Who may mentor (juniors; with a volunteer column, those who said yes), and in words."""
    chart, said = roster.chart, roster.volunteer
    juniors = ~chart.has_reports
    if said is None:
        return juniors.copy(), "juniors who may mentor", [], []
    allowed = juniors & said
    notes, problems = [], []
    senior_yes = int(np.count_nonzero(chart.has_reports & said))
    if senior_yes:
        notes.append(
            f"volunteer = yes on {senior_yes} seniors is ignored: seniors are mentees; the "
            "column marks the juniors who agreed to mentor"
        )
    if not allowed.any():
        problems.append(
            Problem(
                roster.where,
                "volunteer: no junior (employee without reports) says yes; allowed: yes "
                f"for each junior who agreed to mentor ({ALLOWED_VOLUNTEER}); mark them, or "
                "remove the column to choose mentors by the design's mentor_selection "
                f"({design.mentor_selection})",
            )
        )
    return allowed, "volunteers (juniors with volunteer = yes)", notes, problems


def _tenure(
    roster: Roster,
    design: ProgramDesign,
    allowed: np.ndarray,
    who: str,
    date: dt.date,
    source: str,
) -> tuple[np.ndarray, list[str], list[Problem]]:
    """Tenure on the intake's date, from the hire dates; volunteers without one on trust."""
    chart, need = roster.chart, design.min_mentor_tenure_weeks
    tenure = tenure_weeks(chart.hire_date, date)
    known = ~np.isnat(chart.hire_date)
    notes: list[str] = []
    later = int(np.count_nonzero(allowed & known & (chart.hire_date > np.datetime64(date, "D"))))
    if later and need > 0:
        notes.append(
            f"{later} {who} were hired after {date} (hire_date): they count as 0 weeks' tenure"
        )
    blank = allowed & ~known
    if not (need > 0 and blank.any()):
        return tenure, notes, []
    if roster.volunteer is not None:
        tenure[blank] = need
        notes.append(_trusted_tenure(roster, design, blank))
        return tenure, notes, []
    return tenure, notes, [_unknown_tenure(roster, design, allowed, blank, who, date, source)]


def _trusted_tenure(roster: Roster, design: ProgramDesign, blank: np.ndarray) -> str:
    """The note for volunteers without a hire date: taken to have the tenure asked for."""
    need = design.min_mentor_tenure_weeks
    if "hire_date" in roster.columns:
        return (
            f"hire_date is empty for {int(blank.sum())} volunteers (lines "
            f"{line_list(np.sort(roster.lines[blank]))}): taken on trust to have the {need} "
            "weeks' tenure the design asks for"
        )
    return (
        "the export has no hire_date column: the volunteers are taken on trust to have the "
        f"{need} weeks' tenure the design asks for "
        f"(designs.{design.name}.min_mentor_tenure_weeks)"
    )


def _unknown_tenure(
    roster: Roster,
    design: ProgramDesign,
    allowed: np.ndarray,
    blank: np.ndarray,
    who: str,
    date: dt.date,
    source: str,
) -> Problem:
    """The problem of juniors without a hire date where the design asks for tenure."""
    need = design.min_mentor_tenure_weeks
    if "hire_date" not in roster.columns:
        return Problem(
            roster.where,
            f"hire_date: missing column; design {design.name!r} needs mentors with "
            f"{need} weeks' tenure on {date} (min_mentor_tenure_weeks); allowed: a "
            "hire_date column (YYYY-MM-DD) for the juniors who may mentor; add it, or "
            "add a volunteer column (yes/no) marking the juniors who agreed to mentor "
            f"and have the tenure, or set designs.{design.name}.min_mentor_tenure_weeks = 0 "
            f"in {source}",
        )
    return Problem(
        roster.where,
        f"hire_date: empty for {int(blank.sum())} of the {int(allowed.sum())} {who} "
        f"(lines {line_list(np.sort(roster.lines[blank]))}); allowed: a date YYYY-MM-DD for "
        f"each, since design {design.name!r} needs {need} weeks' tenure on {date}; fill them "
        "in, or add a volunteer column (yes/no) marking the juniors who agreed to mentor and "
        "have the tenure",
    )


def _too_short_tenure(
    roster: Roster,
    design: ProgramDesign,
    tenure: np.ndarray,
    allowed: np.ndarray,
    who: str,
    date: dt.date,
) -> Problem:
    """The problem of no one who may mentor having the tenure the design asks for."""
    need, longest = design.min_mentor_tenure_weeks, int(tenure[allowed].max())
    return Problem(
        roster.where,
        f"hire_date: none of the {int(allowed.sum())} {who} has {need} weeks' tenure "
        f"on {date} (the longest: {longest} weeks); allowed: "
        f"min_mentor_tenure_weeks at most {longest} here (--set designs."
        f"{design.name}.min_mentor_tenure_weeks={longest}), or a later --date",
    )


def _selection(
    roster: Roster, design: ProgramDesign, vp: VolunteerParams, ranked: np.ndarray
) -> tuple[ProgramDesign, VolunteerParams, str, list[str], dict[str, list[_Need]]]:
    """The selection to use, in words, and the values it ranks or weighs `ranked` on.

    Returns:
        The design and volunteer weights the program uses, the selection in words, notes,
        and per column (digital, engagement) what needs its values.
    """
    said, columns = roster.volunteer, roster.columns
    selection = design.mentor_selection
    needs: dict[str, list[_Need]] = {"digital": [], "engagement": []}
    if said is not None and (selection == "volunteers" or "digital" not in columns):
        # Who volunteered is known: a uniform draw among them (the weights model who
        # volunteers; docs/ODD.md section 7.1), or, without digital values, instead of the
        # most digital.
        used = design.with_changes(mentor_selection="volunteers")
        label = "at random among the volunteers (volunteer = yes)"
        notes = (
            [
                "the export has no digital column: mentors are drawn at random among the "
                "volunteers, not the most digital (mentor_selection = most_digital)"
            ]
            if selection == "most_digital"
            else []
        )
        return used, VolunteerParams(s_eng=0.0, s_dig=0.0), label, notes, needs
    if selection == "most_digital":
        label = "the most digital" + (" volunteers" if said is not None else " juniors")
        reason = 'takes the most digital juniors as mentors (mentor_selection = "most_digital")'
        needs["digital"].append(
            _Need(reason, ranked, [] if said is not None else [_ADD_VOLUNTEERS])
        )
        return design, vp, label, [], needs
    for column, need in _volunteer_weights(vp, ranked):
        needs[column].append(need)
    label = "volunteers drawn with weights from engagement and digital (no volunteer column)"
    note = (
        "no volunteer column: mentors are drawn as the model draws volunteers, weighted by "
        "the export's engagement and digital (dynamics.volunteers); they have not said yes "
        "yet: ask them, or add a volunteer column"
    )
    return design, vp, label, [note], needs


def _volunteer_weights(vp: VolunteerParams, ranked: np.ndarray) -> list[tuple[str, _Need]]:
    """The columns the model's volunteer draw weighs people on (those with a weight above 0)."""
    reason = (
        'draws volunteers with weights from {} (mentor_selection = "volunteers", '
        "dynamics.volunteers.{} = {:g})"
    )
    return [
        (
            column,
            _Need(
                reason.format(column, key, weight),
                ranked,
                [
                    "add a volunteer column (yes/no) marking who volunteered",
                    f"set dynamics.volunteers.{key} = 0",
                ],
            ),
        )
        for column, key, weight in (
            ("engagement", "s_eng", vp.s_eng),
            ("digital", "s_dig", vp.s_dig),
        )
        if weight > 0
    ]


def _missing_values(
    roster: Roster, design: ProgramDesign, column: str, wanted: list[_Need]
) -> Problem | None:
    """One problem if the column is missing, or empty for someone the design ranks on it."""
    reasons = " and ".join(w.reason for w in wanted)
    # Only what settles every reason is offered (a volunteer column does not pair by gap).
    alternatives = [a for a in wanted[0].alternatives if all(a in w.alternatives for w in wanted)]
    otherwise = "".join(", or " + a for a in alternatives)
    mask = np.logical_or.reduce([w.whom for w in wanted])
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
