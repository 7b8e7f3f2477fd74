"""The joint calibration: priors, the ABC-SMC fit (seeded, resumable), posterior file, draws."""

import math
import sys

import numpy as np
import pandas as pd
import pytest

from sim.calibration import abc_smc, effects, patterns, predict
from sim.calibration.cases import Case
from sim.calibration.posterior import (
    draw_particles,
    posterior_summary,
    read_posterior,
    weighted_quantiles,
    write_posterior,
)
from sim.errors import InputError
from sim.runs.executors import process_pool
from sim.runs.replicates import run_scenario
from sim.scenario.cases import CASES_DIR
from sim.scenario.priors import PRIORS, fitted_priors, prior_table, schema_default
from sim.scenario.schema import field_infos
from sim.scenario.seeds import replicate_seeds

SMALL = {"org.size": 40}


@pytest.fixture(scope="module")
def small_case():
    return Case.load(CASES_DIR / "telecom.toml", SMALL)


# --- priors -----------------------------------------------------------------------------
def _schema_range(key):
    from sim.scenario.parameters import Scenario

    cls, parts = Scenario, key.split(".")
    for part in parts[:-1]:
        cls = next(f for f in field_infos(cls) if f.name == part).type
    info = next(f for f in field_infos(cls) if f.name == parts[-1])
    return info.lo, info.hi


@pytest.mark.parametrize("prior", PRIORS, ids=lambda p: p.key)
def test_every_prior_has_a_source_and_a_range_the_schema_accepts(prior, small_case):
    assert len(prior.source) > 40
    lo, hi = _schema_range(prior.key)
    assert prior.lo < prior.hi
    assert (lo is None or lo <= prior.lo) and (hi is None or prior.hi <= hi)
    # Both ends go through --set validation.
    small_case.scenario({prior.key: prior.lo})
    small_case.scenario({prior.key: prior.hi})


def test_judgment_ranges_say_so_and_unidentified_priors_are_not_fitted():
    judged = [p for p in PRIORS if "judgment" in p.source]
    assert len(judged) >= len(PRIORS) - 1
    unfitted = {p.key for p in PRIORS if not p.fitted}
    assert unfitted == {
        "dynamics.volunteers.s_eng",
        "dynamics.volunteers.s_dig",
        "dynamics.engagement.chain_decay",
    }
    table = prior_table()
    assert all(f"`{p.key}`" in table for p in PRIORS)
    assert "no: keeps its prior" in table


# a_climate's schema default (0.15, the specification's) lies above its prior, narrowed by
# the bystander check (docs/ODD.md 11.2); loaded scenarios use the calibrated median instead.
OUTSIDE_PRIOR = {"dynamics.engagement.a_climate"}


def test_each_default_lies_inside_its_prior():
    for p in PRIORS:
        inside = p.lo <= schema_default(p.key) <= p.hi
        assert inside != (p.key in OUTSIDE_PRIOR), p.key


# --- summary statistics and distance ----------------------------------------------------
def test_the_program_runs_year_before_launch_is_the_no_program_runs(small_case):
    scenario = small_case.scenario()
    a = patterns.run_statistics(scenario, abc_smc.CASE_DESIGN, 11)
    b = patterns.run_statistics(scenario, "baseline", 11)
    assert a["turnover_millennial_pre"] == b["turnover_millennial_pre"]
    assert a["engaged_share_millennial_pre"] == b["engaged_share_millennial_pre"]
    assert a["turnover_millennial_drop"] == pytest.approx(
        a["turnover_millennial_pre"] - a["turnover_millennial_y1"]
    )
    assert 0 <= a["engaged_share_millennial_pre"] <= 1


def test_distance_is_in_units_of_the_cases_observation_error():
    obs = patterns.observed()
    assert obs["turnover_millennial_drop"] == pytest.approx(0.07)
    assert patterns.distance(obs, obs) == 0
    sd = {p.name: p.sd for p in patterns.PATTERNS}
    one_sd = dict(obs, engaged_share_millennial_pre=obs["engaged_share_millennial_pre"] + 0.05)
    assert patterns.distance(one_sd, obs) == pytest.approx(1.0)
    # The drop's error holds both years' binomial errors and the secular shift.
    se = [patterns.binomial_se(r) for r in (0.18, 0.11)]
    assert sd["turnover_millennial_drop"] > math.hypot(*se) > sd["turnover_millennial_pre"]
    # A pre-launch level one SD too high with the same year 1 is less surprising than the
    # level alone off by that much (the drop shares the pre-launch year's error).
    level = dict(obs, turnover_millennial_pre=obs["turnover_millennial_pre"] + se[0])
    both = dict(level, turnover_millennial_drop=obs["turnover_millennial_drop"] + se[0])
    assert patterns.distance(both, obs) < patterns.distance(level, obs)
    assert math.isinf(patterns.distance(dict(obs, turnover_millennial_pre=np.nan), obs))
    # The tolerance floor: a uniform kernel with the observation error's variance.
    assert patterns.MIN_EPSILON == pytest.approx(math.sqrt(5))


def test_observation_error_draws_have_the_stated_covariance():
    rng = np.random.default_rng(1)
    obs = patterns.observed()
    draws = pd.DataFrame([patterns.with_observation_error(obs, rng) for _ in range(4000)])
    cov = np.cov(draws[list(patterns.NAMES)].to_numpy(float).T)
    np.testing.assert_allclose(cov, patterns.OBSERVATION_COVARIANCE, atol=1.5e-4)


def test_a_particle_averages_k_paired_replicates_of_its_own_seed(small_case):
    model = abc_smc.CaseModel(small_case, replicates=2)
    pars = {abc_smc.name_of(p.key): (p.lo + p.hi) / 2 for p in fitted_priors()}
    np.random.seed(3)
    got = model(pars)
    np.random.seed(3)
    seed = int(np.random.randint(0, 2**31 - 1))
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x0F17]))
    values = abc_smc.particle_values(pars, rng, abc_smc.unfitted_priors())
    want = patterns.mean_statistics(small_case.scenario(values), abc_smc.CASE_DESIGN,
                                    replicate_seeds(seed, 2))  # fmt: skip
    assert got == {n: want[n] for n in patterns.NAMES}
    # The unfitted parameters are drawn inside their priors, not held at a default.
    for p in abc_smc.unfitted_priors():
        assert p.lo <= values[p.key] <= p.hi


def test_the_program_effects_are_paired_and_zero_without_a_program(small_case):
    scenario = small_case.scenario()
    none = effects.program_effects(scenario, "baseline", 4)
    assert all(v == 0 for v in none.values())
    got = effects.program_effects(scenario, abc_smc.CASE_DESIGN, 4)
    ref = run_scenario(scenario, ["baseline", abc_smc.CASE_DESIGN], [4]).summary.set_index("design")
    diff = (
        ref.loc[abc_smc.CASE_DESIGN, "turnover_millennial_y1"]
        - ref.loc["baseline", "turnover_millennial_y1"]
    )
    assert got["turnover_millennial_y1_effect"] == pytest.approx(diff, abs=1e-12)
    assert set(got) == set(effects.EFFECTS)


def test_pyabc_parameter_names_map_back_to_dotted_keys():
    for p in PRIORS:
        assert "." not in abc_smc.name_of(p.key)
        assert abc_smc.key_of(abc_smc.name_of(p.key)) == p.key


# --- the fit ----------------------------------------------------------------------------
class Interrupted(Exception):
    pass


def test_an_interrupted_fit_resumes_to_the_uninterrupted_result_with_any_worker_count(
    small_case, tmp_path
):
    fit = abc_smc.Fit(small_case, population=3, generations=2, seed=5, replicates=1,
                      min_epsilon=0.0)  # fmt: skip
    whole = abc_smc.start(fit, tmp_path / "whole.db")
    expected = abc_smc.posterior_table(whole, fit.priors)
    assert abc_smc.generations_done(tmp_path / "whole.db") == 2
    assert len(expected) == 3 and expected["weight"].sum() == pytest.approx(1)
    assert list(expected.columns) == ["weight", *(p.key for p in fitted_priors())]

    # Stop part-way through the second generation (t = 1), after its first batch.
    def stop_in_second(t, accepted, evaluated):
        if t == 1 and evaluated > 0:
            raise Interrupted

    with pytest.raises(Interrupted):
        abc_smc.start(fit, tmp_path / "cut.db", progress=stop_in_second)
    assert abc_smc.generations_done(tmp_path / "cut.db") == 1

    # Resumed on two worker processes, each replaced by a fresh one after two batches (as
    # calibrate.py bounds their memory): the same particles, weights and thresholds.
    with process_pool(2, max_tasks_per_child=2) as pool:
        resumed = abc_smc.resume(fit, tmp_path / "cut.db", pool, workers=2)
    pd.testing.assert_frame_equal(abc_smc.posterior_table(resumed, fit.priors), expected)
    pd.testing.assert_frame_equal(
        abc_smc.generation_table(resumed), abc_smc.generation_table(whole)
    )


def test_the_fit_stops_at_the_first_generation_run_at_the_tolerance_floor(small_case, tmp_path):
    fit = abc_smc.Fit(small_case, population=3, generations=4, seed=5, replicates=1,
                      min_epsilon=1e6)  # fmt: skip
    history = abc_smc.start(fit, tmp_path / "floor.db")
    gens = abc_smc.generation_table(history)
    assert len(gens) == 1 and gens["epsilon"].iloc[0] == 1e6
    assert abc_smc.finished(tmp_path / "floor.db", fit)
    assert not abc_smc.finished(tmp_path / "floor.db", abc_smc.Fit(small_case, 3, 4, 5))


def test_a_fit_on_a_dask_cluster_gives_the_local_fits_particles(small_case, tmp_path):
    distributed = pytest.importorskip("distributed")
    fit = abc_smc.Fit(small_case, population=3, generations=2, seed=9, replicates=1,
                      min_epsilon=0.0)  # fmt: skip
    local = abc_smc.start(fit, tmp_path / "local.db")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    )
    with cluster, distributed.Client(cluster) as client:
        remote = abc_smc.start(fit, tmp_path / "dask.db", client.get_executor(pure=False), 2)
    pd.testing.assert_frame_equal(
        abc_smc.posterior_table(remote, fit.priors), abc_smc.posterior_table(local, fit.priors)
    )
    pd.testing.assert_frame_equal(abc_smc.generation_table(remote), abc_smc.generation_table(local))


def test_a_new_fit_refuses_an_existing_database(small_case, tmp_path):
    (tmp_path / "abc.db").write_text("")
    with pytest.raises(InputError, match="resume it"):
        abc_smc.start(abc_smc.Fit(small_case, 4, 1, 1), tmp_path / "abc.db")


# --- the posterior file and draws -------------------------------------------------------
def _posterior():
    return pd.DataFrame(
        {
            "weight": [0.0, 1.0, 0.0],
            "dynamics.exits.beta_e": [0.8, 2.0, 2.05],
            "dynamics.engagement.a_gap": [0.1, 0.2, 0.3],
        }
    )


def test_draws_follow_the_weights_and_the_seed(tmp_path):
    post = _posterior()
    draws = draw_particles(post, 20, seed=3)
    assert (draws["particle"] == 1).all() and (draws["dynamics.exits.beta_e"] == 2.0).all()
    even = post.assign(weight=[1 / 3] * 3)
    assert draw_particles(even, 30, 3).equals(draw_particles(even, 30, 3))
    assert not draw_particles(even, 30, 3).equals(draw_particles(even, 30, 4))


def test_posterior_file_round_trips_and_bad_files_get_clear_errors(tmp_path):
    write_posterior(tmp_path, _posterior(), {"git_commit": "abc"})
    back = read_posterior(tmp_path / "posterior.csv")
    pd.testing.assert_frame_equal(back, _posterior())
    (tmp_path / "no_weight.csv").write_text("dynamics.exits.beta_e\n1.0\n")
    with pytest.raises(InputError, match="no 'weight' column"):
        read_posterior(tmp_path / "no_weight.csv")
    (tmp_path / "bad_key.csv").write_text("weight,dynamics.exits.beta\n1,1.0\n")
    with pytest.raises(InputError, match=r"column dynamics\.exits\.beta.*allowed"):
        read_posterior(tmp_path / "bad_key.csv")
    with pytest.raises(InputError, match="no such posterior file"):
        read_posterior(tmp_path / "missing.csv")


def test_weighted_summary_ignores_particles_without_weight():
    s = posterior_summary(_posterior()).set_index("key")
    assert s.loc["dynamics.exits.beta_e", "median"] == 2.0
    assert s.loc["dynamics.exits.beta_e", "q_lo"] == s.loc["dynamics.exits.beta_e", "q_hi"] == 2.0
    q = weighted_quantiles(np.array([3.0, 1.0, 2.0]), np.ones(3), [0.0, 0.5, 1.0])
    assert list(q) == [1.0, 2.0, 3.0]


def test_the_library_posterior_is_readable_and_its_keys_are_fitted_priors():
    post = read_posterior(CASES_DIR / "posterior.csv")
    assert set(post.columns) - {"weight"} == {p.key for p in fitted_priors()}
    assert (CASES_DIR / "posterior.json").is_file()


# --- predictions ------------------------------------------------------------------------
def test_a_paired_prediction_is_the_design_minus_the_baseline_on_the_same_seed():
    case = Case.load(CASES_DIR / "surabaya.toml")
    scenario = case.scenario()
    check = next(c for c in predict.CHECKS if c.case == "surabaya")
    task = predict.Task("surabaya", "consistency", check.design, check.outcome, 0.22, 0, 0, 7,
                        scenario)  # fmt: skip
    (row,) = predict.run_task(task)
    ref = run_scenario(scenario, ["baseline", check.design], [7]).summary
    assert row["value"] == pytest.approx(
        ref.loc[ref["design"] == check.design, check.outcome].item(), abs=1e-12
    )


def test_predictive_summary_says_whether_the_observed_value_is_inside():
    pred = pd.DataFrame(
        {"case": "x", "role": "held out", "design": "d", "outcome": "o", "observed": 0.96,
         "value": np.linspace(0.7, 0.9, 50)}
    )  # fmt: skip
    row = predict.predictive_summary(pred).iloc[0]
    assert not row["inside"] and row["predictive_share_below"] == 1.0
    assert row["q_lo"] < row["median"] < row["q_hi"] < 0.96


def test_a_missing_pyabc_is_a_clear_install_message_not_a_traceback(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyabc", None)  # `import pyabc` now raises ImportError
    with pytest.raises(InputError) as caught:
        abc_smc.pyabc_or_error()
    text = str(caught.value)
    assert "pyabc" in text and "orgculture-sim[calibrate]" in text


def test_prior_sample_is_an_equally_weighted_posterior_table_inside_the_priors():
    table = predict.prior_sample(50, seed=2)
    read_back = posterior_summary(table)
    assert list(table.columns) == ["weight", *(p.key for p in fitted_priors())]
    assert table["weight"].sum() == pytest.approx(1)
    assert (read_back["q_lo"] >= read_back["prior_lo"]).all()
    assert (read_back["q_hi"] <= read_back["prior_hi"]).all()
    assert predict.prior_sample(50, 2).equals(table)


def test_a_telecom_draw_gives_the_summaries_with_observation_error_and_the_effects(tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    text = (CASES_DIR / "telecom.toml").read_text()
    (cases / "telecom.toml").write_text(text.replace("size = 300", "size = 40"))
    post = predict.prior_sample(2, seed=1)
    (task,) = predict.tasks(post, 1, 5, cases, checks=(), replicates=2, source=predict.PRIOR)
    rows = pd.DataFrame(predict.run_task(task))
    assert set(rows["source"]) == {predict.PRIOR}
    assert set(patterns.NAMES) | set(effects.EFFECTS) <= set(rows["outcome"])
    seeds = replicate_seeds(task.seed, 2)
    clean = patterns.mean_statistics(task.scenario, task.design, seeds)
    got = rows.set_index("outcome")["value"]
    # The summaries carry one draw of the observation error; year 1 is reported without it.
    assert got["turnover_millennial_y1"] == clean["turnover_millennial_y1"]
    assert all(got[n] != clean[n] for n in patterns.NAMES)
    summary = predict.predictive_summary(rows)
    assert set(summary["source"]) == {predict.PRIOR}
