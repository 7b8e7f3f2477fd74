"""Sensitivity indices from stored runs find the parameter that drives an outcome."""

import json

import numpy as np
import pandas as pd
import pytest

from helpers import small_scenario
from sim.runs.experiment import Experiment, Morris, Range, Sobol
from sim.scenario.priors import PRIORS
from sim.studies.sensitivity import (
    PUBLISHED_RANGES,
    point_means,
    run_published_sensitivity,
    screen,
    sensitivity_table,
)

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


# --- the published two-stage analysis (run_published_sensitivity) ---------------------------
TINY_RANGES = {
    "dynamics.exits.base_junior": Range(0.10, 0.25),
    "dynamics.knowledge.sigma": Range(0.0, 0.02),
    "dynamics.engagement.a_gap": Range(0.0, 0.3),
}
TINY_SIZES = {"trajectories": 2, "morris_reps": 1, "sobol_n": 4, "sobol_reps": 1, "keep": 2}


def tiny_published(out):
    return run_published_sensitivity(
        out,
        size=40,
        years=1.0,
        workers=1,
        progress=False,
        ranges=TINY_RANGES,
        sizes=TINY_SIZES,
        say=None,
    )


def test_published_sensitivity_writes_both_stages_for_three_outcomes(tmp_path):
    result = tiny_published(tmp_path)
    outcomes = {"turnover_junior_y1", "engagement_junior_y1", "leadership_fluency_end"}
    morris = pd.read_csv(tmp_path / "morris.csv")
    sobol = pd.read_csv(tmp_path / "sobol.csv")
    assert set(morris["outcome"]) == set(sobol["outcome"]) == outcomes
    assert set(morris["parameter"]) == set(TINY_RANGES)
    assert len(result.kept) == 2 and set(sobol["parameter"]) == set(result.kept)
    assert {"mu_star", "mu_star_conf", "sigma"} <= set(morris)
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(sobol)
    # Morris: 2 trajectories x 4 points; Sobol: 4 x (2 + 2) points; one replicate each.
    assert result.runs == 2 * 4 + 4 * 4


def test_published_sensitivity_is_reproducible_and_resumes_from_its_store(tmp_path):
    first = tiny_published(tmp_path / "a")
    again = tiny_published(tmp_path / "b")
    pd.testing.assert_frame_equal(first.morris, again.morris)
    pd.testing.assert_frame_equal(first.sobol, again.sobol)
    # The same folder again: every run is stored, nothing reruns, the tables are the same.
    resumed = tiny_published(tmp_path / "a")
    pd.testing.assert_frame_equal(first.sobol, resumed.sobol)


def test_screening_keeps_what_matters_for_any_outcome():
    morris = pd.DataFrame(
        {
            "outcome": ["t"] * 3 + ["f"] * 3,
            "parameter": ["a", "b", "c"] * 2,
            # b matters only for f, whose scale is 100 times smaller
            "mu_star": [1.0, 0.001, 0.05, 0.0, 0.01, 0.0],
        }
    )
    assert screen(morris, keep=5) == ["a", "b"]


def test_publish_sensitivity_draws_the_figure_and_writes_the_summary(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from sim.cli.sensitivity import publish_sensitivity

    result = publish_sensitivity(
        tmp_path,
        size=40,
        years=1.0,
        workers=1,
        progress=False,
        ranges=TINY_RANGES,
        sizes=TINY_SIZES,
        say=None,
    )
    assert (tmp_path / "sensitivity.png").read_bytes()[:4] == b"\x89PNG"
    text = (tmp_path / "sensitivity.md").read_text()
    assert "## Morris screening" in text and "## Sobol indices" in text
    for parameter in TINY_RANGES:
        assert f"`{parameter}`" in text
    assert {p.name for p in result.written} >= {"morris.csv", "sobol.csv", "sensitivity.png"}


def test_published_ranges_are_the_calibration_priors_where_there_is_one():
    fitted = [p for p in PRIORS if p.fitted]
    for prior in fitted:
        assert PUBLISHED_RANGES[prior.key] == Range(prior.lo, prior.hi), prior.key
    others = set(PUBLISHED_RANGES) - {p.key for p in PRIORS}
    assert {"dynamics.sessions.tau", "dynamics.knowledge.phi"} <= others
    for key, r in PUBLISHED_RANGES.items():
        assert r.low < r.high, key


@pytest.mark.parametrize("end", ["low", "high"])
def test_every_published_range_end_makes_a_valid_scenario_together(end):
    """A sample point may put every parameter at the same end at once: the scenario must take
    it (w_chain + w_net <= 1 refused the whole study when w_chain went up to 1)."""
    from sim.scenario.loading import default_with_overrides

    values = {key: getattr(r, end) for key, r in PUBLISHED_RANGES.items()}
    default_with_overrides([f"{key}={value}" for key, value in values.items()])
