"""A scenario turned back into TOML-shaped data, for the loader to check again with changes.

`scenario_from_dict(scenario_raw(s))` gives `s` back: every value goes in as it is (floats,
dates, lists for tuples, a field's word for None), so changes applied to the raw data are
validated by `sim.scenario.loading`, the one place that checks input, and nothing else
moves. Sweeps use it for a sample point's overrides (`sim.runs.experiment.points`), which
also validates a scenario built in Python as a whole; `Scenario.with_overrides` changes
values without it.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from sim.scenario.design import ProgramDesign
from sim.scenario.parameters import Scenario
from sim.scenario.schema import field_infos


def scenario_raw(scenario: Scenario) -> dict[str, Any]:
    """A TOML-shaped dictionary that `scenario_from_dict` turns back into `scenario` (a copy)."""
    return copy.deepcopy(_raw_cached(scenario))


@functools.lru_cache(maxsize=32)
def _raw_cached(scenario: Scenario) -> dict[str, Any]:
    raw = raw_of(Scenario, scenario)
    raw["designs"] = {d.name: design_raw(d) for d in scenario.designs}
    raw["targets"] = {
        t.outcome: {k: getattr(t, k) for k in ("value", "design", "tolerance", "note")}
        for t in scenario.targets
    }
    return raw


def design_raw(design: ProgramDesign) -> dict[str, Any]:
    """A design's table as a scenario file writes it (its name is the table's name)."""
    return raw_of(ProgramDesign, design, skip=("name",))


def raw_of(cls: type, obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields of a parameter dataclass as TOML-shaped values (groups as nested tables)."""
    out: dict[str, Any] = {}
    for info in field_infos(cls):
        if info.name in skip or info.name in ("designs", "targets"):
            continue
        value = getattr(obj, info.name)
        if info.is_group:
            out[info.name] = raw_of(info.type, value)
        elif value is None:
            if info.none_word is not None:
                out[info.name] = info.none_word
        elif isinstance(value, tuple):
            out[info.name] = list(value)
        else:
            out[info.name] = value
    return out
