"""WorkshopModel: the no-program run and a program run on one seed, stepped together.

The Mesa model behind the dashboard. Its keywords are the dashboard's controls (scalars, as
Mesa's SolaraViz passes them); it turns them into `--set` overrides of the scenario, loads and
validates the scenario as `sim run --set` does, and steps the animation's `Stage` (the two
`OrgCultureModel`s and the org-chart figure of `sim animate --compare`) one week per step.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import mesa
import numpy as np

from sim.app.canvas import FigureLayers, Layers
from sim.app.controls import CONTROLS, current_values, design_label, overrides
from sim.errors import InputError, Problem
from sim.model.capacity import ProgramCheck
from sim.scenario.loading import default_with_overrides, load_scenario
from sim.scenario.orgchart import load_chart
from sim.scenario.parameters import Scenario
from sim.viz.animation import Stage, default_seed, resolve_designs
from sim.viz.animation.frame import TURNOVER_FROM_WEEK, week_date
from sim.viz.animation.sizing import Typography, frame_size

# The picture: drawn at a projector's 1920x1080 with type 1.3 times the animation's, so that
# the smallest text is 27 px there (24 px or more shown a little smaller, in presenter mode's
# space under its bar; 16 px or more at 1280x720). The browser scales it to fit.
FRAME = (1920, 1080)
FONT_SCALE = 1.3

# Weekly series columns shown live, and their names in the Mesa DataCollector.
MEASURES = {
    "turnover_junior": "junior turnover",
    "engagement_junior": "junior engagement",
    "leadership_fluency": "leadership fluency",
}
SIDES = {"baseline": "no program", "program": "program"}
NO_PROGRAM = "no program"  # the one name of the baseline on every part of the dashboard


def measure_name(column: str, side: str) -> str:
    """The DataCollector's name of a weekly column for one side ("baseline" or "program")."""
    return f"{MEASURES[column]}: {SIDES[side]}"


def load(source: str | None, sets: Sequence[str]) -> Scenario:
    """The scenario file or case (None: the built-in division) with overrides, validated."""
    checks = [ProgramCheck()]
    if source:
        return load_scenario(source, list(sets), checks=checks)
    return default_with_overrides(list(sets), checks=checks)


def labelled(base: Scenario, scenario: Scenario, design: str) -> Scenario:
    """`scenario` with the design's label saying what its knobs are (`design_label`).

    The label changes no number (it is not in the scenario's digest).
    """
    label = design_label(base.design(design), scenario.design(design))
    if label == scenario.design(design).title:
        return scenario
    designs = tuple(
        d.with_changes(label=label) if d.name == design else d for d in scenario.designs
    )
    return scenario.with_changes(designs=designs)


def where_refused(problems: Sequence[Problem], design: str) -> dict[str, list[str]]:
    """Each refusal under the control it names ("" for one that names no control)."""
    out: dict[str, list[str]] = {}
    for problem in problems:
        name = next(
            (
                c.name
                for c in CONTROLS
                if c.key.replace("design.", f"designs.{design}.", 1) in problem.where
            ),
            "",
        )
        out.setdefault(name, []).append(problem.message)
    return out


def try_controls(
    source: str | None, sets: Sequence[str], design: str, values: dict[str, Any]
) -> tuple[Scenario | None, dict[str, list[str]]]:
    """The scenario the controls make, labelled; or None and the refusals by control."""
    try:
        scenario = load(source, [*sets, *overrides(design, values)])
    except InputError as err:
        return None, where_refused(err.problems, design)
    return labelled(load(source, sets), scenario, design), {}


class WorkshopModel(mesa.Model):
    """Baseline and program side by side on one seed, one week per step.

    Args:
        source: a scenario TOML file or case name; None for the built-in division.
        sets: `--set` overrides applied before the controls (KEY=VALUE).
        design: the program design shown (default: the scenario's first).
        seed: the run's seed (default: replicate 0 of `sim run`); text is read as an integer.
        rng: Mesa's seed keyword, used when `seed` is not given.
        **controls: control values (`sim.app.controls.CONTROLS`); None keeps the scenario's.
        prepared: the scenario and design the controls make, already loaded, labelled and
            validated (`try_controls`, which the page runs when a slider moves): a Reset
            then skips loading it again (about 0.1 s). `source`, `sets`, `design` and the
            controls are not read.

    A control value the scenario refuses (e.g. a coverage that pairs no one) is not applied:
    the run uses the scenario without the controls, and `problems` says why.
    """

    def __init__(
        self,
        source: str | None = None,
        sets: Sequence[str] = (),
        design: str | None = None,
        seed: int | str | None = None,
        rng: int | None = None,
        cadence_weeks: int | None = None,
        commitment: float | None = None,
        topic_focus: float | None = None,
        formal: bool | None = None,
        two_way: bool | None = None,
        coverage: float | None = None,
        mentee_levels: str | None = None,
        duration_weeks: str | int | None = None,
        mentor_selection: str | None = None,
        beta_e: float | None = None,
        a_climate: float | None = None,
        a_voice: float | None = None,
        tau: float | None = None,
        prepared: tuple[Scenario, str] | None = None,
    ) -> None:
        given = {k: v for k, v in locals().items() if k in {c.name for c in CONTROLS}}
        self.problems: list[str] = []
        if prepared is not None:
            scenario, self.design_name = prepared
        else:
            base = load(source, sets)
            self.design_name = resolve_designs(base, design, compare=True)[1]
            scenario = base
            try:
                scenario = load(source, [*sets, *overrides(self.design_name, given)])
            except InputError as err:
                self.problems = [str(p) for p in err.problems]
            scenario = labelled(base, scenario, self.design_name)
        self.run_seed = self._seed(seed if seed not in (None, "") else rng, scenario)
        super().__init__(rng=self.run_seed)
        self.config = scenario
        self.controls = current_values(scenario, self.design_name)
        self.stage = Stage(
            scenario,
            ("baseline", self.design_name),
            self.run_seed,
            org_chart=load_chart(scenario),
            size=frame_size(2, FRAME, None),
            fonts=Typography.scaled(FONT_SCALE),
        )
        self._name_the_design_in_the_key()
        self.baseline, self.program = (p.model for p in self.stage.panels)
        self.layers = FigureLayers(self.stage.fig, self.stage.dynamic)
        reporters = {
            measure_name(col, side): self._reporter(col, side) for side in SIDES for col in MEASURES
        }
        self.datacollector = mesa.DataCollector(model_reporters=reporters)
        self.stage.show(0)
        self.datacollector.collect(self)

    def _name_the_design_in_the_key(self) -> None:
        """The picture's chart key says the design's label, not "program" (one vocabulary)."""
        stage = self.stage
        key = stage.fig.legends[-1]
        width = stage.chart_title_w - 2.5 * stage.fonts.small / 72  # the key's line is 1.5 em
        key.texts[-1].set_text(stage._fit(self.label, stage.fonts.small, width))  # noqa: SLF001

    def _seed(self, seed: int | str | None, scenario: Scenario) -> int:
        if seed is None:
            return default_seed(scenario)
        try:
            value = int(str(seed).strip())
            if value < 0:
                raise ValueError
            return value
        except ValueError:
            self.problems.append(f"seed {seed!r}: not a whole number >= 0; using the default")
            return default_seed(scenario)

    def _reporter(self, column: str, side: str):
        def read(model: WorkshopModel) -> float:
            run = model.baseline if side == "baseline" else model.program
            week = run.steps
            if column == "turnover_junior" and week < TURNOVER_FROM_WEEK:
                return np.nan  # annualised from too few weeks to show
            return float(run.recorder.finish_columns()[column][-1])

        return read

    @property
    def weeks(self) -> int:
        """Weeks the scenario runs (warm-up plus the years after launch)."""
        return self.config.weeks

    @property
    def launch_week(self) -> int:
        """The week the program starts."""
        return self.config.launch_week

    def step(self) -> None:
        """One week for both runs; the chart follows."""
        self.stage.show(self.steps)
        self.datacollector.collect(self)
        if self.steps >= self.weeks:
            self.running = False

    def picture(self) -> Layers:
        """This week's org-chart frame as the page draws it: the still image and the shapes.

        The still parts (titles, departments, reporting lines, legend, chart axes) are
        rendered once per run, and again only when the turnover chart's scale grows; each
        week sends only the people, the pairs, the numbers, the lines and the date
        (`sim.app.canvas`).
        """
        return self.layers.layers()

    def numbers(self) -> dict[str, dict[str, Any]]:
        """This week's headline numbers, per side: what the two panels show."""
        out = {}
        for side, run in (("baseline", self.baseline), ("program", self.program)):
            columns = run.recorder.finish_columns()  # numpy, not a DataFrame a week
            turnover = columns["turnover_junior"][-1] if run.steps >= TURNOVER_FROM_WEEK else np.nan
            out[side] = {
                "junior turnover": float(turnover),
                "junior engagement": float(columns["engagement_junior"][-1]),
                "leadership fluency": float(columns["leadership_fluency"][-1]),
                "pairs": int(columns["pairs_active"][-1]),
                "exits so far": int(columns["exits_junior"].sum() + columns["exits_senior"].sum()),
            }
        return out

    def status(self) -> str:
        """The week, its date and where it is against the launch."""
        week = self.steps
        since = week - self.launch_week
        if since < 0:
            when = f"warm-up, launch in {-since} weeks"
        elif since == 0:
            when = "launch week"
        else:
            when = f"{since} weeks after launch"
        return f"week {week} of {self.weeks} ({week_date(self.config, week):%d %b %Y}; {when})"

    def design_text(self) -> dict[str, Any]:
        """The design knobs this run uses (after the controls were applied)."""
        return dict(self.controls)

    @property
    def label(self) -> str:
        """The label of the design on screen (what the picture's title says)."""
        return self.config.design(self.design_name).title

    def side_titles(self) -> dict[str, str]:
        """What each side is called everywhere: "no program" and the design's label."""
        return {"baseline": NO_PROGRAM, "program": self.label}

    def describe(self) -> dict[str, Any]:
        """What the run is: the scenario, the design shown and the seed."""
        return {
            "scenario": self.config.name,
            "design": self.design_name,
            "seed": self.run_seed,
            "people": int(self.baseline.org.size),
        }
