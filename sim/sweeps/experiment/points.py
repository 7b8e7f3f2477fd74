"""A sample point's scenario: the base scenario with the point's overrides, validated.

The base scenario is turned back into TOML-shaped data once (cached), so that every point
goes through `sim.scenario.loading`, the one place that checks input.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.scenario.design import ProgramDesign
from sim.scenario.loading import scenario_from_dict
from sim.scenario.parameters import Scenario
from sim.scenario.schema import field_infos


def point_scenario(base: Scenario, sets: Sequence[str], source: str = "<experiment>") -> Scenario:
    """The base scenario with a point's ``path=value`` overrides, validated by the loader."""
    raw = copy.deepcopy(_scenario_raw(base))
    return scenario_from_dict(raw, source, list(sets))


def _scenario_raw(scenario: Scenario) -> dict[str, Any]:
    """A TOML-shaped dictionary that `scenario_from_dict` turns back into `scenario`."""
    return _raw_cached(scenario)


@functools.lru_cache(maxsize=32)
def _raw_cached(scenario: Scenario) -> dict[str, Any]:
    raw = _raw_of(Scenario, scenario)
    raw["designs"] = {d.name: _raw_of(ProgramDesign, d, skip=("name",)) for d in scenario.designs}
    raw["targets"] = {
        t.outcome: {k: getattr(t, k) for k in ("value", "design", "tolerance", "note")}
        for t in scenario.targets
    }
    return raw


def _raw_of(cls: type, obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for info in field_infos(cls):
        if info.name in skip or info.name in ("designs", "targets"):
            continue
        value = getattr(obj, info.name)
        if info.is_group:
            out[info.name] = _raw_of(info.type, value)
        elif value is None:
            if info.none_word is not None:
                out[info.name] = info.none_word
        elif isinstance(value, tuple):
            out[info.name] = list(value)
        else:
            out[info.name] = value
    return out


def scenario_from_file_or_default(path: str | Path | None, sets: Sequence[str] = ()) -> Scenario:
    """The base scenario of a sweep: a scenario file, or the built-in default."""
    from sim.scenario.loading import default_with_overrides, load_scenario

    if path is None:
        return default_with_overrides(list(sets))
    return load_scenario(path, list(sets))
