"""The dashboard's controls: which scenario keys a facilitator can move, and their ranges.

Each control names one scenario key in `--set` form; its range, choices and help come from the
parameter's own declaration (`sim.scenario.schema`), so no range is repeated here. A control's
value becomes a `--set` override and goes through the same validation as `sim run --set`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.scenario.design import ProgramDesign
from sim.scenario.parameters import EngagementParams, ExitParams, Scenario, SessionParams
from sim.scenario.schema import FieldInfo, field_infos

# Choices offered for knobs whose allowed range is open-ended or a list: a facilitator picks
# among values that mean something in a room, not any integer.
MENTEE_LEVELS = {"top level": [0], "top two levels": [0, 1], "top three levels": [0, 1, 2]}
DURATIONS = ("8", "17", "26", "52", "ongoing")


@dataclass(frozen=True)
class Control:
    """One control of the dashboard.

    Attributes:
        name: the keyword of `WorkshopModel` (a Python name).
        key: where it goes: ``design.KNOB`` (the shown design) or a scenario key path.
        label: what the control says.
        step: the slider's step (None for a choice or a switch).
        unit: how the value reads ("weeks", "%": a share shown in percent; "" a plain number).
    """

    name: str
    key: str
    label: str
    step: float | None = None
    unit: str = ""

    @property
    def info(self) -> FieldInfo:
        """The parameter's declaration: default, range, choices and help."""
        owner, _, field = self.key.rpartition(".")
        cls = {
            "design": ProgramDesign,
            "dynamics.exits": ExitParams,
            "dynamics.engagement": EngagementParams,
            "dynamics.sessions": SessionParams,
        }[owner]
        return next(f for f in field_infos(cls) if f.name == field)


DESIGN_CONTROLS = (
    Control("cadence_weeks", "design.cadence_weeks", "Weeks between sessions", 1, "weeks"),
    Control("commitment", "design.commitment", "Commitment (sessions held)", 0.05, "%"),
    Control("topic_focus", "design.topic_focus", "Topic focus", 0.1, "of 1"),
    Control("formal", "design.formal", "Formal program (off: coffee chats)"),
    Control("two_way", "design.two_way", "Two-way (mentors learn the business)"),
    Control("coverage", "design.coverage", "Coverage (eligible leaders)", 0.05, "%"),
    Control("mentee_levels", "design.mentee_levels", "Mentees"),
    Control("duration_weeks", "design.duration_weeks", "Duration", unit="weeks"),
    Control("mentor_selection", "design.mentor_selection", "Mentor selection"),
)
DYNAMICS_CONTROLS = (
    Control("beta_e", "dynamics.exits.beta_e", "Engagement effect on exits", 0.1, "log-odds"),
    Control("a_climate", "dynamics.engagement.a_climate", "Weight of listening climate", 0.01),
    Control("a_voice", "dynamics.engagement.a_voice", "Weight of mentors' voice", 0.01),
    Control("tau", "dynamics.sessions.tau", "Digital learning per session hour", 0.01),
)
CONTROLS = DESIGN_CONTROLS + DYNAMICS_CONTROLS
# Slider ends where the declared range is wider than a room needs (cadence up to 52 weeks).
SLIDER_MAX = {"cadence_weeks": 13, "beta_e": 4.0}


def current_values(scenario: Scenario, design: str) -> dict[str, Any]:
    """Each control's value in a scenario (as the control shows it)."""
    program = scenario.design(design)
    out = {}
    for c in CONTROLS:
        if c.key.startswith("design."):
            value = getattr(program, c.info.name)
        else:
            obj: Any = scenario
            for part in c.key.split("."):
                obj = getattr(obj, part)
            value = obj
        out[c.name] = shown(c.name, value)
    return out


def shown(name: str, value: Any) -> Any:
    """A parameter value as its control shows it (a choice's text for the lists)."""
    if name == "mentee_levels":
        if value is None:
            return "all senior levels"
        for text, levels in MENTEE_LEVELS.items():
            if list(value) == levels:
                return text
        return ", ".join(str(v) for v in value)
    if name == "duration_weeks":
        return "ongoing" if value is None else str(value)
    return value


def overrides(design: str, values: dict[str, Any]) -> list[str]:
    """`--set` overrides (KEY=VALUE in TOML syntax) for the controls given.

    Args:
        design: the program design the design knobs apply to.
        values: control name -> value as the control gives it; None leaves a key alone.
    """
    by_name = {c.name: c for c in CONTROLS}
    sets = []
    for name, value in values.items():
        if value is None:
            continue
        control = by_name[name]
        key = control.key.replace("design.", f"designs.{design}.", 1)
        sets.append(f"{key}={toml_value(name, value)}")
    return sets


def toml_value(name: str, value: Any) -> str:
    """A control's value as TOML text (what `--set` parses)."""
    if name == "mentee_levels":
        if value == "all senior levels":
            return '"all"'
        if value in MENTEE_LEVELS:
            return str(MENTEE_LEVELS[value])
        return "[" + str(value) + "]"  # "0, 1" as shown for a scenario's own list
    if name == "duration_weeks":
        return '"ongoing"' if value == "ongoing" else str(int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def mesa_params(values: dict[str, Any]) -> dict[str, Any]:
    """Mesa user parameters (`Slider` or input dicts) for every control, at `values`.

    Ranges and choices come from each parameter's declaration, so the sliders never offer a
    value that validation refuses.
    """
    from mesa.visualization import Slider

    out: dict[str, Any] = {}
    for c in CONTROLS:
        info, value = c.info, values[c.name]
        if c.name == "mentee_levels":
            choices = [*MENTEE_LEVELS, "all senior levels"]
            if value not in choices:
                choices.append(value)
            out[c.name] = {"type": "Select", "value": value, "values": choices, "label": c.label}
        elif c.name == "duration_weeks":
            choices = list(DURATIONS) if value in DURATIONS else [*DURATIONS, value]
            out[c.name] = {"type": "Select", "value": value, "values": choices, "label": c.label}
        elif info.choices:
            out[c.name] = {
                "type": "Select",
                "value": value,
                "values": list(info.choices),
                "label": c.label,
            }
        elif isinstance(value, bool):
            out[c.name] = {"type": "Checkbox", "value": value, "label": c.label}
        else:
            lo = info.lo if info.lo is not None else 0
            hi = SLIDER_MAX.get(c.name, info.hi)
            hi = max(hi, value)  # a scenario's own value is always reachable
            out[c.name] = Slider(c.label, value, lo, hi, on_grid(value, c.step), dtype=type(value))
    return out


def value_text(name: str, value: Any) -> str:
    """A control's value with its unit, as the dashboard shows it beside the control."""
    control = next(c for c in CONTROLS if c.name == name)
    if isinstance(value, bool):
        return "on" if value else "off"
    if control.unit == "%":
        return f"{100 * float(value):.0f}%"
    if name == "duration_weeks":
        return "ongoing" if value == "ongoing" else f"{value} weeks"
    if isinstance(value, str):
        return value.replace("_", " ")
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text} {control.unit}".strip()


# Knobs a design's label is made from when the controls change it, in reading order.
LABEL_KNOBS = (
    "cadence_weeks",
    "formal",
    "commitment",
    "coverage",
    "two_way",
    "topic_focus",
    "mentee_levels",
    "duration_weeks",
    "mentor_selection",
)


def design_label(base: ProgramDesign, design: ProgramDesign) -> str:
    """The label of the design the controls made: the scenario's own when no knob changed.

    A scenario's label ("Reverse mentoring, every two weeks") describes its own knobs; once a
    control changes one, the label says what the knobs now are (at most 80 characters, the
    label's own limit), so that no title describes a design that is not running.
    """
    changed = [k for k in LABEL_KNOBS if getattr(base, k) != getattr(design, k)]
    if not changed:
        return design.title
    words = []
    for knob in changed:
        value = getattr(design, knob)
        if knob == "cadence_weeks":
            words.append("every week" if value == 1 else f"every {value} weeks")
        elif knob == "formal":
            words.append("formal" if value else "coffee chats")
        elif knob == "two_way":
            words.append("two-way" if value else "one-way")
        elif knob == "commitment":
            words.append(f"{100 * value:.0f}% held")
        elif knob == "coverage":
            words.append(f"{100 * value:.0f}% of leaders")
        elif knob == "topic_focus":
            words.append(f"focus {value:g}")
        elif knob == "mentee_levels":
            words.append(f"mentees: {shown(knob, value)}")
        elif knob == "duration_weeks":
            words.append("ongoing" if value is None else f"{value} weeks long")
        else:
            words.append(f"mentors: {str(value).replace('_', ' ')}")
    label = "Mentoring " + ", ".join(words)
    return label if len(label) <= 80 else label[:79] + "…"


def on_grid(value: Any, step: float | None) -> Any:
    """A slider step on whose grid the value lies (finer than `step` if it must be).

    A slider snaps its value to its steps when it appears: a scenario's 1.71 on a 0.1 grid
    would become 1.7 and show as a change nobody made.
    """
    if step is None or isinstance(value, bool) or isinstance(value, int):
        return step
    for digits in range(0, 7):
        fine = 10.0**-digits
        if fine <= step and abs(round(value / fine) * fine - value) < 1e-9:
            return step if abs(round(value / step) * step - value) < 1e-9 else fine
    return 1e-6
