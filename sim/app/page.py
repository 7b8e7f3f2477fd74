"""The dashboard page: the design's controls, the animation's org chart, live charts, compare.

Solara imports this module (`SOLARA_APP=sim.app.page`) and renders `Page` once per browser
tab, so each tab builds its own `WorkshopModel`. Reset, play, pause and step are the page's
own (`sim.app.player`: the play loop makes each week's frame before the page shows it), and
so are the design's controls, so that each shows its value and unit at rest and a refused
value is said next to it. What the page shows is the truth
about what runs:

- the design is named by its label everywhere (the picture's title, the numbers, the charts'
  legend, the compare tables), and the baseline is "no program";
- a changed control is pending until Apply (or Reset, which does the same): the page
  lists what is pending, and Compare runs the design on the sliders and says so;
- the charts use dates and the picture's fixed scales.

`?present=1` (or the Present button) is the projector's mode: the picture alone, drawn to
fit the screen with large type, a thin bar of buttons, the controls in a drawer.

What the page starts from is read from `SIM_APP_CONFIG` (JSON: source, sets, design, seed),
which `sim app` sets before it starts the server.
"""

from __future__ import annotations

import html
import json
import os
import weakref
from typing import Any

import numpy as np
import solara

from sim.app import present
from sim.app.charts import LiveCharts
from sim.app.compare import REPLICATES, Comparison, compare, pathways
from sim.app.controls import CONTROLS, DESIGN_CONTROLS, mesa_params, value_text
from sim.app.dashboard import NO_PROGRAM, WorkshopModel, try_controls
from sim.app.pictures import Charts, FrameView, Numbers, OrgChart, make_frame
from sim.app.player import RunButtons, use_player

CONFIG_ENV = "SIM_APP_CONFIG"


def config() -> dict[str, Any]:
    """The scenario the page shows: `sim app`'s arguments, from the environment."""
    return json.loads(os.environ.get(CONFIG_ENV, "{}"))


def _format(name: str, value: float | int) -> str:
    if isinstance(value, float) and np.isnan(value):
        return "n/a yet"
    if name == "junior turnover":
        return f"{value:.1%}"
    if isinstance(value, float):
        return f"{value:.3f}"
    return f"{value:,}"


def _difference(name: str, base: float, program: float) -> str:
    if any(isinstance(v, float) and np.isnan(v) for v in (base, program)):
        return "n/a yet"
    diff = program - base
    if name == "junior turnover":
        return f"{100 * diff:+.1f} pp"
    if isinstance(diff, float):
        return f"{diff:+.3f}"
    return f"{diff:+,}"


def numbers_html(model: WorkshopModel) -> str:
    """This week's numbers: no program, the design (by its label), and their difference."""
    numbers = model.numbers()
    names = model.side_titles()
    rows = []
    for name in numbers["baseline"]:
        base, program = numbers["baseline"][name], numbers["program"][name]
        rows.append(
            f'<tr data-measure="{html.escape(name)}"><th>{name}</th>'
            f'<td data-side="baseline">{_format(name, base)}</td>'
            f'<td data-side="program">{_format(name, program)}</td>'
            f'<td data-side="difference">{_difference(name, base, program)}</td></tr>'
        )
    head = (
        f'<th data-side="baseline">{html.escape(names["baseline"])}</th>'
        f'<th data-side="program">{html.escape(names["program"])}</th>'
        "<th>difference</th>"
    )
    return (
        f'<p class="sim-week">{html.escape(model.status())}</p>'
        f'<table class="sim-numbers"><tr><th>this week</th>{head}</tr>{"".join(rows)}</table>'
    )


def design_html(model: WorkshopModel) -> str:
    """The design on screen: its label, its knobs with units, the scenario and seed."""
    items = "".join(
        f'<li data-knob="{c.name}">{html.escape(c.label)}: '
        f"{html.escape(value_text(c.name, model.controls[c.name]))}</li>"
        for c in CONTROLS
    )
    about = model.describe()
    return (
        f'<p>On screen: <b class="sim-label">{html.escape(model.label)}</b> beside '
        f"{NO_PROGRAM}; scenario <b>{html.escape(about['scenario'])}</b>, "
        f"{about['people']:,} people, seed {about['seed']}. Both runs share the organisation, "
        f'its people and every exit draw.</p><ul class="sim-design">{items}</ul>'
    )


def comparison_html(result: Comparison, pending: bool) -> str:
    """The compare button's tables: the difference, the money, then each side's outcomes."""
    which = (
        "the design on the sliders (not yet applied to the picture)"
        if pending
        else "the design on the sliders, which the picture shows"
    )
    verdicts = "".join(f"<li>{html.escape(v)}</li>" for v in result.verdicts)
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in result.notes)
    return (
        f'<p class="sim-compared">Compared: <b>{html.escape(result.label)}</b>, {which}, '
        f"against {NO_PROGRAM} on the same {result.replicates} replicate seeds "
        f"({result.runs} runs).</p>"
        f"<p><b>{html.escape(result.label)} minus {NO_PROGRAM}</b>, paired on seeds: mean "
        "[95% interval of the mean]; turnover in percentage points.</p>"
        + result.differences.to_html(classes="sim-differences", border=0)
        + "<p><b>Money of the decision</b>: amounts are the median [80% predictive interval: "
        "what one organisation may see] then the mean [95% interval of the mean]; chances "
        "are shares of the paired runs.</p>"
        + f'<ul class="sim-verdicts">{verdicts}</ul>'
        + result.money.to_html(classes="sim-money", border=0)
        + (f"<ul>{notes}</ul>" if notes else "")
        + "<p>Each side's outcomes: mean [95% interval of the mean over replicates].</p>"
        + result.headline.to_html(classes="sim-headline", border=0)
    )


STYLE = """
.sim-numbers, .sim-headline, .sim-differences, .sim-money, .sim-pathways
 {border-collapse: collapse; font-size: 16px}
.sim-numbers td, .sim-numbers th, .sim-headline td, .sim-headline th,
.sim-differences td, .sim-differences th, .sim-money td, .sim-money th,
.sim-pathways td, .sim-pathways th {padding: 3px 12px; border-bottom: 1px solid #ddd;
 text-align: right}
.sim-numbers th:first-child, .sim-headline th, .sim-differences th, .sim-money th,
.sim-pathways th {text-align: left}
.sim-week {font-size: 20px; font-weight: bold; margin: 4px 0}
.sim-design {columns: 2; font-size: 15px}
.sim-control {min-width: 260px; margin-bottom: 26px}
.sim-control-label {font-size: 15px}
.sim-control-value {font-weight: bold}
.sim-control-was {color: #8a5a00}
.sim-refusal {color: #b00020; font-size: 15px; font-weight: bold}
.sim-pending {background: #fff3cd; border: 2px solid #e0a800; padding: 6px 10px;
 font-size: 15px}
.sim-controls-column {width: 340px; flex: 0 0 340px}
.sim-main {flex: 1 1 0; min-width: 0}
.v-btn {text-transform: none !important}
canvas.sim-picture, canvas.sim-charts {width: 100%; height: auto; display: block}
"""


@solara.component
def Control(name: str, values: solara.Reactive[dict], applied: Any, refusals: list[str]):
    """One control: its label, its value and unit at rest, the widget, and any refusal."""
    control = next(c for c in CONTROLS if c.name == name)
    spec = mesa_params({**values.value})[name]
    value = values.value[name]

    def set_value(new: Any) -> None:
        values.set({**values.value, name: new})

    with solara.Column(gap="0px", classes=["sim-control"]).meta(ref=f"control-{name}"):
        was = "" if value == applied else f" (applied: {value_text(name, applied)})"
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f'<span class="sim-control-label">{html.escape(control.label)}: </span>'
                f'<span class="sim-control-value" data-control="{name}">'
                f"{html.escape(value_text(name, value))}</span>"
                f'<span class="sim-control-was">{html.escape(was)}</span>'
            ),
        )
        if isinstance(spec, dict) and spec["type"] == "Select":
            solara.Select(label="", value=value, values=spec["values"], on_value=set_value)
        elif isinstance(spec, dict):
            solara.Checkbox(label="on", value=value, on_value=set_value)
        elif spec.is_float_slider:
            solara.SliderFloat(
                "", value=value, min=spec.min, max=spec.max, step=spec.step,
                on_value=set_value, tick_labels="end_points",
            )  # fmt: skip
        else:
            solara.SliderInt(
                "", value=int(value), min=int(spec.min), max=int(spec.max), step=int(spec.step),
                on_value=set_value, tick_labels="end_points",
            )  # fmt: skip
        for text in refusals:
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f'<span data-refused="{name}">Refused: {html.escape(text)}</span>',
                classes=["sim-refusal"],
            )


def _pending(model: WorkshopModel, values: dict, seed: str) -> list[str]:
    """What the controls say that the run on screen does not use yet."""
    out = [
        f"{c.label}: {value_text(c.name, model.controls[c.name])} -> "
        f"{value_text(c.name, values[c.name])}"
        for c in CONTROLS
        if values[c.name] != model.controls[c.name]
    ]
    if seed.strip() != str(model.run_seed):
        out.append(f"seed: {model.run_seed} -> {seed.strip()}")
    return out


@solara.component
def Compare(model: WorkshopModel, scenario, design: str, pending: bool, refused: bool):
    """Compare the design on the sliders with no program; the pathway split on request."""

    def run() -> str:
        return comparison_html(compare(scenario, design), pending)

    def split() -> str:
        result = pathways(scenario, design)
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in result.notes)
        return (
            f"<p>Which pathway carries the effect of {html.escape(label)} (Shapley shares, "
            f"as sim explain; {result.runs} runs):</p>"
            + result.table.to_html(classes="sim-pathways", border=0)
            + (f"<ul>{notes}</ul>" if notes else "")
        )

    label = scenario.design(design).title if scenario is not None else ""
    task = solara.lab.use_task(run, dependencies=None)
    split_task = solara.lab.use_task(split, dependencies=None)
    if refused:
        solara.Button(
            "Compare: fix the refused values first", disabled=True, classes=["sim-compare-btn"]
        )
        return
    which = " (the sliders' design, not yet applied)" if pending else ""
    with solara.Row():
        solara.Button(
            f"Compare {REPLICATES} replicates: {label} minus {NO_PROGRAM}{which}",
            on_click=task,
            disabled=task.pending,
            color="primary",
            classes=["sim-compare-btn"],
        )
        solara.Button("Which pathway carries it?", on_click=split_task, disabled=split_task.pending)
    if task.pending:
        solara.Text(f"Running {REPLICATES} replicates of {label} and of {NO_PROGRAM}...")
    elif task.error:
        solara.Error(f"compare failed: {task.exception}")
    elif task.finished and task.value:
        solara.HTML(tag="div", unsafe_innerHTML=task.value, classes=["sim-compare"])
    if split_task.pending:
        solara.Text("Running the pathway split...")
    elif split_task.finished and split_task.value:
        solara.HTML(tag="div", unsafe_innerHTML=split_task.value, classes=["sim-split"])


@solara.component
def Page():
    """One tab's dashboard: controls on the left, the two runs in the main area."""
    settings = solara.use_memo(config, [])
    first = solara.use_memo(lambda: WorkshopModel(**settings), [])
    model = solara.use_reactive(first)
    values = solara.use_reactive(dict(first.controls))
    seed = solara.use_reactive(str(first.run_seed))
    pause_ms = solara.use_reactive(0)
    weeks_per_step = solara.use_reactive(1)
    router = solara.use_router()
    presenting = solara.use_reactive(present.wanted(router.search))
    drawer = solara.use_reactive(False)
    charts = solara.use_memo(weakref.WeakKeyDictionary, [])  # each run's live charts

    def make(m: WorkshopModel):
        if m not in charts:
            charts[m] = LiveCharts(m)
        return make_frame(m, charts[m], numbers_html)

    # The widgets that show the frame, fed straight by whoever makes a frame: a new week
    # re-renders nothing (sim.app.pictures.FrameView).
    view = solara.use_memo(lambda: FrameView(make(first), source=first), [])
    step, playing = use_player(model, view, make, weeks_per_step, pause_ms)

    base = {k: v for k, v in settings.items() if k != "seed"}
    scenario, refusals = solara.use_memo(
        lambda: try_controls(
            settings.get("source"), settings.get("sets", []), first.design_name, values.value
        ),
        [json.dumps(values.value, sort_keys=True, default=str)],
    )
    pending = _pending(model.value, values.value, seed.value)
    # Reset rebuilds from these: the sliders' design when it is valid, else the run's.
    chosen = values.value if not refusals else model.value.controls
    seed_value = seed.value.strip() if not refusals else str(model.value.run_seed)
    wanted = {**base, "seed": seed_value, **chosen}

    def apply() -> None:
        playing.set(False)
        if refusals or scenario is None:
            new = WorkshopModel(**wanted)
        else:  # the sliders' scenario is loaded and checked already: no second load
            new = WorkshopModel(seed=seed_value, prepared=(scenario, first.design_name))
        model.set(new)
        view.restart(make(new), source=new)  # a frame of the old run still on its way is dropped

    def controls() -> None:
        DesignControls(model.value, values, seed, refusals, pending, apply)

    def buttons() -> None:
        RunButtons(step, apply, playing, model.value.running)

    solara.Style(STYLE + present.STYLE)
    if presenting.value:
        present.Presenter(view, presenting, drawer, buttons, controls)
        return
    with solara.AppBar():
        solara.AppBarTitle(f"Reverse mentoring: {first.config.name}")
        solara.Button("Present", on_click=lambda: presenting.set(True), text=True)
    with solara.Row(style={"align-items": "flex-start", "gap": "16px"}):
        with solara.Column(classes=["sim-controls-column"]):
            with solara.Card("Run"):
                solara.SliderInt("Weeks per step", value=weeks_per_step, min=1, max=26, step=1)
                solara.SliderInt("Pause between steps (ms)", value=pause_ms, min=0, max=1000)
                buttons()
            controls()
        with solara.Column(classes=["sim-main"]):
            Numbers(view)
            OrgChart(view)
            Charts(view)
            with solara.Card("This run"):
                solara.HTML(tag="div", unsafe_innerHTML=design_html(model.value))
            with solara.Card("Compare over replicates"):
                Compare(
                    model.value, scenario, first.design_name, bool(pending), bool(refusals)
                ).key(f"compare-{id(scenario)}-{bool(pending)}")


@solara.component
def DesignControls(run, values, seed, refusals, pending, apply):
    """What is pending, Apply, and every control with its value, unit and any refusal."""
    with solara.Card("Design"):
        if pending:
            items = "".join(f"<li>{html.escape(p)}</li>" for p in pending)
            note = (
                "Fix the refused values to apply them; Reset re-runs the design on screen."
                if refusals
                else "Apply (or Reset) runs them; Compare already uses them."
            )
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f"<b>Changed, not applied yet:</b><ul>{items}</ul>{note}",
                classes=["sim-pending"],
            )
        solara.Button(
            "Apply changes" if pending else "Apply",
            on_click=apply,
            disabled=not pending or bool(refusals),
            color="warning" if pending else None,
            classes=["sim-apply"],
        )
        for c in DESIGN_CONTROLS:
            Control(c.name, values, run.controls[c.name], refusals.get(c.name, []))
        solara.InputText("Seed", value=seed, continuous_update=False)
    with solara.Card("Dynamics"):
        for c in CONTROLS[len(DESIGN_CONTROLS) :]:
            Control(c.name, values, run.controls[c.name], refusals.get(c.name, []))
        for text in refusals.get("", []):
            solara.HTML(tag="div", unsafe_innerHTML=html.escape(text), classes=["sim-refusal"])


# Re-exported so a test can name what the page shows.
__all__ = ["Page", "comparison_html", "config", "design_html", "numbers_html"]
