"""Agent-based simulation of reverse-mentoring programs in an organisation.

The public API is a handful of nouns:

- `Scenario` (and `default_scenario`, `load_scenario`): everything a run needs;
- `ProgramDesign`: one program's knobs;
- `OrgCultureModel`: the Mesa model of one organisation under one design;
- `run_scenario`: designs x replicate seeds -> tidy `Results` (series, summary);
- `write_results`: a results folder as `sim run` writes it (tables, manifest, report.html);
- `Experiment` (with `Values`, `Range` and a sample design): a sweep stored run by run.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.model.agents import Employee, Junior, Senior
    from sim.model.model import OrgCultureModel
    from sim.runs.experiment import (
        Experiment,
        Factorial,
        LatinHypercube,
        Morris,
        Range,
        Sobol,
        Values,
    )
    from sim.runs.replicates import Results, run_scenario
    from sim.scenario.design import ProgramDesign
    from sim.scenario.loading import load_scenario
    from sim.scenario.parameters import Scenario, default_scenario
    from sim.scenario.seeds import replicate_seeds
    from sim.viz.results_report import write_results

# Each name is imported on first use, so that `import sim` (and so every `sim` command, even
# `sim validate` refusing a file at once) does not pay for Mesa, the runs or matplotlib.
_WHERE = {
    "Employee": "sim.model.agents",
    "Junior": "sim.model.agents",
    "Senior": "sim.model.agents",
    "OrgCultureModel": "sim.model.model",
    "Experiment": "sim.runs.experiment",
    "Factorial": "sim.runs.experiment",
    "LatinHypercube": "sim.runs.experiment",
    "Morris": "sim.runs.experiment",
    "Range": "sim.runs.experiment",
    "Sobol": "sim.runs.experiment",
    "Values": "sim.runs.experiment",
    "Results": "sim.runs.replicates",
    "run_scenario": "sim.runs.replicates",
    "ProgramDesign": "sim.scenario.design",
    "load_scenario": "sim.scenario.loading",
    "Scenario": "sim.scenario.parameters",
    "default_scenario": "sim.scenario.parameters",
    "replicate_seeds": "sim.scenario.seeds",
    "write_results": "sim.viz.results_report",
}

__all__ = [
    "Employee",
    "Experiment",
    "Factorial",
    "Junior",
    "LatinHypercube",
    "Morris",
    "OrgCultureModel",
    "ProgramDesign",
    "Range",
    "Results",
    "Scenario",
    "Senior",
    "Sobol",
    "Values",
    "default_scenario",
    "load_scenario",
    "replicate_seeds",
    "run_scenario",
    "write_results",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
