"""Scenarios: what a run needs, validated in one place.

Parameters and program designs (frozen dataclasses whose fields carry defaults, ranges and
help text), TOML reading and the template, the outcome names targets may use, HR org-chart
import and the case library. The bottom layer of the package: it imports no model, sweep,
picture or command-line module.
"""

from sim.scenario.design import ProgramDesign
from sim.scenario.loading import load_scenario
from sim.scenario.parameters import Scenario, default_scenario

__all__ = ["ProgramDesign", "Scenario", "default_scenario", "load_scenario"]
