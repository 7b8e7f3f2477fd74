"""OrgCultureModel: the organisation, its people and a program, stepped one week at a time.

`step()` follows MODEL.md section 3: program, knowledge drift, engagement, exits, hiring,
end of week. Each sub-step is a whole-array function from `sim.dynamics`; Python loops
touch only the people who leave, are hired or are paired.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np
import pandas as pd
from mesa.discrete_space import Network

from sim import dynamics
from sim.agents import Employee, Junior, Senior
from sim.design import ProgramDesign
from sim.observe import WeeklyRecorder, summarise
from sim.org import Org, build_org, generate_org
from sim.people import People, hire_into, initial_people
from sim.program import Program
from sim.scenario import Scenario, default_scenario

if TYPE_CHECKING:
    from sim.orgchart import OrgChart

STREAMS = ("org", "program", "exits", "hiring")


def random_streams(seed: int) -> dict[str, np.random.Generator]:
    """Independent generators per submodel, spawned from the run's integer seed."""
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {
        name: np.random.default_rng(child) for name, child in zip(STREAMS, children, strict=True)
    }


class OrgCultureModel(mesa.Model):
    """An organisation whose people learn, engage and leave, with or without a program.

    Args:
        scenario: parameters of the organisation and dynamics (default: `default_scenario()`).
        design: the program design; None runs the organisation without a program.
        seed: the run's integer seed; designs run on the same seed share the same org,
            initial people and exit draws (common random numbers).
        org_chart: an imported HR org chart to use instead of a generated organisation.

    Example:
        >>> from sim import OrgCultureModel, ProgramDesign
        >>> model = OrgCultureModel(design=ProgramDesign(), seed=1)
        >>> model.run_for(52)
        >>> len(model.series()) == 53
        True
    """

    def __init__(
        self,
        scenario: Scenario | None = None,
        design: ProgramDesign | None = None,
        seed: int = 0,
        org_chart: OrgChart | None = None,
    ) -> None:
        super().__init__(rng=seed)
        # Mesa reserves `model.scenario` for its own experimental Scenario class.
        self.config = scenario = scenario or default_scenario()
        self.design = design
        self.seed = seed
        self.streams = random_streams(seed)
        self.org: Org = self.build_org(org_chart)
        self.people: People = initial_people(
            self.org, scenario.workforce, scenario.start_date.year, self.streams["org"]
        )
        if org_chart is not None:
            apply_chart_people(self.people, org_chart, scenario)
        self.grid = Network(self.org.to_networkx(), capacity=1, random=self.random, layout=None)
        self._agents_at: list[Employee | None] = [None] * self.org.size
        self.place_agents(np.arange(self.org.size))
        self.leadership_mask = np.isin(self.org.level, scenario.observation.leadership_levels)
        self.program: Program | None = None
        if design is not None:
            self.program = Program(
                design,
                self.org,
                self.people,
                scenario.launch_week,
                self.streams["program"],
                scenario.dynamics.sessions,
            )
        window = scenario.dynamics.exits.contagion_window_weeks
        self.exit_history = np.zeros((window, self.org.size), dtype=np.int32)
        self.recent_neighbour_exits = np.zeros(self.org.size)
        self.update_exit_risk()
        self.recorder = WeeklyRecorder(self)
        self.recorder.record(0, None)

    # --- construction ---------------------------------------------------------------
    def build_org(self, chart: OrgChart | None) -> Org:
        """Generate the org graph, or build it from an imported chart."""
        rng = self.streams["org"]
        if chart is None:
            return generate_org(self.config.org, rng)
        return build_org(chart.parent, self.config.org, rng, chart.department)

    def place_agents(self, positions: np.ndarray) -> None:
        """Create a Junior or Senior agent in each given position's cell."""
        cells = self.grid._cells
        for pos in positions.tolist():
            cls = Senior if self.org.is_senior[pos] else Junior
            self._agents_at[pos] = cls(self, cells[pos])

    def agent_at(self, position: int) -> Employee | None:
        """The employee holding a position, or None if it is vacant."""
        return self._agents_at[position]

    # --- the weekly step (MODEL.md section 3) ------------------------------------------
    def step(self) -> None:
        """Advance one week."""
        week = self.steps
        d = self.config.dynamics
        if self.program is not None:
            self.program.step(week)
        dynamics.drift_knowledge(self.people, self.org, d.knowledge)
        dynamics.relax_engagement(self.people, self.org, week, d.engagement)
        leavers = self.exits(week)
        self.hire(week)
        self.end_week(week, leavers)

    def exits(self, week: int) -> np.ndarray:
        """Draw exits, apply contagion, end leavers' pairs and vacate their positions."""
        xp = self.config.dynamics.exits
        annual = dynamics.annual_exit_probability(
            self.people, self.org, self.recent_neighbour_exits, xp
        )
        uniforms = self.streams["exits"].random(self.org.size)
        leavers = dynamics.draw_exits(
            self.people, dynamics.weekly_exit_probability(annual), uniforms
        )
        dynamics.exit_contagion(self.people, self.org, leavers, xp.c_e)
        gone = np.flatnonzero(leavers)
        if self.program is not None:
            self.program.people_left(gone, week)
        for pos in gone.tolist():
            self._agents_at[pos].remove()
            self._agents_at[pos] = None
        self.people.filled[gone] = False
        self.people.vacant_since[gone] = week
        self.exit_history[week % len(self.exit_history)] = leavers
        return leavers

    def hire(self, week: int) -> None:
        """Fill vacancies whose time to fill has elapsed."""
        p = self.people
        wait = self.config.dynamics.hiring.time_to_fill
        due = np.flatnonzero(~p.filled & (week - p.vacant_since >= wait))
        year = (self.config.start_date.toordinal() + 7 * week - 1) // 365.2425 + 1
        hire_into(p, self.org, due, self.config.workforce, int(year), self.streams["hiring"])
        self.place_agents(due)

    def end_week(self, week: int, leavers: np.ndarray) -> None:
        """Tenure +1 week, exit risk recomputed, the week observed."""
        self.people.tenure[self.people.filled] += 1
        self.update_exit_risk()
        if self.program is not None:
            self.program.note_retention(week)
        self.recorder.record(week, leavers)

    def update_exit_risk(self) -> None:
        """Recent neighbour exits and each person's annual exit probability."""
        recent = self.exit_history.sum(axis=0).astype(np.float64)
        self.recent_neighbour_exits = self.org.adjacency @ recent
        annual = dynamics.annual_exit_probability(
            self.people, self.org, self.recent_neighbour_exits, self.config.dynamics.exits
        )
        self.people.exit_risk[:] = np.where(self.people.filled, annual, 0.0)

    # --- results --------------------------------------------------------------------
    def series(self) -> pd.DataFrame:
        """The weekly series so far: a row per week from week 0."""
        return self.recorder.finish()

    def summary(self) -> dict[str, object]:
        """The run's summary row (outcomes per year relative to launch)."""
        return summarise(self.series(), self)

    def people_table(self) -> pd.DataFrame:
        """A row per person and week (only if the scenario asked to record people)."""
        rows = self.recorder.people_rows
        return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def apply_chart_people(people: People, chart: OrgChart, scenario: Scenario) -> None:
    """Overwrite drawn values with what an HR export knows (birth year, tenure, digital, e)."""
    from sim.people import generation_of

    known = ~np.isnan(chart.birth_year)
    people.birth_year[known] = chart.birth_year[known].astype(np.int64)
    people.generation[:] = generation_of(people.birth_year)
    hired = ~np.isnat(chart.hire_date)
    start = np.datetime64(scenario.start_date, "D")
    weeks = (start - chart.hire_date[hired]).astype("timedelta64[D]").astype(np.int64) // 7
    people.tenure[hired] = np.maximum(weeks, 0)
    for name in ("digital", "engagement"):
        values = getattr(chart, name)
        ok = ~np.isnan(values)
        getattr(people, name)[ok] = values[ok]
    ok = ~np.isnan(chart.digital)
    people.exposure[ok] = chart.digital[ok]
    ok = ~np.isnan(chart.engagement)
    people.e0[ok] = chart.engagement[ok]
