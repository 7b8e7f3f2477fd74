"""The dashboard's "compare" button: a few replicates of the shown design against no program.

The same computations as `sim compare` (the headline table with 95% intervals over replicates)
and `sim explain` (each pathway's Shapley share of the design's effect), on the scenario the
controls made, the seeds drawn from its base seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sim import analysis
from sim.runs.replicates import run_scenario
from sim.scenario.parameters import Scenario
from sim.scenario.seeds import replicate_seeds
from sim.studies.explain import explain
from sim.viz.explain_plot import explain_notes, explain_tables

REPLICATES = 5  # below 5 the intervals are not to be relied on (analysis.few_replicates_warning)


@dataclass
class Comparison:
    """What the compare button shows.

    Attributes:
        headline: outcomes as rows, baseline and the design as columns, 'mean [interval]'.
        pathways: pathways as rows, outcomes as columns: each pathway's share of the effect.
        notes: pathways whose share is exactly 0 without being run, and why.
        replicates: the number of replicate seeds.
        runs: model runs made (the headline's and the pathway split's).
    """

    headline: pd.DataFrame
    pathways: pd.DataFrame
    notes: list[str]
    replicates: int
    runs: int


def compare(scenario: Scenario, design: str, replicates: int = REPLICATES) -> Comparison:
    """Run the design and the baseline on `replicates` seeds, and split the effect by pathway."""
    seeds = replicate_seeds(scenario.seed, replicates)
    results = run_scenario(scenario, ["baseline", design], seeds)
    headline = analysis.headline_table(results.summary, currency=scenario.costs.currency)
    split = explain(scenario, [design], seeds=seeds)
    summary = split.summary()
    return Comparison(
        headline=headline,
        pathways=explain_tables(summary)[design],
        notes=explain_notes(summary).get(design, []),
        replicates=len(seeds),
        runs=2 * len(seeds) + split.runs,
    )
