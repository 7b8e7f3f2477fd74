"""Agent-based simulation of reverse-mentoring programs in an organisation.

The public API is a handful of nouns:

- `Scenario` (and `default_scenario`, `load_scenario`): everything a run needs;
- `ProgramDesign`: one program's knobs;
- `OrgCultureModel`: the Mesa model of one organisation under one design;
- `run_scenario`: designs x replicate seeds -> tidy `Results` (series, summary);
- `write_results`: a results folder as `sim run` writes it (tables, manifest, report.html);
- `Experiment` (with `Values`, `Range` and a sample design): a sweep stored run by run.
"""

from typing import Any

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
    # write_results draws report.html with matplotlib: imported on first use, so that
    # `import sim` stays quick for model users.
    if name == "write_results":
        from sim.viz.results_report import write_results

        return write_results
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
