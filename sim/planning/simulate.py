"""One replicate of a plan comparison: the runs on one seed, their panels and estimates.

Every plan of a replicate and the run without a program share the seed (the same org,
people, exit draws and rollout order): differences between plans are differences between
plans, and each plan's true effect is its own run minus the no-program run. A replicate is
a plain function of its task, so any executor gives the same rows.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from sim.analysis.rollout_estimate import estimate_panel
from sim.model.model import OrgCultureModel
from sim.model.program import NEVER
from sim.planning.branch import CAN_FORK, in_child
from sim.planning.plans import AFTER, Plan, rank_units, unit_of_positions
from sim.scenario.calendar import WEEKS_PER_YEAR
from sim.scenario.parameters import Scenario

MONTHS_PER_YEAR = 12


def month_start(m: int) -> int:
    """Weeks from a timeline's start to the start of its month m (a month is 52/12 weeks)."""
    return round(m * WEEKS_PER_YEAR / MONTHS_PER_YEAR)


@dataclass(frozen=True)
class Timeline:
    """The months observed: `pre_months` before the first start, then `months` of evaluation."""

    pre_months: int
    months: int

    @property
    def periods(self) -> int:
        """Months in each panel."""
        return self.pre_months + self.months

    def first_panel_week(self, first_week: int) -> int:
        """The model week the panel starts: `pre_months` before the program's first week.

        If the scenario has fewer weeks before its launch than that, the whole plan moves
        later (the program's start waits for the pre-period).
        """
        return max(1, first_week - month_start(self.pre_months))

    def month_of_week(self, first_panel: int, weeks: int) -> np.ndarray:
        """Per model week 0..weeks, its panel month (-1 outside the panel)."""
        out = np.full(weeks + 1, -1, dtype=np.int64)
        for m in range(self.periods):
            out[first_panel + month_start(m) : first_panel + month_start(m + 1)] = m
        return out


@dataclass(frozen=True)
class Task:
    """One replicate: the scenario (its own posterior draw, or the medians), seed and plans."""

    scenario: Scenario
    design: str
    replicate: int
    seed: int
    plans: tuple[Plan, ...]
    timeline: Timeline
    horizons: tuple[int, ...]
    alpha: float
    unit: str = "department"
    org_chart: object | None = None


@dataclass
class Panel:
    """One run's unit x month arrays (juniors' exits and mean headcount) and exits by role."""

    exits: np.ndarray
    at_risk: np.ndarray
    treated: np.ndarray
    evaluation_exits: tuple[int, int]  # (juniors, seniors) over the evaluation months


class Recording:
    """A model run of the program with its panel being recorded, month by month.

    Built with the program but no unit started; `advance` steps it while recording;
    `start_plan` sets a plan's rollout (None: the program never starts, the run without
    a program) before any unit's start week.
    """

    def __init__(self, task: Task) -> None:
        s, t = task.scenario, task.timeline
        self.timeline = t
        design = s.design(task.design)
        assert design is not None
        self.model = model = OrgCultureModel(s, design, seed=task.seed, org_chart=task.org_chart)
        self.unit, _ = unit_of_positions(model.org, task.unit)
        self.n_units = n = int(self.unit.max()) + 1
        self.first_week = s.launch_week + design.start_week + 1
        self.first_panel = t.first_panel_week(self.first_week)
        self.last_week = self.first_panel + month_start(t.periods) - 1
        self.month = t.month_of_week(self.first_panel, self.last_week)
        self.counted = ~model.org.is_senior & (self.unit >= 0)
        self.exits = np.zeros((n, t.periods))
        self.person_weeks = np.zeros((n, t.periods))
        self.by_role = np.zeros(2, dtype=np.int64)
        self.start = np.full(n, AFTER, dtype=np.int64)
        self.start_plan(None)

    @property
    def branch_week(self) -> int:
        """The last week every plan shares: the week before the evaluation's first month."""
        return self.first_panel + month_start(self.timeline.pre_months) - 1

    def start_plan(self, plan: Plan | None) -> None:
        """Set `plan`'s rollout from this replicate's keyed order (None: never starts)."""
        t, n = self.timeline, self.n_units
        self.start = np.full(n, AFTER, dtype=np.int64)
        if plan is not None:
            self.start = plan.start_months(rank_units(self.model.keys["rollout"], n), t.months)
        offsets = [
            NEVER
            if m >= AFTER
            else self.first_panel + month_start(t.pre_months + m) - self.first_week
            for m in self.start.tolist()
        ]
        # Positions in no unit (the top executive's own department; by team, the top two
        # levels) start with the last group: with everyone when all start at once, else
        # after the evaluation, so that they carry no program into the comparison units.
        offsets.append(max(offsets))
        program = self.model.program
        assert program is not None
        program.set_rollout(
            np.where(self.unit < 0, n, self.unit), np.array(offsets, dtype=np.int64)
        )

    def advance(self, to_week: int) -> None:
        """Step the model to `to_week`, counting each unit's juniors and their exits."""
        model, unit, n, counted = self.model, self.unit, self.n_units, self.counted
        people, senior = model.people, model.org.is_senior
        for week in range(model.steps + 1, to_week + 1):
            m = self.month[week]
            if m >= 0:
                self.person_weeks[:, m] += np.bincount(unit[people.filled & counted], minlength=n)
            model.step()
            if m >= 0:
                gone = model.recent_exits[-1]
                self.exits[:, m] += np.bincount(unit[gone[counted[gone]]], minlength=n)
                if m >= self.timeline.pre_months:
                    self.by_role += np.bincount(senior[gone], minlength=2)

    def finish(self, plan: Plan | None) -> Panel:
        """Start `plan`, run to the end of the evaluation and return the panel."""
        self.start_plan(plan)
        self.advance(self.last_week)
        t = self.timeline
        weeks_in = np.diff([month_start(m) for m in range(t.periods + 1)])
        months = np.arange(t.periods)
        treated = months[None, :] >= t.pre_months + np.minimum(self.start, t.months)[:, None]
        return Panel(
            self.exits,
            self.person_weeks / weeks_in,
            treated,
            (int(self.by_role[0]), int(self.by_role[1])),
        )


def run_panels(task: Task) -> list[Panel]:
    """The panels of the run without a program and of each plan, on the task's seed.

    The runs are one run up to the week before the evaluation; each then continues in a
    forked copy (`sim.planning.branch`), the last in this process. Without fork, each
    reruns from the start: the same panels.
    """
    plans: list[Plan | None] = [None, *task.plans]
    shared = Recording(task)
    if not CAN_FORK:
        return [Recording(task).finish(p) for p in plans[:-1]] + [shared.finish(plans[-1])]
    shared.advance(shared.branch_week)
    panels = [in_child(functools.partial(shared.finish, p)) for p in plans[:-1]]
    return [*panels, shared.finish(plans[-1])]


def true_effect(plan: Panel, none: Panel, cells: np.ndarray) -> float:
    """The plan's effect on its treated cells: its exit rate minus the no-program run's."""
    cells = cells & (plan.at_risk > 0)
    n = plan.at_risk[cells]
    if n.sum() <= 0:
        return np.nan
    rate_none = np.divide(
        none.exits[cells], none.at_risk[cells], out=np.zeros(len(n)), where=none.at_risk[cells] > 0
    )
    return float((plan.exits[cells].sum() - np.sum(n * rate_none)) / n.sum())


def _cells(treated: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The treated cells of the first months (`treated`) as a mask of the whole panel."""
    mask = np.zeros(shape, dtype=bool)
    mask[:, : treated.shape[1]] = treated
    return mask


def run_replicate(task: Task) -> list[dict[str, object]]:
    """A row per plan and horizon: the estimate, its interval and test, the truth, exits."""
    none, *panels = run_panels(task)
    rows = []
    for plan, panel in zip(task.plans, panels, strict=True):
        for h in task.horizons:
            cut = task.timeline.pre_months + h
            treated = panel.treated[:, :cut]
            est = estimate_panel(panel.exits[:, :cut], panel.at_risk[:, :cut], treated, task.alpha)
            rows.append(
                {
                    "plan": plan.name,
                    "replicate": task.replicate,
                    "seed": task.seed,
                    "months": h,
                    "estimate": est.effect,
                    "low": est.low,
                    "high": est.high,
                    "p_value": est.p_value,
                    "se": est.se,
                    "significant": est.significant,
                    "truth": true_effect(panel, none, _cells(treated, panel.at_risk.shape)),
                    "comparison": est.comparison,
                    "units": est.units,
                    "exits_junior": panel.evaluation_exits[0],
                    "exits_senior": panel.evaluation_exits[1],
                    "exits_junior_none": none.evaluation_exits[0],
                }
            )
    return rows
