"""A sample point's scenario: the base scenario with the point's overrides, validated.

The base scenario is turned back into TOML-shaped data once (cached, `sim.scenario.raw`), so
that every point goes through `sim.scenario.loading`, the one place that checks input.

Not `Scenario.with_overrides`, on purpose: a sweep checks a base scenario built in Python as
a whole (`point_scenario(base, [])`), which a change of some values does not; a point's
values arrive as ``--set`` text, where None and NaN read as words, not as values; and a
sweep's messages are the loader's (``--set KEY``, a table's own keys as suggestions).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sim.scenario.loading import scenario_from_dict
from sim.scenario.parameters import Scenario
from sim.scenario.raw import scenario_raw


def point_scenario(base: Scenario, sets: Sequence[str], source: str = "<experiment>") -> Scenario:
    """The base scenario with a point's ``path=value`` overrides, validated by the loader."""
    return scenario_from_dict(scenario_raw(base), source, list(sets))


def scenario_from_file_or_default(path: str | Path | None, sets: Sequence[str] = ()) -> Scenario:
    """The base scenario of a sweep: a scenario file, or the built-in default."""
    from sim.scenario.loading import default_with_overrides, load_scenario

    if path is None:
        return default_with_overrides(list(sets))
    return load_scenario(path, list(sets))
