"""Running a scenario: designs x replicate seeds -> tidy series and summary tables.

Replicate seeds are integers drawn once from `SeedSequence(scenario.seed)`; every design
runs on the same seeds (common random numbers), so differences between designs are not
noise between seeds. `run_one` is a plain function of its arguments, so any executor
(serial, processes, Dask) gives bit-identical rows. `run_scenario` pairs each design run
with the baseline run of its seed for the effects measured against it
(`sim.runs.effects.add_paired_effects`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from tqdm.auto import tqdm

from sim import analysis
from sim.model.model import OrgCultureModel
from sim.provenance import git_commit, package_version
from sim.runs.effects import add_paired_effects, mentor_counterfactual
from sim.scenario.orgchart import load_chart
from sim.scenario.parameters import Scenario
from sim.scenario.seeds import replicate_seeds

KEYS = ("design", "replicate", "seed")


@dataclass
class Results:
    """A scenario's tidy results: a row per run and week, and a row per run."""

    series: pd.DataFrame
    summary: pd.DataFrame
    people: pd.DataFrame | None = None

    def differences(
        self, against: str = "baseline", outcomes: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """Each design minus `against` on the same seeds, with 95% intervals of the mean.

        Args:
            against: the reference design.
            outcomes: summary columns (default: the headline outcomes).
        """
        return analysis.paired_differences(
            self.summary, list(outcomes or analysis.HEADLINE), against
        )

    def money(
        self, scenario: Scenario, against: str = "baseline", loss_threshold: float = 0.0
    ) -> pd.DataFrame:
        """The money table (`sim.analysis.money_table`) from the scenario's launch week."""
        return analysis.money_table(
            self.summary,
            self.series,
            against,
            scenario=scenario,
            loss_threshold=loss_threshold,
        )

    def ranking(self, against: str = "baseline") -> pd.DataFrame:
        """Every design ranked by its chance of the best net benefit (`ranking_table`)."""
        return analysis.ranking_table(self.summary, against)


def run_one(
    scenario: Scenario,
    design_name: str,
    replicate: int,
    seed: int,
    org_chart: object | None = None,
    keep_series: bool = True,
) -> tuple[pd.DataFrame | None, dict[str, object], pd.DataFrame | None]:
    """One run: the weekly series, the summary row and (if recorded) the people table.

    With `observation.mentor_counterfactual` the summary row also has the mentors' retention
    in the counterfactual run, which this runs too (`sim.runs.effects`). With
    `keep_series` False the series is None: callers that keep only the summary row skip
    building its DataFrame (the summary is computed from the same columns either way).
    """
    model = OrgCultureModel(scenario, scenario.design(design_name), seed, org_chart=org_chart)
    model.run_for(scenario.weeks)
    keys = {"design": design_name, "replicate": replicate, "seed": seed}
    series = model.series(keys) if keep_series else None
    outcomes = model.summary()
    if scenario.observation.mentor_counterfactual:
        outcomes.update(mentor_counterfactual(scenario, design_name, seed, model, org_chart))
    summary = {
        **keys,
        **outcomes,
        "sim_version": package_version(),
        "git_commit": git_commit(),
        "scenario_hash": scenario.digest(),
    }
    people = None
    if scenario.observation.record_people:
        people = model.people_table()
        for i, (k, v) in enumerate(keys.items()):
            people.insert(i, k, v)
    return series, summary, people


def run_scenario(
    scenario: Scenario,
    designs: Sequence[str] | None = None,
    seeds: Sequence[int] | None = None,
    org_chart: object | None = None,
    progress: bool = False,
) -> Results:
    """Run designs x replicates of a scenario and return the tidy tables.

    Args:
        scenario: the validated scenario.
        designs: design names to run (default: baseline, if included, and every design).
        seeds: replicate seeds (default: `replicate_seeds(scenario.seed, scenario.replicates)`).
        org_chart: an imported org chart (`OrgChart`), if the scenario uses one.
        progress: show a progress bar.

    Example:
        >>> from sim import default_scenario, run_scenario
        >>> results = run_scenario(default_scenario().with_changes(years=0.5), seeds=[1, 2])
        >>> sorted(results.summary["design"].unique())
        ['baseline', 'program']
    """
    names = list(designs or scenario.design_names)
    for name in names:
        scenario.design(name)  # fails early on an unknown name
    seeds = list(seeds) if seeds else replicate_seeds(scenario.seed, scenario.replicates)
    if org_chart is None:
        org_chart = load_chart(scenario)
    jobs = [(name, r, s) for r, s in enumerate(seeds) for name in names]
    series, rows, people = [], [], []
    for name, r, s in tqdm(jobs, desc="runs", unit="run", disable=not progress):
        one_series, row, one_people = run_one(scenario, name, r, s, org_chart)
        series.append(one_series)
        rows.append(row)
        if one_people is not None:
            people.append(one_people)
    return Results(
        series=pd.concat(series, ignore_index=True),
        summary=add_paired_effects(pd.DataFrame(rows)),
        people=pd.concat(people, ignore_index=True) if people else None,
    )
