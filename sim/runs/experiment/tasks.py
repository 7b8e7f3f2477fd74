"""One run of an experiment: the task a worker gets, the outcome it sends back, `run_task`."""

from __future__ import annotations

import functools
import time
import traceback
from dataclasses import dataclass
from typing import Any

from sim.errors import InputError
from sim.runs.experiment.points import point_scenario
from sim.runs.replicates import run_one
from sim.scenario.orgchart.load import chart_inputs
from sim.scenario.parameters import Scenario


@dataclass(frozen=True)
class RunTask:
    """Everything a worker needs for one run; a plain, picklable value."""

    experiment: str
    design: str
    point: int
    replicate: int
    seed: int
    base: Scenario
    sets: tuple[str, ...]
    source: str
    keep_series: bool

    @property
    def key(self) -> tuple[str, int, int]:
        """The run's identity in the store: (design, point, replicate)."""
        return (self.design, self.point, self.replicate)


@dataclass
class RunOutcome:
    """What a worker sends back: the summary row (and series) or the failure."""

    experiment: str
    design: str
    point: int
    replicate: int
    seed: int
    status: str
    wall_seconds: float
    summary: dict[str, Any] | None = None
    series: Any = None
    error: str | None = None

    @property
    def key(self) -> tuple[str, int, int]:
        """The run's identity in the store: (design, point, replicate)."""
        return (self.design, self.point, self.replicate)


@functools.lru_cache(maxsize=64)
def _point_scenario(base: Scenario, sets: tuple[str, ...], source: str) -> Scenario:
    # A worker validates each point's scenario once, not once per replicate (a few ms each:
    # several percent of a 500-person run). Scenarios are frozen, so sharing one is safe; a
    # point that fails validation raises again on every call (exceptions are not cached).
    return point_scenario(base, sets, source)


@functools.lru_cache(maxsize=8)
def _chart(inputs: tuple):
    # Workers load an imported org chart (with its ties and lists) once, not once per run.
    from sim.scenario.orgchart.load import load_chart_inputs

    return load_chart_inputs(*inputs)


def run_task(task: RunTask) -> RunOutcome:
    """Run one task; never raises: a failure comes back with its traceback."""
    started = time.perf_counter()
    keys = dict(
        experiment=task.experiment,
        design=task.design,
        point=task.point,
        replicate=task.replicate,
        seed=task.seed,
    )
    try:
        scenario = _point_scenario(task.base, task.sets, task.source)
        chart = _chart(chart_inputs(scenario)) if scenario.org.chart else None
        # A summary-only experiment builds no series DataFrame (a few ms of a small run).
        series, summary, _ = run_one(
            scenario, task.design, task.replicate, task.seed, chart, keep_series=task.keep_series
        )
    except InputError as err:
        return RunOutcome(
            **keys, status="failed", wall_seconds=time.perf_counter() - started, error=str(err)
        )
    except Exception:  # a model bug: recorded, and the sweep goes on
        return RunOutcome(
            **keys,
            status="failed",
            wall_seconds=time.perf_counter() - started,
            error=traceback.format_exc(),
        )
    return RunOutcome(
        **keys,
        status="ok",
        wall_seconds=time.perf_counter() - started,
        summary=summary,
        series=series,
    )
