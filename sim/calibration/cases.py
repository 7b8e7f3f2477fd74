"""A case scenario file with parameter values overridden, as the calibration applies them.

`Case` reads a case file once and gives its validated scenario with dotted-key overrides
(``--set`` syntax, validated by the same code as a user's file). The joint calibration
(`sim.calibration.abc_smc`) runs the telecom case at each particle's values; the posterior
predictions (`sim.calibration.predict`) run every case at each draw's. The priors the values come
from are in `sim.scenario.priors`.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.scenario.loading import scenario_from_dict
from sim.scenario.parameters import Scenario, Target


@dataclass
class Case:
    """A case scenario file, and the same scenario with parameter values overridden.

    Attributes:
        name: the case's name (the scenario file's stem).
        path: the scenario file.
        raw: the file's TOML as a dictionary.
        fixed: overrides applied to every variant (e.g. a shorter horizon while searching).
    """

    name: str
    path: Path
    raw: dict[str, Any]
    fixed: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path, fixed: Mapping[str, Any] | None = None) -> Case:
        """A case from its scenario file."""
        path = Path(path)
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        return cls(path.stem, path, raw, dict(fixed or {}))

    def scenario(self, values: Mapping[str, Any] | None = None) -> Scenario:
        """The validated scenario with `values` (dotted keys) overriding the file."""
        merged = {**self.fixed, **(values or {})}
        sets = [f"{k}={_toml(v)}" for k, v in merged.items()]
        return scenario_from_dict(copy.deepcopy(self.raw), self.path.name, sets, self.path.parent)

    @property
    def targets(self) -> tuple[Target, ...]:
        """The case's targets, as the scenario file states them."""
        return self.scenario().targets


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(float(value))
    if isinstance(value, str):
        return '"' + value + '"'
    return str(value)
