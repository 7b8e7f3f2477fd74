"""OrgCultureModel: the organisation, its people and a program, stepped one week at a time.

`step()` follows docs/ODD.md section 3: program, knowledge drift, engagement, exits, hiring,
end of week. Each sub-step is a whole-array function from `sim.model.dynamics`; Python loops
touch only the people who leave, are hired or are paired (docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np
import pandas as pd

from sim.model import agents, dynamics
from sim.model.agents import Employee, Junior, Senior
from sim.model.collector import SeriesCollection
from sim.model.keyed import base_key
from sim.model.mesa_scenario import scenario_inputs
from sim.model.observe import WeeklyRecorder, summarise
from sim.model.org import (
    Org,
    OrgNetwork,
    build_org,
    gc_paused,
    generate_org,
    shuffle_informal_ties,
)
from sim.model.people import (
    Hiring,
    Leavers,
    People,
    apply_chart,
    hire_into,
    initial_people,
    vacate,
)
from sim.model.program import Program, listed_mentees
from sim.scenario.design import ProgramDesign
from sim.scenario.keywords import run_inputs
from sim.scenario.parameters import Scenario, default_scenario
from sim.scenario.seeds import NOT_GIVEN, run_seed

if TYPE_CHECKING:
    from sim.scenario.orgchart import OrgChart

# New streams go last: SeedSequence's children are numbered, so adding "ties" (the network
# ablation's shuffle of informal ties) and then "warmup" (the exit draws of the weeks before
# week 0) and then "rollout" (`sim plan`'s keyed draw of which units start when) left the
# other streams as they were.
STREAMS = ("org", "program", "exits", "hiring", "ties", "warmup", "rollout")
# Streams drawn in sequence from a numpy Generator; the others are keyed draws.
SEQUENTIAL = ("org", "exits", "ties", "warmup")


def random_streams(seed: int) -> tuple[dict[str, np.random.Generator], dict[str, int]]:
    """Independent streams per submodel, spawned from the run's integer seed.

    Returns the generators of the sequential streams (org: building the org and its first
    people; exits: one uniform per position per week; ties: the shuffle of informal ties,
    drawn only when the network ablation asks for it; warmup: the exits' uniforms of the
    warm-up weeks, so the weeks from week 0 on draw what they drew without one) and the
    base keys of the keyed streams (program, hiring, rollout: `sim.model.keyed`), whose
    draws depend on their key alone.
    """
    children = dict(zip(STREAMS, np.random.SeedSequence(seed).spawn(len(STREAMS)), strict=True))
    generators = {name: np.random.default_rng(children[name]) for name in SEQUENTIAL}
    keys = {name: base_key(seq) for name, seq in children.items() if name not in SEQUENTIAL}
    return generators, keys


class OrgCultureModel(mesa.Model):
    """An organisation whose people learn, engage and leave, with or without a program.

    Mesa's tools work on it (docs/mesa.md): keyword parameters, so `mesa.batch_run` can
    vary them; `datacollector`, the weekly series as a `mesa.DataCollector`; `grid`, the
    org as a Mesa `Network` space that `draw_space` and `SpaceRenderer` draw; and `running`,
    which turns False at the scenario's end.

    Args:
        scenario: parameters of the organisation and dynamics (default: `default_scenario()`).
        design: the program design, or a design name of the scenario ("baseline" for none);
            None runs the organisation without a program, unless design knobs are given.
        seed: the run's integer seed (default 0); designs run on the same seed share the
            same org, initial people and exit draws (common random numbers). None draws a
            seed from the operating system (an unseeded run; `model.seed` then tells it).
        org_chart: an imported HR org chart to use instead of a generated organisation.
            `scenario` may also be Mesa's own `Scenario` (SolaraViz's Reset passes one): its
            parameters are keywords of the run, and the project's scenario is then `config`
            (`sim.model.mesa_scenario`).
        config: the project's scenario when `scenario` is Mesa's; give one of the two.
        rng: Mesa's name for the seed: a whole number, None (unseeded) or a numpy
            Generator to draw the seed from. Give seed or rng, not both.
        agent_reporters: per-agent reporters for `datacollector`, collected every week:
            True for the usual attributes (`sim.model.collector.usual_agent_reporters`), a list
            of Employee attribute names, or a dict of Mesa reporters. Costly at scale.
        **keywords: scalar parameters of the run (`sim.scenario.keywords`): a design knob
            by its name (``cadence_weeks=4``, ``commitment=0.5``; they change `design`, or
            the scenario's first design when there is none), any other scenario key by its
            dotted path with ``__`` for each dot (``years=1``, ``org__size=2000``,
            ``dynamics__exits__beta_e=1.2``). Checked as the same ``--set`` would be.

    Raises:
        InputError: an unknown keyword (with close matches) or a value its key does not
            allow, a bad seed, an unknown design name.

    Example:
        >>> from sim import OrgCultureModel, ProgramDesign
        >>> model = OrgCultureModel(design=ProgramDesign(), seed=1)
        >>> model.run_for(52)
        >>> len(model.series()) == 53
        True
        >>> monthly = OrgCultureModel(cadence_weeks=4, commitment=0.5, years=1, rng=2)
        >>> monthly.run_model()  # to the scenario's end: 52 weeks
        >>> monthly.datacollector.get_model_vars_dataframe()["week"].iloc[-1]
        np.int64(52)
    """

    def __init__(
        self,
        scenario: Scenario | None = None,
        design: ProgramDesign | str | None = None,
        seed: int | None = 0,
        org_chart: OrgChart | None = None,
        *,
        config: Scenario | None = None,
        rng: int | np.random.Generator | None = NOT_GIVEN,  # type: ignore[assignment]
        agent_reporters: bool | Sequence[str] | Mapping[str, Any] | None = None,
        **keywords: Any,
    ) -> None:
        scenario, keywords, rng = scenario_inputs(scenario, config, keywords, rng)
        seed = run_seed(seed, rng)
        scenario, design = run_inputs(scenario or default_scenario(), design, keywords)
        super().__init__(rng=seed)
        with gc_paused():  # a build makes many long-lived objects and no garbage
            self._build(scenario, design, seed, org_chart)
        self._collection: SeriesCollection | None = None
        if agent_reporters:  # collected live from week 0 (an agent's past state is gone)
            self._collection = SeriesCollection(self, agent_reporters)
            self._collection.catch_up(self)

    def _build(
        self,
        scenario: Scenario | None,
        design: ProgramDesign | None,
        seed: int,
        org_chart: OrgChart | None,
    ) -> None:
        """Build org and people, warm up, then the Mesa space, agents, program; observe week 0."""
        # Mesa reserves `model.scenario` for its own experimental Scenario class.
        self.config = scenario = scenario or default_scenario()
        self.design = design
        self.seed = seed
        self.last_week = scenario.weeks  # `running` turns False once it is done
        self.streams, self.keys = random_streams(seed)
        self.org: Org = self.build_org(org_chart)
        self.people: People = initial_people(
            self.org, scenario.workforce, scenario.start_date.year, self.streams["org"]
        )
        if org_chart is not None:
            apply_chart(self.people, org_chart, scenario.start_date)
        if scenario.dynamics.ablation.shuffle_informal_ties:
            # After people are drawn, from its own stream: the same people on other ties.
            self.org = shuffle_informal_ties(self.org, self.streams["ties"])
        self.hiring = Hiring(self.org, scenario.workforce, self.keys["hiring"])
        window = scenario.dynamics.exits.contagion_window_weeks
        # Leavers' positions of the last `window` weeks, and for each position the number of
        # exits among its org-tie neighbours over those weeks (kept up to date as weeks
        # enter and leave the window; counts are whole numbers, so exactly).
        self.recent_exits: deque[np.ndarray] = deque(maxlen=window)
        self._recent_neighbours: deque[np.ndarray] = deque(maxlen=window)
        self.recent_neighbour_exits = np.zeros(self.org.size)
        # Before any agent, program or observation exists: the warm-up is arrays only.
        self.warm_up(scenario.warmup_weeks)
        # Mesa's Network over the org ties (cells = positions, capacity 1, no layout), built
        # from the org's arrays; `grid.G`, the networkx graph, is made on first access.
        self.grid = OrgNetwork(self.org, capacity=1, random=self.random)
        self._agents_at: list[Employee | None] = [None] * self.org.size
        if self._agents_can_wait():
            # No agent until one is read (`make_agents`): each person's id is taken now.
            self._unmade_ids = np.zeros(self.org.size, dtype=np.int64)
            self.grid.before_read = self.make_agents
            self._take_ids(self.people.filled.nonzero()[0])
        else:
            self.place_agents(self.people.filled.nonzero()[0])
        self.leadership_mask = np.isin(self.org.level, scenario.observation.leadership_levels)
        self.program: Program | None = None
        if design is not None:
            self.program = Program(
                design,
                self.org,
                self.people,
                scenario.launch_week,
                self.keys["program"],
                scenario.dynamics.sessions,
                scenario.dynamics.pathways,
                scenario.dynamics.volunteers,
                chain_depth=scenario.dynamics.engagement.chain_depth,
                listed=listed_mentees(design, org_chart),
            )
        self.update_exit_risk()
        self.recorder = WeeklyRecorder(self)
        self.recorder.record(0, None)

    # --- construction ---------------------------------------------------------------
    def build_org(self, chart: OrgChart | None) -> Org:
        """Generate the org graph, or build it from an imported chart."""
        rng = self.streams["org"]
        if chart is None:
            return generate_org(self.config.org, rng)
        return build_org(
            chart.parent,
            self.config.org,
            rng,
            chart.department,
            chart.department_names,
            informal=chart.informal,
        )

    def place_agents(self, positions: np.ndarray) -> None:
        """Create a Junior or Senior agent for the person in each given position's cell."""
        cells, at = self.grid.cell_map, self._agents_at
        senior = self.org.is_senior[positions].tolist()
        # Each agent is bound to its person: the position's k-th occupant.
        occupant = self.people.occupant[positions].tolist()
        for pos, is_senior, k in zip(positions.tolist(), senior, occupant, strict=True):
            at[pos] = (Senior if is_senior else Junior)(self, cells[pos], k)

    def agent_at(self, position: int) -> Employee | None:
        """The employee holding a position, or None if it is vacant."""
        if self._unmade_ids is not None:
            self.make_agents()
        return self._agents_at[position]

    # --- agents made when first read ------------------------------------------------
    # A run that nobody watches never reads an agent: its submodels work on `people`'s
    # arrays. So until something reads the agents -- `agents`, `agents_by_type`,
    # `agent_types`, `agent_at`, the space `grid` (its cells and their agents), `observe`
    # or `batch` -- the model makes none: each person's Mesa id is taken when they are
    # placed or hired (`_unmade_ids`, by position), and the first read makes the agents
    # of the people there, in id order, with those ids. Mesa's agent sets, ids, cells and
    # counter are then as if every agent had been made and removed as people came and went
    # (tests/test_agent_registration.py); from then on agents are made and removed as
    # people come and go. Only without agent signals' subscribers or Mesa datasets (those
    # would have seen each agent as it came), for the tested Mesa release.
    _unmade_ids: np.ndarray | None = None

    def _agents_can_wait(self) -> bool:
        """Whether agents may be made when first read: nothing would have seen them before."""
        kind = type(self)
        return (
            agents._INLINE_MESA
            and (kind.register_agent, kind.deregister_agent) == agents._MESA_REGISTER
            and kind.place_agents is OrgCultureModel.place_agents
            and not (Junior._datasets or Senior._datasets)
        )

    def _take_ids(self, positions: np.ndarray) -> None:
        """The people at `positions` (ascending) take the next Mesa ids, as agents would."""
        first = self.agent_id_counter
        self.agent_id_counter = first + len(positions)
        self._unmade_ids[positions] = np.arange(first, self.agent_id_counter)

    def make_agents(self) -> None:
        """Make the agents not yet made, as if each had been made when its person came.

        Cells whose earlier people have left are marked empty, as removing their agents
        would have left them. Does nothing once the agents are made.
        """
        ids = self._unmade_ids
        if ids is None:
            return
        self._unmade_ids = None
        self.grid.before_read = None
        cells = self.grid.cell_map
        filled = self.people.filled
        for pos in ((ids > 0) & ~filled).nonzero()[0].tolist():
            cells[pos].empty = True
        present = filled.nonzero()[0]
        present = present[np.argsort(ids[present], kind="stable")]
        after = self.agent_id_counter
        senior = self.org.is_senior[present].tolist()
        occupant = self.people.occupant[present].tolist()
        at = self._agents_at
        for pos, is_senior, k, uid in zip(
            present.tolist(), senior, occupant, ids[present].tolist(), strict=True
        ):
            self.agent_id_counter = uid
            at[pos] = (Senior if is_senior else Junior)(self, cells[pos], k)
        self.agent_id_counter = after

    @property
    def _all_agents(self) -> Any:  # Mesa's attribute: every read of the agents passes here
        if self._unmade_ids is not None:
            self.make_agents()
        return self._mesa_all_agents

    @_all_agents.setter
    def _all_agents(self, value: Any) -> None:
        self._mesa_all_agents = value

    @property
    def _agents_by_type(self) -> Any:  # Mesa's attribute, as `_all_agents`
        if self._unmade_ids is not None:
            self.make_agents()
        return self._mesa_agents_by_type

    @_agents_by_type.setter
    def _agents_by_type(self, value: Any) -> None:
        self._mesa_agents_by_type = value

    def observe(self, *args: Any, **kwargs: Any) -> None:
        """Mesa's `observe`; a subscriber to agent signals sees agents made as people come."""
        self.make_agents()
        super().observe(*args, **kwargs)

    def batch(self) -> Any:
        """Mesa's `batch`, with the agents made first (their signals would be batched)."""
        self.make_agents()
        return super().batch()

    # --- the weekly step (docs/ODD.md section 3) -------------------------------------
    def step(self) -> None:
        """Advance one week."""
        week = self.steps
        d = self.config.dynamics
        if self.program is not None:
            self.program.step(week)
        dynamics.drift_knowledge(self.people, self.org, d.knowledge, d.ablation.spillover)
        # Without a program every stock is 0 and stays 0: the stocks' work is skipped.
        has_stocks = self.program is not None
        dynamics.relax_engagement(self.people, self.org, d.engagement, d.pathways, has_stocks)
        leavers = self.exits(week)
        self.hire(week)
        self.end_week(week, leavers)

    def warm_up(self, weeks: int) -> None:
        """Run `weeks` weeks with no program before week 0, unobserved (docs/ODD.md section 5).

        Weeks 1 - weeks, ..., 0: drift, engagement, exits (their uniforms from the warmup
        stream), hiring and tenure as in `step`, on the arrays alone -- no agents, program
        or observation exist yet -- so every design of a seed starts week 0 from the same
        state, and a warm-up of 0 weeks leaves the initial draws as they were.
        """
        d, people, org = self.config.dynamics, self.people, self.org
        draws = self.streams["warmup"]
        for week in range(1 - weeks, 1):
            dynamics.drift_knowledge(people, org, d.knowledge, d.ablation.spillover)
            dynamics.relax_engagement(people, org, d.engagement, d.pathways, stocks=False)
            leavers = self.leave(week, draws.random(org.size))
            self.fill_vacancies(week)
            people.tenure += people.filled
            self.note_recent_exits(leavers)

    def exits(self, week: int) -> Leavers:
        """Draw exits, apply contagion, end leavers' pairs and vacate their positions."""
        # One uniform per position, filled or not: designs share their exit draws.
        uniforms = self.streams["exits"].random(self.org.size)
        return self.leave(week, uniforms, self.remove_leavers)

    def leave(
        self,
        week: int,
        uniforms: np.ndarray,
        before_vacating: Callable[[np.ndarray, int], None] | None = None,
    ) -> Leavers:
        """Exits drawn against `uniforms`, contagion, `before_vacating(gone, week)`, vacancies."""
        xp = self.config.dynamics.exits
        gone = dynamics.draw_exits(self.people, self.org, self.recent_neighbour_exits, uniforms, xp)
        if len(gone) == 0:  # common in a small org: nothing below has anything to do
            return Leavers(gone, gone, gone)
        if self.config.dynamics.ablation.contagion:
            # Their org-tie neighbours, once: for contagion now and the exit window later.
            neighbours = self.org.neighbours_of(gone)
            dynamics.exit_contagion(self.people, self.org, gone, xp.c_e, neighbours)
        else:
            # No contagion (network ablation): no neighbour feels an exit, now or later,
            # so every recent-exit count stays 0 (as c_e = beta_c = 0 would).
            neighbours = np.empty(0, dtype=np.int64)
        leavers = Leavers(gone, self.people.generation[gone], neighbours)
        if before_vacating is not None:
            before_vacating(gone, week)
        vacate(self.people, gone, week)
        return leavers

    def remove_leavers(self, gone: np.ndarray, week: int) -> None:
        """Leavers' pairs end and their agents leave the model (before their positions empty)."""
        if self.program is not None:
            self.program.people_left(gone, week)
        if self._unmade_ids is not None:  # no agent made: the leavers' ids stay taken
            return
        # A kept reference to a removed agent then says so when read.
        at = self._agents_at
        for pos in gone.tolist():
            at[pos].remove()
            at[pos] = None

    def hire(self, week: int) -> None:
        """Fill vacancies whose time to fill has elapsed; the new people get their agents."""
        due = self.fill_vacancies(week)
        if len(due):
            if self._unmade_ids is not None and not (Junior._datasets or Senior._datasets):
                self._take_ids(due)
                return
            self.make_agents()  # (a dataset now tracks agents: made from here on)
            self.place_agents(due)

    def fill_vacancies(self, week: int) -> np.ndarray:
        """Hire into the vacancies whose time to fill has elapsed; returns their positions."""
        p = self.people
        wait = self.config.dynamics.hiring.time_to_fill
        vacant = (~p.filled).nonzero()[0]
        due = vacant[week - p.vacant_since[vacant] >= wait]
        if len(due) == 0:
            return due
        # The calendar year of this week's date. (It was once estimated from day counts /
        # 365.2425, which put 1 January in the year before: hires that day were a year off.)
        year = (self.config.start_date + dt.timedelta(weeks=week)).year
        hire_into(p, self.hiring, due, year)
        return due

    def end_week(self, week: int, leavers: Leavers) -> None:
        """Tenure +1 week, exit risk recomputed, the week observed."""
        self.people.tenure += self.people.filled
        self.note_recent_exits(leavers)
        self.update_exit_risk()
        if self.program is not None:
            self.program.note_retention(week)
        self.recorder.record(week, leavers)
        self.running = week < self.last_week
        if self._collection is not None and self._collection.live:
            self._collection.catch_up(self)

    def note_recent_exits(self, leavers: Leavers) -> None:
        """This week's leavers enter the contagion window; the oldest week leaves it."""
        if len(self.recent_exits) == self.recent_exits.maxlen and len(self._recent_neighbours[0]):
            np.subtract.at(self.recent_neighbour_exits, self._recent_neighbours[0], 1.0)
        if len(leavers.neighbours):
            np.add.at(self.recent_neighbour_exits, leavers.neighbours, 1.0)
        self.recent_exits.append(leavers.positions)
        self._recent_neighbours.append(leavers.neighbours)

    def update_exit_risk(self) -> None:
        """Each person's annual exit probability at the current state (0 where vacant)."""
        annual = dynamics.annual_exit_probability(
            self.people, self.org, self.recent_neighbour_exits, self.config.dynamics.exits
        )
        # 0 where vacant (annual is finite and positive, so x * False is 0.0).
        np.multiply(annual, self.people.filled, out=self.people.exit_risk)

    # --- results --------------------------------------------------------------------
    @property
    def datacollector(self) -> mesa.DataCollector:
        """The weekly series as a `mesa.DataCollector`, one model reporter per column.

        Made on first use and brought level with the series each time it is read
        (`sim.model.collector`): `get_model_vars_dataframe()` has a row per week from
        week 0 with the numbers of `series()` (all its columns but digital_relevance).
        """
        if self._collection is None:
            self._collection = SeriesCollection(self)
        return self._collection.catch_up(self)

    def series(self, keys: dict[str, object] | None = None) -> pd.DataFrame:
        """The weekly series so far: a row per week from week 0 (a copy, yours to change).

        `keys` (column name -> one value) become the first columns, the same in every row:
        as `DataFrame.insert` would put them, in one construction instead of one each.
        """
        if not keys:
            return self.recorder.finish().copy()
        columns = self.recorder.finish_columns()
        rows = pd.RangeIndex(len(columns["week"]))
        return pd.DataFrame({**keys, **columns}, index=rows)

    def summary(self) -> dict[str, object]:
        """The run's summary row (outcomes per year relative to launch)."""
        return summarise(self.recorder.finish_columns(), self)

    def people_table(self) -> pd.DataFrame:
        """A row per person and week (only if the scenario asked to record people)."""
        rows = self.recorder.people_rows
        return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
