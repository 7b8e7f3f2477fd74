"""Experiments: a base scenario x designs x parameter sample points x replicate seeds.

An `Experiment` names the parameters to vary by the dotted key paths of `--set`
(``dynamics.exits.beta_e``, ``designs.program.cadence_weeks``, or ``designs.*.cadence_weeks``
for every design), each as a list of `Values` or a `Range`, and how to combine them: a
`Factorial` grid, a `LatinHypercube`, or SALib's `Sobol` and `Morris` samples. Every point's
scenario is built and validated by `sim.scenario.loading`, the one place that checks input.

Replicate seeds are drawn once from the experiment's base seed and shared by every design and
every sample point (common random numbers). Each run is a pure function of its `RunTask`, so
any executor and any number of workers give identical stored rows.

Modules: `samples` (what to vary and how to combine it), `points` (a point's scenario),
`tasks` (one run: `RunTask`, `RunOutcome`, `run_task`), `definition` (the `Experiment`
class and `run_experiment`) and `driver` (the loop that runs tasks into a store).

Example:
    >>> from sim import default_scenario
    >>> exp = Experiment(
    ...     default_scenario().with_changes(years=0.2),
    ...     parameters={"designs.*.cadence_weeks": [2, 4]},
    ...     replicates=2,
    ... )
    >>> len(exp.points), len(exp.tasks())
    (2, 8)
"""

from sim.runs.experiment.definition import Experiment, run_experiment
from sim.runs.experiment.driver import SweepReport, WorkerLost
from sim.runs.experiment.points import point_scenario
from sim.runs.experiment.samples import (
    Factorial,
    LatinHypercube,
    Morris,
    Range,
    Sobol,
    Values,
)
from sim.runs.experiment.tasks import RunOutcome, RunTask, run_task

__all__ = [
    "Experiment",
    "Factorial",
    "LatinHypercube",
    "Morris",
    "Range",
    "RunOutcome",
    "RunTask",
    "Sobol",
    "SweepReport",
    "Values",
    "WorkerLost",
    "point_scenario",
    "run_experiment",
    "run_task",
]
