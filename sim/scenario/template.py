"""A complete, commented scenario file written from the schema (`sim scenario --template`).

Also the Markdown parameter table for the docs: both read the same field metadata.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sim.scenario.calibrated import calibrated_values
from sim.scenario.design import ProgramDesign, default_program
from sim.scenario.parameters import Scenario
from sim.scenario.schema import FieldInfo, field_infos


def toml_value(value: Any, info: FieldInfo) -> str:
    """A value in TOML syntax (None as the field's word for it)."""
    if value is None:
        return f'"{info.none_word}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, dt.date):
        return value.isoformat()
    return repr(value)


def allowed_text(info: FieldInfo) -> str:
    """The allowed values of a field, for comments and docs."""
    parts = []
    if info.choices:
        parts.append(", ".join(info.choices))
    if info.pattern:
        parts.append(info.pattern[1])
    if info.lo is not None or info.hi is not None:
        lo = "" if info.lo is None else f"{info.lo:g}"
        hi = "" if info.hi is None else f"{info.hi:g}"
        parts.append(f"{lo}..{hi}")
    if info.none_word:
        parts.append(f'or "{info.none_word}"')
    return " ".join(parts)


def _comment(info: FieldInfo) -> str:
    extra = [x for x in (info.unit, allowed_text(info)) if x]
    return f"# {info.help}" + (f" ({'; '.join(extra)})" if extra else "")


def _table(cls: type, header: str, obj: Any, lines: list[str]) -> None:
    groups = []
    scalars = []
    for info in field_infos(cls):
        (groups if info.is_group else scalars).append(info)
    if header:
        lines += ["", f"[{header}]"]
    calibrated = calibrated_values()
    for info in scalars:
        if info.name in ("designs", "targets") or (cls is ProgramDesign and info.name == "name"):
            continue
        lines.append(_comment(info))
        key = f"{header}.{info.name}" if header else info.name
        if key in calibrated:  # left to the calibration: setting it is a choice to say so
            lines.append(
                f"# {info.name} = {calibrated[key]:g}  # left out: the calibration's median"
            )
            continue
        lines.append(f"{info.name} = {toml_value(getattr(obj, info.name), info)}")
    for info in groups:
        lines += ["", f"# {info.help}"]
        _table(
            info.type,
            f"{header}.{info.name}" if header else info.name,
            getattr(obj, info.name),
            lines,
        )


def scenario_template() -> str:
    """A complete scenario: every key at the value the loader gives when it is left out.

    The fitted behavioural parameters are comments at their calibrated values (the loader
    fills them in, `sim.scenario.calibrated`), so a scenario made from the template runs the
    calibration unless its author sets one.

    The design table shows a design's defaults (`ProgramDesign()`), not the built-in
    scenario's design, which a comment lists as its differences from them. Examples that
    would change a value (inheritance, case targets) are comments.
    """
    lines = [
        "# A scenario for the reverse-mentoring simulation: every key, at its default (the value",
        "# a scenario gets when the key is left out). Delete what you do not change;",
        "# run it with: sim run this-file.toml",
        "# Behavioural parameters the calibration fits are commented out at their posterior",
        "# medians (docs/ODD.md section 11.2): left out, they come from the calibration, and",
        "# sim compare runs over its posterior draws. Setting one uses your value instead.",
    ]
    _table(Scenario, "", Scenario(), lines)
    lines += [
        "",
        "# Program designs: one table each; the no-program baseline is added for you.",
        "# Every key below is at the value a design gets when the key is left out.",
    ]
    _table(ProgramDesign, "designs.program", ProgramDesign(), lines)
    builtin = default_program()
    differs = [
        f"{info.name} = {toml_value(getattr(builtin, info.name), info)}"
        for info in field_infos(ProgramDesign)
        if info.name != "name" and getattr(builtin, info.name) != info.default
    ]
    lines += [
        "",
        "# A design may inherit another's settings and override a few, e.g.:",
        "# [designs.program_two_way]",
        '# inherits = "program"',
        "# two_way = true",
        "",
        f'# A scenario with no [designs.*] table runs the built-in design "{builtin.name}": the',
        "# defaults above except " + ", ".join(differs) + ".",
        "",
        "# Case targets (optional): an outcome of a run's summary and the value a case",
        "# reports, e.g.:",
        "# [targets.turnover_junior_y1]",
        "# value = 0.18",
        '# design = "baseline"',
        "# tolerance = 0.02",
        '# note = "where the number comes from"',
    ]
    return "\n".join(lines) + "\n"


def parameter_table() -> str:
    """A Markdown table of every parameter: key, default, allowed, meaning, source."""
    rows = ["| key | default | allowed | meaning | source |", "| --- | --- | --- | --- | --- |"]

    def walk(cls: type, prefix: str, obj: Any) -> None:
        for info in field_infos(cls):
            key = f"{prefix}{info.name}"
            if info.is_group:
                walk(info.type, key + ".", getattr(obj, info.name))
                continue
            if info.name in ("designs", "targets", "name") and cls in (Scenario, ProgramDesign):
                continue
            unit = f" {info.unit}" if info.unit else ""
            default = toml_value(getattr(obj, info.name), info)
            rows.append(
                f"| `{key}` | `{default}`{unit} | {allowed_text(info)} | {info.help} "
                f"| {info.source or 'assumption'} |"
            )

    walk(Scenario, "", Scenario())
    walk(ProgramDesign, "designs.NAME.", ProgramDesign())
    return "\n".join(rows) + "\n"
