"""Global sensitivity analysis: Sobol S1/ST and Morris mu*/sigma (SALib) of a sweep's runs.

`sensitivity_table` computes the indices of any stored Sobol or Morris experiment;
`run_published_sensitivity` is the model's own two-stage analysis (docs/ODD.md section 11):
Morris screening of every uncertain behavioural parameter, then Sobol indices of those
that matter, for year-2 junior turnover, junior engagement and leadership fluency.

The sample matrix is rebuilt from the stored experiment definition (the same method, bounds
and seed give the same matrix), and each point's output is the mean over its replicates.
Replicates share seeds across points (common random numbers), which keeps seed noise from
posing as sensitivity.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.runs.experiment.samples import SALIB_METHODS, Range, require_salib
from sim.scenario.design import default_program
from sim.scenario.parameters import OrgSpec, Scenario
from sim.scenario.priors import prior_for


def salib_problem(definition: Mapping[str, Any]) -> dict[str, Any]:
    """The SALib problem (names, bounds) of a stored experiment definition."""
    params = definition["parameters"]  # in the sample matrix's column order
    names = [p["path"] for p in params]
    bounds = [[float(p["low"]), float(p["high"])] for p in params]
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def sample_matrix(definition: Mapping[str, Any]) -> np.ndarray:
    """The unrounded sample matrix of a Sobol or Morris experiment, as it was drawn."""
    require_salib()
    sample = definition["sample"]
    problem = salib_problem(definition)
    if sample["method"] == "sobol":
        from SALib.sample import sobol

        return sobol.sample(
            problem, sample["n"], calc_second_order=sample["second_order"], seed=sample["seed"]
        )
    if sample["method"] == "morris":
        from SALib.sample import morris

        return morris.sample(
            problem, sample["trajectories"], num_levels=sample["levels"], seed=sample["seed"]
        )
    raise ValueError(f"sensitivity indices need a sobol or morris sample, not {sample['method']}")


def point_means(runs: pd.DataFrame, outcome: str, design: str, n_points: int) -> np.ndarray:
    """Mean of one outcome over replicates at every point, for one design.

    Raises:
        ValueError: a point has no successful run or a NaN mean (the indices need them all).
    """
    ok = runs[(runs["design"] == design) & (runs["status"] == "ok")]
    means = ok.groupby("point")[outcome].mean().reindex(range(n_points))
    missing = int(means.isna().sum())
    if missing:
        raise ValueError(
            f"{outcome} for design {design!r}: {missing} of {n_points} points have no value "
            "(failed or missing runs); resume the sweep first"
        )
    return means.to_numpy(dtype=float)


def sensitivity_table(
    definition: Mapping[str, Any],
    runs: pd.DataFrame,
    outcomes: Sequence[str],
    design: str,
    seed: int = 1,
) -> pd.DataFrame:
    """Sobol or Morris indices (by the sample's method) for each outcome, tidy.

    `seed` seeds the bootstrap of the intervals. It must not be 0: SALib's Sobol analysis
    reads a seed of 0 as no seed, and its intervals would then differ from call to call.

    Returns:
        Sobol: a row per outcome and parameter with S1, S1_conf, ST, ST_conf.
        Morris: a row per outcome and parameter with mu, mu_star, mu_star_conf, sigma.
        The ``_conf`` columns are half-widths of 95% bootstrap intervals.
    """
    if seed == 0:
        raise ValueError("the bootstrap seed must not be 0 (SALib's Sobol reads 0 as no seed)")
    method = definition["sample"]["method"]
    if method not in SALIB_METHODS:
        raise ValueError(f"sensitivity indices need a sobol or morris sample, not {method}")
    require_salib()
    problem = salib_problem(definition)
    matrix = sample_matrix(definition)
    rows = []
    for outcome in outcomes:
        y = point_means(runs, outcome, design, len(matrix))
        if method == "sobol":
            from SALib.analyze import sobol

            res = sobol.analyze(
                problem,
                y,
                calc_second_order=definition["sample"]["second_order"],
                conf_level=0.95,
                seed=seed,
            )
            cols = ("S1", "S1_conf", "ST", "ST_conf")
        else:
            from SALib.analyze import morris

            res = morris.analyze(
                problem,
                matrix,
                y,
                conf_level=0.95,
                num_levels=definition["sample"]["levels"],
                seed=seed,
            )
            cols = ("mu", "mu_star", "mu_star_conf", "sigma")
        for i, name in enumerate(problem["names"]):
            rows.append(
                {
                    "design": design,
                    "outcome": outcome,
                    "parameter": name,
                    **{c: float(res[c][i]) for c in cols},
                }
            )
    return pd.DataFrame(rows)


# --- the published sensitivity of the model (docs/ODD.md section 11) -----------------------
PUBLISHED_NAME = "sensitivity"
PUBLISHED_DESIGN = "program"
PUBLISHED_OUTCOMES = {
    "turnover_junior_y2": "junior turnover, year 2",
    "engagement_junior_y2": "junior engagement, year 2 (mean)",
    "leadership_fluency_end": "leadership fluency at the end",
}
# The uncertain behavioural parameters of model v4 and the ranges they are varied over. A
# parameter the joint calibration fits is varied over its prior (`sim.scenario.priors`, each
# with its evidence; docs/ODD.md section 8), so the sensitivity and the calibration look at the
# same ranges; the others over half to twice the default, or 0 (the mechanism off) to twice
# the default, as the comment says (judgments).


def _prior_range(key: str) -> Range:
    prior = prior_for(key)
    return Range(prior.lo, prior.hi)


PUBLISHED_RANGES: dict[str, Range] = {
    # Calibration priors: base hazards, the engagement and contagion effects on exits.
    "dynamics.exits.base_junior": _prior_range("dynamics.exits.base_junior"),
    "dynamics.exits.beta_e": _prior_range("dynamics.exits.beta_e"),
    "dynamics.exits.base_senior": _prior_range("dynamics.exits.base_senior"),
    "dynamics.exits.beta_c": _prior_range("dynamics.exits.beta_c"),
    # Felps et al. 2009: contagion is real, its size per neighbour unmeasured: 0 to 2.5x.
    "dynamics.exits.c_e": Range(0.0, 0.05),
    # Relaxation toward the target: the calibration prior (half-lives of about 5 to 35 weeks).
    "dynamics.engagement.kappa": _prior_range("dynamics.engagement.kappa"),
    # Calibration priors of the juniors' target terms.
    "dynamics.engagement.a_climate": _prior_range("dynamics.engagement.a_climate"),
    "dynamics.engagement.a_gap": _prior_range("dynamics.engagement.a_gap"),
    "dynamics.engagement.a_voice": _prior_range("dynamics.engagement.a_voice"),
    # Growth (two-way designs only): 0 to twice the default.
    "dynamics.engagement.a_growth": Range(0.0, 0.2),
    # Calibration priors of the listening and voice stocks' memory and half-point; the
    # chain's weight in the climate over what the network's weight leaves (w_chain + w_net
    # <= 1, and w_net's prior reaches 0.4; over 0..1, a sample refused the whole study).
    "dynamics.engagement.h": _prior_range("dynamics.engagement.h"),
    "dynamics.engagement.l_half": _prior_range("dynamics.engagement.l_half"),
    "dynamics.engagement.w_chain": Range(0.0, 1.0 - prior_for("dynamics.engagement.w_net").hi),
    # Calibration priors of the network pathways (model v4).
    "dynamics.engagement.w_net": _prior_range("dynamics.engagement.w_net"),
    "dynamics.engagement.rho_v": _prior_range("dynamics.engagement.rho_v"),
    # Calibration prior of the juniors' engagement baseline.
    "workforce.junior_e0": _prior_range("workforce.junior_e0"),
    # Session transfer and the mentee's impulse: half to twice, 0 to twice the default.
    "dynamics.sessions.tau": Range(0.04, 0.16),
    "dynamics.sessions.g_mentee": Range(0.0, 0.04),
    # Knowledge drift: half to twice; spillover 0 (none) to twice.
    "dynamics.knowledge.phi": Range(0.005, 0.02),
    "dynamics.knowledge.frontier_drift": Range(0.05, 0.2),
    "dynamics.knowledge.sigma": Range(0.0, 0.02),
}
# Morris trajectories and replicates; Sobol base sample n (a power of 2), replicates and the
# most parameters kept from the screening.
PUBLISHED_SIZES = {
    "quick": {"trajectories": 4, "morris_reps": 2, "sobol_n": 32, "sobol_reps": 1, "keep": 4},
    "full": {"trajectories": 10, "morris_reps": 2, "sobol_n": 128, "sobol_reps": 2, "keep": 6},
}


@dataclass
class PublishedSensitivity:
    """The published sensitivity's tables and where they were written."""

    morris: pd.DataFrame
    sobol: pd.DataFrame
    kept: list[str]
    outcomes: dict[str, str]
    written: list[Path]
    runs: int
    wall_seconds: float


def published_scenario(size: int = 500, years: float = 2.0, seed: int = 20261122) -> Scenario:
    """The organisation and design every sample point varies: the built-in program, no baseline."""
    return Scenario(
        name=PUBLISHED_NAME,
        org=OrgSpec(size=size),
        years=years,
        seed=seed,
        include_baseline=False,
        designs=(default_program(),),
    )


def screen(morris: pd.DataFrame, keep: int) -> list[str]:
    """Parameters whose mu* is at least 10% of the largest for any outcome (the `keep` largest).

    mu* is compared within each outcome (relative to that outcome's largest), so an outcome
    on a small scale counts as much as one on a large scale. At least two are kept.
    """
    norm = morris.assign(
        rel=morris["mu_star"] / morris.groupby("outcome")["mu_star"].transform("max")
    )
    best = norm.groupby("parameter")["rel"].max().sort_values(ascending=False, kind="stable")
    chosen = best[best >= 0.1].index.tolist()[:keep]
    return chosen if len(chosen) >= 2 else best.index.tolist()[:2]


def published_outcomes(years: float) -> dict[str, str]:
    """The outcomes and their labels; runs shorter than two years read year 1 instead."""
    if years >= 2:
        return dict(PUBLISHED_OUTCOMES)
    return {
        o.replace("_y2", "_y1"): label.replace("year 2", "year 1")
        for o, label in PUBLISHED_OUTCOMES.items()
    }


def run_published_sensitivity(
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
    ranges: Mapping[str, Range] | None = None,
    sizes: Mapping[str, int] | None = None,
    say: Any = print,
) -> PublishedSensitivity:
    """Morris screening of every uncertain parameter, then Sobol indices of those that matter.

    Stage 1 (Morris, ``out/morris/results.sqlite``) ranks every parameter of
    `PUBLISHED_RANGES` by mu*; stage 2 (Sobol, ``out/sobol/results.sqlite``) varies the ones
    the screening keeps (`screen`), the others at their defaults. Each sample point's value
    is the mean over its replicates, which share seeds across points (common random
    numbers). A rerun with the same ``out`` resumes both stages. Writes ``out/morris.csv``
    and ``out/sobol.csv`` (`sensitivity_table`).

    Args:
        out: the output folder.
        quick: the quick sizes of `PUBLISHED_SIZES` (else the full ones).
        replicates: replicates per sample point, for both stages (default: the size's).
        size: people in the organisation.
        years: years simulated (year-2 outcomes need 2; shorter runs read year 1).
        seed: base seed of the samples and the replicate seeds.
        workers: local worker processes (default: one per core).
        force: discard stored runs of another experiment in the stages' folders.
        progress: progress bars with the time left.
        ranges: the parameters and their ranges (default: `PUBLISHED_RANGES`).
        sizes: the sample sizes, keyed as `PUBLISHED_SIZES`' (default: quick or full).
        say: where the stage messages go (None: nowhere).

    Raises:
        RunsFailed: some runs raised (stored with their tracebacks; rerun to resume).
    """
    from sim.runs.experiment import Experiment, Morris, Sobol, run_experiment
    from sim.runs.experiment.driver import RunsFailed
    from sim.runs.store import ResultStore, write_table

    say = say or (lambda *_: None)
    started = time.perf_counter()
    out = Path(out)
    sizes = dict(sizes or PUBLISHED_SIZES["quick" if quick else "full"])
    ranges = dict(ranges or PUBLISHED_RANGES)
    base = published_scenario(size, years, seed)
    outcomes = published_outcomes(years)

    def stage(exp: Experiment, folder: Path) -> pd.DataFrame:
        report, runs = run_experiment(exp, folder, workers, force, progress)
        if report.failures:
            raise RunsFailed.of(report, folder)
        with ResultStore(folder) as store:
            definition = store.definition()
        return sensitivity_table(definition, runs, list(outcomes), PUBLISHED_DESIGN)

    morris_exp = Experiment(
        base,
        ranges,
        sample=Morris(trajectories=sizes["trajectories"], levels=4),
        replicates=replicates or sizes["morris_reps"],
        name=f"{PUBLISHED_NAME}-morris",
    )
    n_runs = len(morris_exp.tasks())
    say(f"Morris screening: {len(ranges)} parameters, {n_runs} runs")
    morris = stage(morris_exp, out / "morris")
    kept = screen(morris, sizes["keep"])
    say("Kept for Sobol: " + ", ".join(kept))
    sobol_exp = Experiment(
        base,
        {k: ranges[k] for k in kept},
        sample=Sobol(n=sizes["sobol_n"]),
        replicates=replicates or sizes["sobol_reps"],
        name=f"{PUBLISHED_NAME}-sobol",
    )
    n_runs += len(sobol_exp.tasks())
    say(f"Sobol indices: {len(kept)} parameters, {len(sobol_exp.tasks())} runs")
    sobol = stage(sobol_exp, out / "sobol")
    written = [write_table(morris, out / "morris.csv"), write_table(sobol, out / "sobol.csv")]
    return PublishedSensitivity(
        morris, sobol, kept, outcomes, written, n_runs, time.perf_counter() - started
    )
