"""Does the network matter? The full model against itself with the org ties' mechanisms out.

The org ties (reporting, team and informal) carry two mechanisms (docs/ODD.md section 7):
exit contagion and senior knowledge spillover. The network ablation runs the full model and
variants on the same replicate seeds (common random numbers: the same people, exit draws
and program draws), switching `[dynamics.ablation]`:

- ``shuffled_ties``: the informal ties rewired at random, every person keeping their number of
  ties (their own random stream, drawn after people: the same people on other ties);
- ``no_contagion``: exits felt by no neighbour (no engagement drop, no hazard memory);
- ``no_spillover``: no knowledge spillover among senior neighbours;
- ``no_tie_effects``: both of the last two: the ties carry nothing at all.

Each variant's runs minus the full model's on the same seed give a paired difference per
outcome, with a 95% interval over replicates; the program's effect (program minus no
program, same seed) is compared the same way: does the network change what the program
does?
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.analysis import align, outcome_interval
from sim.runs.experiment import Experiment, run_experiment
from sim.runs.experiment.driver import RunsFailed
from sim.runs.store import write_table
from sim.scenario.design import default_program
from sim.scenario.parameters import OrgSpec, Scenario

NAME = "network-ablation"
FULL = "full"
# Variant -> the [dynamics.ablation] switches it sets (--set paths).
VARIANTS: dict[str, dict[str, bool]] = {
    FULL: {},
    "shuffled_ties": {"dynamics.ablation.shuffle_informal_ties": True},
    "no_contagion": {"dynamics.ablation.contagion": False},
    "no_spillover": {"dynamics.ablation.spillover": False},
    "no_tie_effects": {"dynamics.ablation.contagion": False, "dynamics.ablation.spillover": False},
}
VARIANT_LABELS = {
    FULL: "full model",
    "shuffled_ties": "informal ties shuffled (same degrees)",
    "no_contagion": "no exit contagion",
    "no_spillover": "no senior spillover",
    "no_tie_effects": "no contagion and no spillover",
}
OUTCOMES = {
    "turnover_junior_y2": "junior turnover, year 2",
    "engagement_junior_y2": "junior engagement, year 2 (mean)",
    "leadership_fluency_end": "leadership fluency at the end",
}
DESIGNS = ("baseline", "program")
EFFECT = "program effect"  # the design column of program-minus-baseline rows
SIZES = {"quick": {"replicates": 10}, "full": {"replicates": 40}}


@dataclass
class AblationResult:
    """The ablation's tables and where they were written."""

    runs: pd.DataFrame  # a row per variant, design and replicate
    table: pd.DataFrame  # paired differences against the full model
    written: list[Path]
    wall_seconds: float


def ablation_scenario(size: int = 500, years: float = 2.0, seed: int = 20261122) -> Scenario:
    """The organisation every variant runs: the built-in program beside no program."""
    return Scenario(
        name=NAME,
        org=OrgSpec(size=size),
        years=years,
        seed=seed,
        include_baseline=True,
        designs=(default_program(),),
    )


def variant_experiment(base: Scenario, variant: str, replicates: int) -> Experiment:
    """One variant's runs: every design on the experiment's replicate seeds."""
    switches = VARIANTS[variant]
    return Experiment(
        base,
        {path: [value] for path, value in switches.items()},
        replicates=replicates,
        name=f"{NAME}-{variant}",
    )


def run_network_ablation(
    out: str | Path,
    quick: bool = False,
    *,
    replicates: int | None = None,
    size: int = 500,
    years: float = 2.0,
    seed: int = 20261122,
    workers: int | None = None,
    force: bool = False,
    progress: bool = True,
    variants: Sequence[str] | None = None,
) -> AblationResult:
    """Run the full model and each variant on the same seeds; write the tables.

    Each variant's runs go to ``out/VARIANT/results.sqlite`` (a rerun with the same ``out``
    resumes them); ``out/ablation_runs.csv`` holds every run's outcomes and
    ``out/ablation.csv`` the paired differences (`ablation_table`).

    Args:
        out: the output folder.
        quick: 10 replicates instead of 40.
        replicates: overrides the size's replicates.
        size: people in the organisation.
        years: years simulated (year-2 outcomes need 2; shorter runs read year 1).
        seed: base seed of the replicate seeds.
        workers: local worker processes (default: one per core).
        force: discard stored runs of another experiment in the variants' folders.
        progress: progress bars (with the time left) per variant.
        variants: the variants to run besides the full model (default: all).

    Raises:
        RunsFailed: some runs raised (stored with their tracebacks; rerun to resume).
    """
    started = time.perf_counter()
    out = Path(out)
    n = replicates or SIZES["quick" if quick else "full"]["replicates"]
    base = ablation_scenario(size, years, seed)
    chosen = [FULL, *[v for v in (variants or VARIANTS) if v != FULL]]
    parts = []
    for variant in chosen:
        exp = variant_experiment(base, variant, n)
        report, runs = run_experiment(exp, out / variant, workers, force, progress)
        if report.failures:
            raise RunsFailed.of(report, out / variant)
        parts.append(runs.assign(variant=variant))
    runs = pd.concat(parts, ignore_index=True)
    outcomes = ablation_outcomes(years)
    keep = ["variant", "design", "replicate", "seed", *outcomes]
    # In the order of VARIANTS (the full model first), then design and replicate.
    rank = runs["variant"].map({v: i for i, v in enumerate(VARIANTS)})
    runs = runs.assign(_rank=rank).sort_values(["_rank", "design", "replicate"], kind="stable")
    runs = runs[keep].reset_index(drop=True)
    table = ablation_table(runs, list(outcomes))
    written = [
        write_table(runs, out / "ablation_runs.csv"),
        write_table(table, out / "ablation.csv"),
    ]
    return AblationResult(runs, table, written, time.perf_counter() - started)


def ablation_outcomes(years: float) -> dict[str, str]:
    """The outcomes and their labels; runs shorter than two years read year 1 instead."""
    if years >= 2:
        return dict(OUTCOMES)
    return {
        o.replace("_y2", "_y1"): label.replace("year 2", "year 1") for o, label in OUTCOMES.items()
    }


def ablation_table(runs: pd.DataFrame, outcomes: Sequence[str]) -> pd.DataFrame:
    """Each variant minus the full model on the same seed, per design and for the effect.

    Args:
        runs: a row per variant, design and seed with the outcome columns.
        outcomes: the outcomes to compare.

    Returns:
        A row per variant (not the full model), design ("baseline", "program", or
        "program effect": program minus baseline on the seed) and outcome: full, variant
        (means), difference with ci_low and ci_high (95% t interval of the mean paired
        difference) and n (seeds).
    """
    wide = _by_seed(runs, outcomes)
    rows = []
    for variant in [v for v in dict.fromkeys(runs["variant"]) if v != FULL]:
        for design in [*[d for d in DESIGNS if (FULL, d) in wide], EFFECT]:
            for outcome in outcomes:
                full = _values(wide, FULL, design, outcome)
                other = _values(wide, variant, design, outcome)
                if full is None or other is None:
                    continue
                full, other = align(full, other)
                diff = (other - full).to_numpy(dtype=float)
                mean, lo, hi = outcome_interval(diff, outcome, difference=True)
                rows.append(
                    {
                        "variant": variant,
                        "design": design,
                        "outcome": outcome,
                        "full": float(full.mean()),
                        "variant_mean": float(other.mean()),
                        "difference": mean,
                        "ci_low": lo,
                        "ci_high": hi,
                        "n": len(full),
                    }
                )
    return pd.DataFrame(rows)


def _by_seed(runs: pd.DataFrame, outcomes: Sequence[str]) -> dict[tuple[str, str], pd.DataFrame]:
    """(variant, design) -> the outcomes indexed by seed."""
    return {
        (str(v), str(d)): group.set_index("seed")[list(outcomes)]
        for (v, d), group in runs.groupby(["variant", "design"], sort=False)
    }


def _values(
    wide: Mapping[tuple[str, str], pd.DataFrame], variant: str, design: str, outcome: str
) -> pd.Series | None:
    """One variant's outcome by seed, for a design or for the program's effect."""
    if design == EFFECT:
        program, base = wide.get((variant, "program")), wide.get((variant, "baseline"))
        if program is None or base is None:
            return None
        program, base = align(program, base)
        return program[outcome] - base[outcome]
    at = wide.get((variant, design))
    return None if at is None else at[outcome]


def verdicts(table: pd.DataFrame) -> pd.DataFrame:
    """Whether each difference's 95% interval excludes 0 (a column `distinguishable`)."""
    clear = (table["ci_low"] > 0) | (table["ci_high"] < 0)
    return table.assign(distinguishable=clear.to_numpy(dtype=bool))


def describe(variant: str) -> str:
    """The variant's label for tables and figures."""
    return VARIANT_LABELS.get(variant, variant)


__all__ = [
    "AblationResult",
    "ablation_outcomes",
    "ablation_scenario",
    "ablation_table",
    "run_network_ablation",
    "verdicts",
]
