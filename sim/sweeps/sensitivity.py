"""Global sensitivity analysis of a sweep's runs: Sobol S1/ST and Morris mu*/sigma (SALib).

The sample matrix is rebuilt from the stored experiment definition (the same method, bounds
and seed give the same matrix), and each point's output is the mean over its replicates.
Replicates share seeds across points (common random numbers), which keeps seed noise from
posing as sensitivity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.sweeps.experiment.samples import SALIB_METHODS, require_salib


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
    seed: int = 0,
) -> pd.DataFrame:
    """Sobol or Morris indices (by the sample's method) for each outcome, tidy.

    Returns:
        Sobol: a row per outcome and parameter with S1, S1_conf, ST, ST_conf.
        Morris: a row per outcome and parameter with mu, mu_star, mu_star_conf, sigma.
        The ``_conf`` columns are half-widths of 95% bootstrap intervals.
    """
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
