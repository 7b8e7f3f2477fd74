"""Sensitivity indices from stored runs find the parameter that drives an outcome."""

import json

import numpy as np
import pandas as pd
import pytest

from helpers import small_scenario
from sim.sweeps.experiment import Experiment, Morris, Range, Sobol
from sim.sweeps.sensitivity import point_means, sensitivity_table

# Not in alphabetical order: the stored definition must keep the sample's column order.
PARAMS = {
    "dynamics.exits.c_e": Range(0.0, 0.1),
    "dynamics.exits.beta_c": Range(0.0, 0.3),
    "dynamics.engagement.a_gap": Range(0.0, 0.3),
}


def synthetic_runs(exp: Experiment, replicates: int = 2) -> pd.DataFrame:
    """Runs whose outcome is 10 x c_e + 0.1 x a_gap (beta_c plays no part), plus seed noise."""
    rows = []
    rng = np.random.default_rng(0)
    for p, values in enumerate(exp.points):
        for r in range(replicates):
            y = 10 * values["dynamics.exits.c_e"] + 0.1 * values["dynamics.engagement.a_gap"]
            rows.append(
                {
                    "design": "program",
                    "point": p,
                    "replicate": r,
                    "status": "ok",
                    "y": y + rng.normal(0, 1e-4),
                }
            )
    return pd.DataFrame(rows)


def stored_definition(exp: Experiment) -> dict:
    # As the store keeps it: JSON with sorted keys.
    return json.loads(json.dumps(exp.to_dict(), sort_keys=True, default=str))


def test_sobol_indices_rank_the_driving_parameter_first():
    exp = Experiment(small_scenario(), PARAMS, sample=Sobol(n=256), designs=["program"])
    table = sensitivity_table(stored_definition(exp), synthetic_runs(exp), ["y"], "program")
    st = table.set_index("parameter")["ST"]
    assert st.idxmax() == "dynamics.exits.c_e" and st["dynamics.exits.c_e"] > 0.9
    assert abs(st["dynamics.exits.beta_c"]) < 0.02
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(table)


def test_morris_mu_star_ranks_the_driving_parameter_first():
    exp = Experiment(small_scenario(), PARAMS, sample=Morris(trajectories=10), designs=["program"])
    table = sensitivity_table(stored_definition(exp), synthetic_runs(exp), ["y"], "program")
    mu = table.set_index("parameter")["mu_star"]
    assert list(mu.sort_values(ascending=False).index) == [
        "dynamics.exits.c_e",
        "dynamics.engagement.a_gap",
        "dynamics.exits.beta_c",
    ]
    assert mu["dynamics.exits.c_e"] == pytest.approx(10 * 0.1, rel=0.01)  # 10 x the range


def test_missing_points_are_refused_rather_than_guessed():
    exp = Experiment(small_scenario(), PARAMS, sample=Sobol(n=4), designs=["program"])
    runs = synthetic_runs(exp)
    runs.loc[runs["point"] == 3, "status"] = "failed"
    with pytest.raises(ValueError, match="1 of 20 points have no value"):
        point_means(runs, "y", "program", len(exp.points))
