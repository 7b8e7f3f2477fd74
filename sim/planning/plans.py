"""Rollout plans: which unit starts the program in which month (docs/hr.md, "Plan the evaluation").

Units are the organisation's departments that hold juniors (the people whose exits are
measured). Their order is random and part of the plan: one keyed uniform per unit from the
seed's `rollout` stream (`sim.model.keyed`), so every plan of a seed uses the same order
(common random numbers) and the same seed gives the same assignment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.errors import InputError, Problem
from sim.model import keyed
from sim.model.org import Org

KINDS = ("all_at_once", "cluster", "stepped_wedge", "pilot")
# A unit's start month meaning "after the evaluation" (it is a comparison throughout).
AFTER = 10**6
# The fewest units a comparison design needs: two started and two not, for the jackknife.
MIN_UNITS_CLUSTER = 4
MIN_PILOT = 2


@dataclass(frozen=True)
class Plan:
    """One rollout: its kind and, for stepped-wedge and pilots, its size.

    Attributes:
        kind: one of `KINDS`.
        step_months: months between a stepped-wedge's steps.
        pilot_units: units in a pilot.
    """

    kind: str
    step_months: int | None = None
    pilot_units: int | None = None
    unit: str = "department"

    @property
    def name(self) -> str:
        """A short name for tables: all_at_once, cluster, stepped_wedge_3m, pilot_2."""
        if self.kind == "stepped_wedge":
            return f"stepped_wedge_{self.step_months}m"
        if self.kind == "pilot":
            return f"pilot_{self.pilot_units}"
        return self.kind

    @property
    def label(self) -> str:
        """The plan in words."""
        units = f"{self.unit}s"
        if self.kind == "all_at_once":
            return "All at once, judged before/after"
        if self.kind == "cluster":
            return f"A random half of the {units} now, the rest after the evaluation"
        if self.kind == "stepped_wedge":
            return (
                f"{units.capitalize()} in a random order, a group every {self.step_months} months"
            )
        return f"A pilot in {self.pilot_units} random {units}, the rest after"

    def start_months(self, rank: np.ndarray, months: int) -> np.ndarray:
        """Per unit, its start month from the evaluation's start (`AFTER`: after it).

        `rank[u]` is unit u's place in the random order (0 first).
        """
        n = len(rank)
        if self.kind == "all_at_once":
            return np.zeros(n, dtype=np.int64)
        if self.kind == "cluster":
            return np.where(rank < (n + 1) // 2, 0, AFTER)
        if self.kind == "pilot":
            return np.where(rank < self.pilot_units, 0, AFTER)
        steps = np.arange(0, months, self.step_months)
        # Steps and one group after the evaluation, as equal as the units allow; the
        # first groups take the remainder (more starters early).
        groups = np.array_split(np.arange(n), len(steps) + 1)
        start = np.empty(n, dtype=np.int64)
        for i, members in enumerate(groups):
            start[np.isin(rank, members)] = steps[i] if i < len(steps) else AFTER
        return start


UNIT_KINDS = ("department", "team")
TEAM_LEVEL = 2  # a team: the subtree of a manager two levels below the top


def unit_of_positions(org: Org, by: str = "department") -> tuple[np.ndarray, list[str]]:
    """Per position its unit (-1: in no unit) and the units' names.

    `by` "department": the org's departments; "team": the subtrees of the managers at
    level 2 (the department heads' direct reports), finer units with more of them, but
    whose climate reaches across teams of a department. A unit needs a junior position
    (juniors' exits are what is measured): a department of seniors only (the top
    executive's own) and, by team, the top two levels are in no unit.
    """
    if by == "team":
        top = np.arange(org.size)
        for _ in range(int(org.level.max())):
            deeper = org.level[top] > TEAM_LEVEL
            if not deeper.any():
                break
            top = np.where(deeper, org.parent[top], top)
        group = np.where(org.level >= TEAM_LEVEL, top, -1)
    else:
        group = org.department.astype(np.int64)
    junior_groups = np.unique(group[~org.is_senior & (group >= 0)])
    code = np.full(org.size + 1, -1, dtype=np.int64)
    code[junior_groups] = np.arange(len(junior_groups))
    unit = np.where(group >= 0, code[group], -1)
    dept_names = org.department_names

    def dept_name(d: int) -> str:
        return dept_names[d] if d < len(dept_names) else f"department {d}"

    if by == "team":
        names = [
            f"{dept_name(int(org.department[g]))} / team of position {g}" for g in junior_groups
        ]
    else:
        names = [dept_name(int(d)) for d in junior_groups]
    return unit, names


def rank_units(rollout_key: int, n_units: int) -> np.ndarray:
    """Each unit's place in the plan's random order: by its keyed uniform (ties by unit)."""
    units = np.arange(n_units)
    u = keyed.keyed_uniforms(rollout_key, units)
    rank = np.empty(n_units, dtype=np.int64)
    rank[keyed.order_by(units, u)] = units
    return rank


def parse_plans(
    designs: list[str],
    n_units: int,
    months: int,
    step_months: int | None,
    pilot_sizes: list[int] | None,
    unit: str = "department",
) -> list[Plan]:
    """The plans the options ask for, checked against the organisation's units.

    Raises:
        InputError: an unknown design, too few units for a comparison design, a step or a
            pilot size out of range; one problem each, with what is allowed.
    """
    problems: list[Problem] = []
    unknown = [d for d in designs if d not in KINDS]
    if unknown:
        problems.append(
            Problem(f"--design {','.join(unknown)}", f"unknown; allowed: {', '.join(KINDS)}")
        )
    plans = []
    for kind in [d for d in KINDS if d in designs]:
        if kind == "all_at_once":
            plans.append(Plan(kind, unit=unit))
        elif n_units < MIN_UNITS_CLUSTER:
            problems.append(
                Problem(
                    f"--design {kind}",
                    f"needs at least {MIN_UNITS_CLUSTER} {unit}s with juniors (two that "
                    f"start, two that wait); this organisation has {n_units}; use "
                    "--design all_at_once, or an org chart with more departments",
                )
            )
        elif kind == "cluster":
            plans.append(Plan(kind, unit=unit))
        elif kind == "stepped_wedge":
            problems += _check_step(step_months, n_units, months)
            plans.append(Plan(kind, step_months=step_months, unit=unit))
        else:
            sizes = pilot_sizes or default_pilot_sizes(n_units)
            if not pilot_sizes and "cluster" in designs:
                # A pilot in half the units is the cluster plan: not twice by default.
                sizes = [p for p in sizes if p != (n_units + 1) // 2] or sizes
            bad = [p for p in sizes if not MIN_PILOT <= p <= n_units - MIN_PILOT]
            if bad:
                problems.append(
                    Problem(
                        f"--pilot-sizes {','.join(map(str, bad))}",
                        f"a pilot needs {MIN_PILOT} to {n_units - MIN_PILOT} {unit}s here "
                        f"({n_units} with juniors: two must wait as the comparison)",
                    )
                )
            plans += [Plan(kind, pilot_units=p, unit=unit) for p in sorted(set(sizes))]
    if problems:
        raise InputError(problems)
    return plans


def _check_step(step: int | None, n_units: int, months: int) -> list[Problem]:
    """Problems with a stepped-wedge's step (months between groups)."""
    if step is None or not 1 <= step < months:
        return [
            Problem(
                f"--step-months {step}",
                f"must be a whole number of months from 1 to {months - 1} (below --months "
                f"{months}, so that at least two groups start within the evaluation)",
            )
        ]
    groups = len(range(0, months, step)) + 1
    if groups > n_units:
        fewest = -(-months // (n_units - 1))
        return [
            Problem(
                f"--step-months {step}",
                f"makes {groups} groups (one every {step} months over {months}, and one after) "
                f"but there are only {n_units} units with juniors; use --step-months "
                f"{fewest} or more",
            )
        ]
    return []


def default_pilot_sizes(n_units: int) -> list[int]:
    """Pilot sizes to compare: from 2 departments up to all but two, at most four sizes."""
    top = n_units - MIN_PILOT
    if top < MIN_PILOT:
        return []
    return sorted({int(round(x)) for x in np.linspace(MIN_PILOT, top, min(4, top - 1))})


def default_step_months(n_units: int, months: int) -> int:
    """A stepped-wedge step: a quarter of the months, longer if the departments are too few.

    The shortest step whose groups each keep a department is months / (units - 1), rounded up.
    """
    step = max(months // 4, -(-months // max(1, n_units - 1)), 1)
    return min(step, max(1, months - 1))
