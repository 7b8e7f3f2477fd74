"""Posterior predictions: each case's pattern over parameter sets drawn from the posterior.

Each draw is one parameter set (drawn by weight from posterior.csv; the unfitted priors, the
volunteer weights, drawn from their priors) and one fresh seed; every case runs that set on
that seed. The spread of a prediction therefore carries both the parameters' uncertainty and
the run's own noise (a posterior predictive interval), and no case is refitted.

Roles (docs/ODD.md section 11.2): the telecom patterns are the *calibration* patterns (a
posterior predictive check); Pershing's mentor retention is *held out* (predicted from a case
file stripped of every value fitted to it); Hartford and Surabaya are *consistency* checks,
not evidence (one follows from the schedule and commitment, the other has a free elasticity
fitted to its one number).

The telecom draw is what the fit compares: the summaries averaged over K paired replicates,
plus one draw of the case's observation error (binomial sampling error, and the secular shift
on the drop; `sim.calibration.patterns`), so its interval says what the case could have
reported. Beside them, the program's year-1 effects (`sim.calibration.effects`, the mean over
the same K paired replicates). The same telecom draw is run from the prior as well
(`source` "prior"): the prior predictive interval the posterior's is compared with, and the
prior predictive checks of what the program does to juniors who take no part.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.calibration.abc_smc import CASE_DESIGN, REPLICATES
from sim.calibration.cases import Case
from sim.calibration.effects import EFFECTS, mean_effects
from sim.calibration.patterns import PATTERNS, mean_statistics, with_observation_error
from sim.calibration.posterior import WEIGHT, draw_particles
from sim.runs.replicates import run_one
from sim.scenario.parameters import Scenario
from sim.scenario.priors import Prior, fitted_priors, unfitted_priors
from sim.scenario.seeds import replicate_seeds

POSTERIOR, PRIOR = "posterior", "prior"


@dataclass(frozen=True)
class Check:
    """A case outcome predicted from the posterior.

    Attributes:
        case: the case file's stem.
        design: the design whose outcome is predicted.
        outcome: a summary outcome; an outcome ending in ``_effect_end`` is the design's
            value minus the baseline's on the same seed.
        observed: what the case reports.
        role: "calibration", "held out" or "consistency".
        fixed: overrides that leave the outcome unchanged and save time (e.g. a horizon cut
            to the week the outcome is measured).
        note: what the reader should know about it.
        beside: outcomes of the same run reported beside it, with no observed value.
    """

    case: str
    design: str
    outcome: str
    observed: float
    role: str
    fixed: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    beside: tuple[str, ...] = ()


CHECKS: tuple[Check, ...] = (
    Check(
        "pershing",
        "first_intake",
        "mentor_retention_52w",
        0.96,
        "held out",
        # Measured 52 weeks after the first session (launch + 1): a horizon of launch + 55
        # weeks measures it identically. The counterfactual run (every pathway off, the same
        # mentors) splits retention into who was chosen and what the program did for them.
        {"years": 1.05, "observation.mentor_counterfactual": True},
        "volunteer mentors; s_eng and s_dig are not identified and keep their priors",
        ("mentor_retention_counterfactual_52w", "mentor_retention_effect_52w"),
    ),
    Check(
        "hartford",
        "monthly_six_months",
        "sessions_per_pair",
        6.0,
        "consistency",
        note="follows from the schedule (7 monthly sessions) and the case file's commitment",
    ),
    Check(
        "surabaya",
        "two_senior_managers",
        "digital_relevance_effect_end",
        0.22,
        "consistency",
        note="the case file's free elasticity was fitted to this one number (v2)",
    ),
)
PAIRED_SUFFIX = "_effect_end"


@dataclass(frozen=True)
class Task:
    """One draw of one case: the scenario at that draw's parameters, and its seed."""

    case: str
    role: str
    design: str
    outcome: str
    observed: float
    draw: int
    particle: int
    seed: int
    scenario: Scenario
    beside: tuple[str, ...] = ()
    source: str = POSTERIOR
    replicates: int = REPLICATES


def telecom_rows(task: Task, keys: dict[str, Any]) -> list[dict[str, Any]]:
    """The calibration summaries with observation error, and the program's year-1 effects."""
    seeds = replicate_seeds(task.seed, task.replicates)
    stats = mean_statistics(task.scenario, task.design, seeds)
    rng = np.random.default_rng(np.random.SeedSequence([task.seed, 0x0B5]))
    noisy = with_observation_error(stats, rng)
    rows = [
        {**keys, "outcome": p.name, "observed": p.observed, "value": noisy[p.name]}
        for p in PATTERNS
    ]
    rows.append({**keys, "outcome": "turnover_millennial_y1", "observed": np.nan,
                 "value": stats["turnover_millennial_y1"]})  # fmt: skip
    effects = mean_effects(task.scenario, task.design, seeds)
    rows += [{**keys, "outcome": k, "observed": np.nan, "value": effects[k]} for k in EFFECTS]
    return rows


def run_task(task: Task) -> list[dict[str, Any]]:
    """The task's outcome(s) as rows of predictive.csv."""
    keys = {
        "source": task.source,
        "case": task.case,
        "role": task.role,
        "design": task.design,
        "draw": task.draw,
        "particle": task.particle,
        "seed": task.seed,
    }
    if task.outcome == "patterns":
        return telecom_rows(task, keys)
    if task.outcome.endswith(PAIRED_SUFFIX):
        level = task.outcome.replace("_effect_end", "_end")
        _, design_row, _ = run_one(task.scenario, task.design, 0, task.seed)
        _, base_row, _ = run_one(task.scenario, "baseline", 0, task.seed)
        value = float(design_row[level]) - float(base_row[level])
    else:
        _, row, _ = run_one(task.scenario, task.design, 0, task.seed)
        value = float(row[task.outcome])
        beside = [
            {**keys, "outcome": o, "observed": np.nan, "value": float(row[o])} for o in task.beside
        ]
        return [
            {**keys, "outcome": task.outcome, "observed": task.observed, "value": value},
            *beside,
        ]
    return [{**keys, "outcome": task.outcome, "observed": task.observed, "value": value}]


def prior_draws(priors: Sequence[Prior], n: int, seed: int) -> pd.DataFrame:
    """Draw n values of each unfitted parameters from their priors (one column per key)."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0x9819]))
    return pd.DataFrame({p.key: p.sample(rng, n) for p in priors})


def prior_sample(n: int, seed: int, priors: Sequence[Prior] | None = None) -> pd.DataFrame:
    """N equally weighted draws of the fitted priors, in posterior.csv's layout."""
    priors = fitted_priors() if priors is None else priors
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0x9810]))
    table = pd.DataFrame({WEIGHT: np.full(n, 1.0 / n)})
    for p in priors:
        table[p.key] = p.sample(rng, n)
    return table


def tasks(
    posterior: pd.DataFrame,
    draws: int,
    seed: int,
    scenarios: Path,
    checks: Sequence[Check] = CHECKS,
    telecom: str = "telecom",
    source: str = POSTERIOR,
    replicates: int = REPLICATES,
) -> list[Task]:
    """Every (case, draw) task: the telecom patterns first, then each check."""
    params = draw_particles(posterior, draws, seed)
    extra = prior_draws(unfitted_priors(), draws, seed)
    seeds = replicate_seeds(seed, draws)
    out: list[Task] = []
    cases = [(telecom, "calibration", CASE_DESIGN, "patterns", np.nan, {}, ())] + [
        (c.case, c.role, c.design, c.outcome, c.observed, c.fixed, c.beside) for c in checks
    ]
    for name, role, design, outcome, observed, fixed, beside in cases:
        case = Case.load(scenarios / f"{name}.toml", fixed)
        for i in range(draws):
            values = {k: float(v) for k, v in params.iloc[i].items() if k != "particle"}
            values |= {k: float(v) for k, v in extra.iloc[i].items()}
            out.append(
                Task(
                    name,
                    role,
                    design,
                    outcome,
                    observed,
                    i,
                    int(params["particle"].iloc[i]),
                    int(seeds[i]),
                    case.scenario(values),
                    beside,
                    source,
                    replicates,
                )
            )
    return out


def predict(
    task_list: Sequence[Task],
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Run the tasks (in order, whatever the executor) into the predictive table."""
    rows: list[dict[str, Any]] = []
    if executor is None:
        results = map(run_task, task_list)
    else:
        results = executor.map(run_task, task_list, chunksize=4)
    for done, result in enumerate(results, 1):
        rows += result
        if progress is not None:
            progress(done, len(task_list))
    return pd.DataFrame(rows)


def predictive_summary(predictive: pd.DataFrame, level: float = 0.90) -> pd.DataFrame:
    """A row per (case, outcome): observed, predictive median and `level` interval, inside?

    An outcome with no observed value (reported beside a pattern) gets no verdict (None).
    """
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    rows = []
    if "source" not in predictive:
        predictive = predictive.assign(source=POSTERIOR)
    groups = predictive.groupby(["source", "case", "outcome"], sort=False)
    for (source, case, outcome), g in groups:
        v = g["value"].to_numpy(float)
        v = v[np.isfinite(v)]
        obs = float(g["observed"].iloc[0])
        lo, med, hi = np.quantile(v, [lo_q, 0.5, hi_q]) if len(v) else (np.nan,) * 3
        rows.append(
            {
                "source": source,
                "case": case,
                "outcome": outcome,
                "role": g["role"].iloc[0],
                "design": g["design"].iloc[0],
                "observed": obs,
                "median": float(med),
                "q_lo": float(lo),
                "q_hi": float(hi),
                # No observed value (an outcome reported beside a pattern): no verdict.
                "inside": bool(lo <= obs <= hi) if len(v) and np.isfinite(obs) else None,
                # Where the observed value falls in the predictive distribution (0..1).
                "predictive_share_below": (
                    float(np.mean(v < obs)) if len(v) and np.isfinite(obs) else np.nan
                ),
                "n": int(len(v)),
            }
        )
    return pd.DataFrame(rows)
