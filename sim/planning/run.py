"""Run a plan comparison: one task per replicate through the project's executors.

A task runs the no-program run and every plan on its seed (`sim.planning.simulate`), so
what plans share -- the seed, the organisation, the warm-up's draws -- is drawn once per
seed, and the no-program run once for all plans. Rows come back in replicate order: the
same seeds give the same table whatever the number of workers.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from sim.planning.plans import Plan
from sim.planning.simulate import Task, Timeline, run_replicate
from sim.runs.executors import open_backend
from sim.scenario.parameters import Scenario


def run_plans(
    scenarios: Sequence[Scenario],
    design: str,
    seeds: Sequence[int],
    plans: Sequence[Plan],
    timeline: Timeline,
    horizons: Sequence[int],
    alpha: float = 0.05,
    unit: str = "department",
    org_chart: object | None = None,
    workers: int | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """A row per replicate, plan and evaluation length (`run_replicate`'s rows).

    `scenarios` holds one scenario for every replicate (the medians) or one per replicate
    (replicate r on its own posterior draw).
    """
    tasks = [
        Task(
            scenario=scenarios[r % len(scenarios)],
            design=design,
            replicate=r,
            seed=int(seed),
            plans=tuple(plans),
            timeline=timeline,
            horizons=tuple(horizons),
            alpha=alpha,
            unit=unit,
            org_chart=org_chart,
        )
        for r, seed in enumerate(seeds)
    ]
    rows: list[dict[str, object]] = []
    with open_backend(workers) as backend:
        futures = [backend.executor.submit(run_replicate, t) for t in tasks]
        if progress:
            from tqdm.auto import tqdm

            futures = tqdm(futures, desc="replicates", unit="replicate")
        for f in futures:
            rows += f.result()
    return pd.DataFrame(rows)
