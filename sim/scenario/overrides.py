"""Changed values of a ready scenario, checked as the loader checks a file (`with_overrides`).

Each new value goes through the loader's own field check (`sim.scenario.checks.Checker`:
the same conversions, ranges and messages as a scenario file or ``--set``), is put in place
with `dataclasses.replace` down its key's path, and the loader's cross-field checks run on
the result. Nothing is turned back into TOML-shaped dictionaries.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.errors import InputError, Problem, did_you_mean
from sim.scenario.checks import Checker, check_launch, check_scenario
from sim.scenario.design import ProgramDesign
from sim.scenario.removed import REMOVED_KEYS
from sim.scenario.schema import FieldInfo, field_infos

if TYPE_CHECKING:
    # Only named: the scenario's own class is `type(scenario)`, so that `Scenario`'s method
    # can call this module without an import cycle.
    from sim.scenario.parameters import Scenario

SEPARATOR = "__"
"""What stands for a dot of a scenario key in a Python name (``dynamics__exits__beta_e``)."""

TABLES = ("designs", "targets")  # a scenario's named tables: not one value each


def with_overrides(
    scenario: Scenario, values: Mapping[str, Any], keywords: Mapping[str, Any]
) -> Scenario:
    """`Scenario.with_overrides`: `values` and `keywords` merged; problems name keys as given."""
    if not isinstance(values, Mapping):
        raise InputError(
            [
                Problem(
                    f"with_overrides({values!r})",
                    'allowed: a mapping of keys to values, e.g. {"dynamics.exits.beta_e": 1.2}',
                )
            ]
        )
    paths: dict[str, Any] = {}
    given: dict[str, str] = {}
    problems = []
    for key, value in [*values.items(), *keywords.items()]:
        if not isinstance(key, str):
            problems.append(Problem(repr(key), "allowed: a key as text, e.g. 'org.size'"))
            continue
        path = key.replace(SEPARATOR, ".")
        if path in paths:
            problems.append(Problem(key, f"given twice (also as {given[path]})"))
            continue
        paths[path], given[path] = value, key
    if problems:
        raise InputError(problems)
    return override(scenario, paths, lambda path: given.get(path, path))


def override(
    scenario: Scenario, values: Mapping[str, Any], where: Callable[[str], str]
) -> Scenario:
    """The scenario with each key's value replaced, validated; every problem at once.

    Args:
        scenario: the validated scenario to change (left as it is).
        values: dotted key (``dynamics.exits.beta_e``, ``designs.NAME.KNOB``) -> its value
            as a scenario file holds it (None, or the key's word for none, where allowed).
        where: names a key's place in a problem (e.g. the keyword that set it).

    Raises:
        InputError: an unknown key (with close matches), a value the key does not allow,
            a launch before the start, or a cross-field check the loader makes.
    """
    check = Checker("", set(), where)
    changes = {}
    for path, value in values.items():
        info = _field(scenario, path, check)
        if info is not None:
            ok, converted = check.checked(info, raw_value(value, info), path)
            if ok:
                changes[path] = converted
    # The loader's order: the dates, then each value, then checks of the whole scenario.
    late = Checker("", set(), where)
    check_launch(*_dates(scenario, values, changes), late)
    problems = late.problems + check.problems
    if not check.problems:
        for path, value in changes.items():
            scenario = _replaced(scenario, path.split("."), value)
        late.problems = []
        check_scenario(scenario, late, None)
        problems += late.problems
    if problems:
        raise InputError(problems)
    return scenario


def raw_value(value: Any, info: FieldInfo) -> Any:
    """A Python value as a scenario file would hold it, for the loader's check."""
    if value is None and info.none_word is not None:
        return info.none_word
    if isinstance(value, np.generic):  # e.g. np.int64 from np.arange in a batch_run
        return value.item()
    if isinstance(value, tuple | list | np.ndarray):
        return [raw_value(v, info) for v in value]
    return value


def _dates(scenario: Scenario, values: Mapping[str, Any], changes: Mapping[str, Any]) -> tuple:
    """The start and launch to compare: new if valid, None if refused, else the scenario's."""

    def date(key: str) -> Any:
        if key in changes:
            return changes[key]
        return None if key in values else getattr(scenario, key)

    return date("start_date"), date("launch_date")


def _replaced(obj: Any, parts: list[str], value: Any) -> Any:
    """`obj` with the field at `parts` replaced (a design's knob in its scenario's tuple)."""
    if parts[0] == "designs":
        name, knob = parts[1:]
        designs = tuple(
            d.with_changes(**{knob: value}) if d.name == name else d for d in obj.designs
        )
        return dataclasses.replace(obj, designs=designs)
    head, rest = parts[0], parts[1:]
    new = _replaced(getattr(obj, head), rest, value) if rest else value
    return dataclasses.replace(obj, **{head: new})


# --- keys ---------------------------------------------------------------------------------
@functools.cache
def _fields(cls: type) -> dict[str, FieldInfo]:
    return {info.name: info for info in field_infos(cls)}


@functools.cache
def scenario_keys(scenario_cls: type) -> tuple[str, ...]:
    """Every dotted key of one value of a scenario class, in the schema's order (no designs)."""
    keys: list[str] = []

    def walk(cls: type, prefix: str) -> None:
        for info in _fields(cls).values():
            if info.name in TABLES:
                continue
            if info.is_group:
                walk(info.type, f"{prefix}{info.name}.")
            else:
                keys.append(prefix + info.name)

    walk(scenario_cls, "")
    return tuple(keys)


def _field(scenario: Scenario, path: str, check: Checker) -> FieldInfo | None:
    """The schema of the value a key names, or None with the problem recorded."""
    parts = path.split(".")
    if parts[0] == "designs":
        return _design_field(scenario, parts, path, check)
    if parts[0] == "targets":
        check.problem(path, "targets are case data, not values of a run; edit the scenario file")
        return None
    cls: type = type(scenario)
    for i, part in enumerate(parts):
        info = _fields(cls).get(part)
        if info is None:
            check.problem(path, _unknown(scenario, path))
            return None
        if not info.is_group:
            if i < len(parts) - 1:
                check.problem(path, f"{'.'.join(parts[: i + 1])} is a value, not a table")
                return None
            return info
        cls = info.type
    keys = ", ".join(f"{path}.{k}" for k in list(_fields(cls))[:2])
    check.problem(path, f"a table of {cls.__name__} settings; set one of its keys, e.g. {keys}")
    return None


def _design_field(
    scenario: Scenario, parts: list[str], path: str, check: Checker
) -> FieldInfo | None:
    """The schema of a design's knob, ``designs.NAME.KNOB``, of a design the scenario has."""
    names = [d.name for d in scenario.designs]
    if len(parts) != 3:
        example = names[0] if names else "NAME"
        check.problem(path, f"expected designs.NAME.KEY, e.g. designs.{example}.cadence_weeks")
        return None
    name, knob = parts[1:]
    if name not in names:
        hint = did_you_mean(name, names) or f"; designs: {', '.join(names) or 'none'}"
        check.problem(path, f"no design named {name!r} in the scenario{hint}")
        return None
    if knob == "name":
        check.problem(path, "unknown key; the table's name is the design's name")
        return None
    info = _fields(ProgramDesign).get(knob)
    if info is None:
        check.problem(path, _unknown(scenario, path))
        return None
    return info


def _unknown(scenario: Scenario, path: str) -> str:
    """An unknown key's message: what replaced a removed key, else the keys it may mean."""
    if path in REMOVED_KEYS:
        return REMOVED_KEYS[path]
    knobs = [k for k in _fields(ProgramDesign) if k != "name"]
    designs = [f"designs.{d.name}.{k}" for d in scenario.designs for k in knobs]
    keys = [*scenario_keys(type(scenario)), *designs]
    # A key's last part alone (beta_e) names the full key (dynamics.exits.beta_e).
    ends = [k for k in keys if k.endswith("." + path)]
    close = difflib.get_close_matches(path, keys, n=3, cutoff=0.6)
    matches = list(dict.fromkeys(ends + close))[:3]
    if matches:
        return f"unknown key; did you mean {' or '.join(matches)}?"
    return (
        "unknown key; allowed: a scenario file's key, e.g. dynamics.exits.beta_e or "
        "designs.NAME.cadence_weeks (sim scenario --template lists them all)"
    )
