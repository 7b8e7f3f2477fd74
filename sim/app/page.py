"""The dashboard page: Mesa's SolaraViz controls around the animation's org chart.

Solara imports this module (`SOLARA_APP=sim.app.page`) and renders `Page` once per browser
tab, so each tab builds its own `WorkshopModel`. The controls are Mesa's (`ModelController`:
reset, play/pause, step; `ModelCreator`: the knobs) and so are the live charts
(`make_plot_component`, matplotlib backend: drawn on the server, no JavaScript from outside);
the page lays them out itself so that the org chart gets the full width.

What the page shows is read from `SIM_APP_CONFIG` (JSON: source, sets, design, seed), which
`sim app` sets before it starts the server.
"""

from __future__ import annotations

import html
import json
import os
from typing import Any

import numpy as np
import solara
from matplotlib.ticker import PercentFormatter
from mesa.visualization import make_plot_component
from mesa.visualization.solara_viz import ModelController, ModelCreator
from mesa.visualization.utils import update_counter

from sim.app.compare import REPLICATES, Comparison, compare
from sim.app.controls import mesa_params
from sim.app.workshop import MEASURES, SIDES, WorkshopModel, measure_name
from sim.viz.plots import design_colours

CONFIG_ENV = "SIM_APP_CONFIG"


def config() -> dict[str, Any]:
    """The scenario the page shows: `sim app`'s arguments, from the environment."""
    return json.loads(os.environ.get(CONFIG_ENV, "{}"))


def _plot(column: str, title: str, percent: bool):
    colours = design_colours(["baseline", "program"])
    measure = {measure_name(column, side): colours[side] for side in SIDES}

    def style(ax) -> None:
        # Mesa labels the x axis "Step" after this; one step is one week.
        ax.set_title(f"{title}, by week", loc="left", fontweight="bold")
        ax.grid(True, color="#e0e0e0", linewidth=0.6)
        ax.spines[["top", "right"]].set_visible(False)
        if percent:
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))

    component, _page = make_plot_component(measure, post_process=style, backend="matplotlib")
    return component


CHARTS = (
    _plot("turnover_junior", "Junior turnover (last 52 weeks)", True),
    _plot("engagement_junior", "Junior engagement", False),
    _plot("leadership_fluency", "Leadership fluency", False),
)


def _format(name: str, value: float | int) -> str:
    if isinstance(value, float) and np.isnan(value):
        return "n/a yet"
    if name == "junior turnover":
        return f"{value:.1%}"
    if isinstance(value, float):
        return f"{value:.3f}"
    return f"{value:,}"


def numbers_html(model: WorkshopModel) -> str:
    """This week's numbers, no program beside program (what the panels' captions say)."""
    numbers = model.numbers()
    rows = []
    for name in numbers["baseline"]:
        cells = "".join(
            f'<td data-side="{side}">{_format(name, numbers[side][name])}</td>' for side in SIDES
        )
        rows.append(f'<tr data-measure="{html.escape(name)}"><th>{name}</th>{cells}</tr>')
    head = "".join(f"<th>{SIDES[side]}</th>" for side in SIDES)
    return (
        f'<p class="sim-week">{html.escape(model.status())}</p>'
        f'<table class="sim-numbers"><tr><th></th>{head}</tr>{"".join(rows)}</table>'
    )


def design_html(model: WorkshopModel) -> str:
    """The knobs of the run on screen (changed controls apply at Reset)."""
    items = "".join(
        f'<li data-knob="{k}">{html.escape(k)}: {html.escape(str(v))}</li>'
        for k, v in model.design_text().items()
    )
    about = model.describe()
    problems = "".join(
        f'<p class="sim-problem">Not applied: {html.escape(p)}</p>' for p in model.problems
    )
    return (
        f"<p>Scenario <b>{html.escape(about['scenario'])}</b>, {about['people']:,} people; "
        f"design <b>{html.escape(about['design'])}</b>; seed {about['seed']}. Both runs share "
        "the organisation, its people and every exit draw.</p>"
        f'{problems}<ul class="sim-design">{items}</ul>'
    )


def comparison_html(result: Comparison) -> str:
    """The headline table and the pathway split, as HTML tables."""
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in result.notes)
    return (
        f"<p>{result.replicates} replicate seeds, {result.runs} runs; "
        "mean [95% interval over replicates].</p>"
        + result.headline.to_html(classes="sim-headline", border=0)
        + "<p>Which pathway carries the effect (Shapley shares, as sim explain):</p>"
        + result.pathways.to_html(classes="sim-pathways", border=0)
        + (f"<ul>{notes}</ul>" if notes else "")
    )


STYLE = """
.sim-numbers, .sim-headline, .sim-pathways {border-collapse: collapse; font-size: 15px}
.sim-numbers td, .sim-numbers th, .sim-headline td, .sim-headline th,
.sim-pathways td, .sim-pathways th {padding: 3px 12px; border-bottom: 1px solid #ddd;
 text-align: right}
.sim-numbers th:first-child, .sim-headline th, .sim-pathways th {text-align: left}
.sim-week {font-size: 20px; font-weight: bold; margin: 4px 0}
.sim-design {columns: 2; font-size: 13px}
.sim-problem {color: #b00020}
"""


@solara.component
def OrgChart(model: WorkshopModel):
    """The animation's frame of this week: both org charts, colours = engagement."""
    update_counter.get()
    solara.Image(model.png(), width="100%")


@solara.component
def Numbers(model: WorkshopModel):
    """The week and the headline numbers of both runs."""
    update_counter.get()
    solara.HTML(tag="div", unsafe_innerHTML=numbers_html(model), classes=["sim-now"])


@solara.component
def Compare(model: WorkshopModel):
    """A button that runs a few replicates and shows the table and the pathway split."""
    scenario, design = model.config, model.design_name

    def run() -> str:
        return comparison_html(compare(scenario, design))

    task = solara.lab.use_task(run, dependencies=None)
    label = f"Compare: {REPLICATES} replicates of {design} and no program"
    solara.Button(label, on_click=task, disabled=task.pending, color="primary")
    if task.pending:
        solara.Text("Running the replicates and the pathway split...")
    elif task.error:
        solara.Error(f"compare failed: {task.exception}")
    elif task.finished and task.value:
        solara.HTML(tag="div", unsafe_innerHTML=task.value, classes=["sim-compare"])


@solara.component
def Page():
    """One tab's dashboard: controls in the sidebar, the two runs in the main area."""
    settings = solara.use_memo(config, [])
    first = solara.use_memo(lambda: WorkshopModel(**settings), [])
    model = solara.use_reactive(first)
    parameters = solara.use_reactive({})
    play_interval = solara.use_reactive(150)
    weeks_per_step = solara.use_reactive(1)
    threads = solara.use_reactive(False)
    user_params = {
        **{k: v for k, v in settings.items() if k != "seed"},
        "seed": {"type": "InputText", "value": str(first.run_seed), "label": "Seed"},
        **mesa_params(first.controls),
    }

    solara.Style(STYLE)
    with solara.AppBar():
        solara.AppBarTitle(f"Reverse mentoring: {first.config.name}")
    with solara.Sidebar(), solara.Column():
        with solara.Card("Run"):
            solara.SliderInt("Weeks per step", value=weeks_per_step, min=1, max=26, step=1)
            solara.SliderInt("Pause between steps (ms)", value=play_interval, min=0, max=1000)
            ModelController(
                model,
                model_parameters=parameters,
                play_interval=play_interval,
                render_interval=weeks_per_step,
                use_threads=threads,
            )
        with solara.Card("Design and dynamics"):
            solara.Text("Changed knobs apply at Reset.")
            ModelCreator(model, user_params, model_parameters=parameters)
    with solara.Column():
        Numbers(model.value)
        OrgChart(model.value)
        with solara.Row():
            for chart in CHARTS:
                with solara.Column(style={"flex": "1 1 0", "min-width": "0"}):
                    chart(model.value)
        with solara.Card("This run"):
            DesignText(model.value)
        with solara.Card("Compare over replicates"):
            # A new model (Reset) starts with no comparison on screen.
            Compare(model.value).key(f"compare-{id(model.value)}")


@solara.component
def DesignText(model: WorkshopModel):
    """The knobs of the run on screen."""
    solara.HTML(tag="div", unsafe_innerHTML=design_html(model), classes=["sim-run"])


# Re-exported so a test can name what the page shows.
__all__ = ["MEASURES", "Page", "comparison_html", "config", "design_html", "numbers_html"]
