"""The dashboard's "compare" button: replicates of the design on the sliders and of no program.

The same computations as `sim compare`: each side's headline outcomes, the design minus no
program on the same seeds with 95% intervals of the mean (`Results.differences`), and the
money of the decision (`Results.money`: the chance of a positive net benefit, the net benefit's
median with its 80% predictive interval and its mean with the mean's 95% interval), on the
scenario the sliders make, the seeds drawn from its base seed. The split of the effect into
pathways (`sim explain`) takes many more runs, so it is a button of its own (`pathways`).
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
NO_PROGRAM = "no program"


def titles(scenario: Scenario, design: str) -> dict[str, str]:
    """The dashboard's one name for each side: "no program" and the design's label."""
    return {"baseline": NO_PROGRAM, design: scenario.design(design).title}


@dataclass
class Comparison:
    """What the compare button shows.

    Attributes:
        label: the design's label (what was compared with no program).
        headline: outcomes as rows, no program and the design as columns, 'mean [interval]'.
        differences: outcomes as rows, one column: the design minus no program, paired.
        money: money measures as rows, one column (`analysis.money_display`).
        verdicts: one sentence per design that follows its chance of a positive net benefit.
        notes: what the money table leaves out (horizons the run does not reach), if anything.
        replicates: the number of replicate seeds.
        runs: model runs made.
    """

    label: str
    headline: pd.DataFrame
    differences: pd.DataFrame
    money: pd.DataFrame
    verdicts: list[str]
    notes: list[str]
    replicates: int
    runs: int


def compare(scenario: Scenario, design: str, replicates: int = REPLICATES) -> Comparison:
    """Run the design and no program on `replicates` seeds; the tables of `sim compare`."""
    seeds = replicate_seeds(scenario.seed, replicates)
    results = run_scenario(scenario, ["baseline", design], seeds)
    currency = scenario.costs.currency
    names = titles(scenario, design)
    money = results.money(scenario)
    horizon = analysis.Horizon.of(scenario)
    note = analysis.horizon_note(money)
    return Comparison(
        label=names[design],
        headline=analysis.headline_table(results.summary, currency=currency, titles=names),
        differences=analysis.differences_table(
            results.differences(),
            currency=currency,
            titles={design: f"{names[design]} minus {NO_PROGRAM}"},
        ),
        money=analysis.money_display(money, currency, horizon, titles=names).rename_axis(
            index=f"vs {NO_PROGRAM}"
        ),
        verdicts=analysis.verdict_lines(money, currency, names),
        notes=[note] if note else [],
        replicates=len(seeds),
        runs=2 * len(seeds),
    )


@dataclass
class Pathways:
    """The split of the design's effect into pathways (`sim explain`)."""

    table: pd.DataFrame
    notes: list[str]
    runs: int


def pathways(scenario: Scenario, design: str, replicates: int = REPLICATES) -> Pathways:
    """Each pathway's Shapley share of the design's effect, on the compare button's seeds."""
    seeds = replicate_seeds(scenario.seed, replicates)
    split = explain(scenario, [design], seeds=seeds)
    summary = split.summary()
    return Pathways(
        table=explain_tables(summary)[design],
        notes=explain_notes(summary).get(design, []),
        runs=split.runs,
    )
