"""Tests of the March (1991) validation model: Mesa and batch paths, findings, invariants."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.classic.march1991 import Individual, March1991Model, March1991Params, run_batch

REPO = Path(__file__).resolve().parent.parent


def se(values) -> float:
    values = np.asarray(values, dtype=float)
    return float(values.std(ddof=1) / np.sqrt(values.size))


# --- Mesa model and batch path agree --------------------------------------------------


def test_mesa_and_batch_agree_at_equilibrium():
    # Same process, different random streams: compare means and stopping times. The
    # tolerance is 4 standard errors of the difference (two-sided p ~ 6e-5 under H0).
    mesa_models = [March1991Model(p1=0.5, p2=0.5, rng=1000 + i) for i in range(200)]
    mesa_k = np.array([model.run() for model in mesa_models])
    mesa_t = np.array([model.steps for model in mesa_models])
    batch_k, batch_t = run_batch(2000, p1=0.5, p2=0.5, seed=7, return_periods=True)
    assert abs(mesa_k.mean() - batch_k.mean()) < 4 * np.hypot(se(mesa_k), se(batch_k))
    assert abs(mesa_t.mean() - batch_t.mean()) < 4 * np.hypot(se(mesa_t), se(batch_t))


def test_mesa_and_batch_agree_with_turnover_and_turbulence():
    mesa_k = np.array(
        [
            March1991Model(p1=0.9, p2=0.5, p3=0.1, p4=0.02, rng=2000 + i).run(periods=20)
            for i in range(150)
        ]
    )
    batch_k = run_batch(2000, p1=0.9, p2=0.5, p3=0.1, p4=0.02, periods=[20], seed=8)[:, 0]
    assert abs(mesa_k.mean() - batch_k.mean()) < 4 * np.hypot(se(mesa_k), se(batch_k))


# --- March's robust findings ------------------------------------------------------------


@pytest.mark.parametrize("p2", [0.5, 0.9])
def test_slow_socialisation_beats_fast(p2):
    slow = run_batch(300, p1=0.1, p2=p2, seed=11)
    fast = run_batch(300, p1=0.9, p2=p2, seed=12)
    # Published gap is ~0.2 for these p2; 300 runs give SE ~0.006 each.
    assert slow.mean() > fast.mean() + 0.1


def test_mixed_learners_beat_uniform_rate_of_same_mean():
    mixed = run_batch(300, p1=[0.9] * 25 + [0.1] * 25, p2=0.5, seed=13)
    uniform = run_batch(300, p1=0.5, p2=0.5, seed=14)
    assert mixed.mean() > uniform.mean() + 0.05


def test_turbulence_decays_knowledge_unless_turnover_sustains_it():
    t = list(range(10, 101, 10))
    still = run_batch(300, p1=0.5, p2=0.5, p4=0.02, periods=t, seed=15).mean(axis=0)
    moving = run_batch(300, p1=0.5, p2=0.5, p3=0.1, p4=0.02, periods=t, seed=16).mean(axis=0)
    assert still[-1] < 0.25 * still.max()
    assert moving[-1] > still[-1] + 0.3


# --- invariants -------------------------------------------------------------------------


def test_mesa_state_stays_in_range_under_turnover_and_turbulence():
    model = March1991Model(m=12, n=15, p1=0.7, p2=0.6, p3=0.2, p4=0.1, rng=3)
    ids = set()
    for _ in range(40):
        model.step()
        people = list(model.agents)
        assert len(people) == 15 and all(isinstance(p, Individual) for p in people)
        ids |= {p.unique_id for p in people}
        for person in people:
            assert set(np.unique(person.belief)) <= {-1, 0, 1}
            assert set(np.unique(person.action)) <= {-1, 1}
        assert set(np.unique(model.code)) <= {-1, 0, 1}
        assert set(np.unique(model.reality)) <= {-1, 1}
        assert -1 <= model.knowledge <= 1
    assert len(ids) > 15  # turnover replaced individuals with newcomers
    assert len(model.history) == 41 and model.history[0] == 0.0


def test_batch_knowledge_in_range_and_on_the_grid():
    k = run_batch(200, m=10, n=8, p1=0.3, p2=0.7, p3=0.05, p4=0.05, periods=[1, 5, 30], seed=4)
    assert k.shape == (200, 3)
    assert np.all((k >= -1) & (k <= 1))
    assert np.allclose(k * 10, np.round(k * 10))


def test_heterogeneous_rates_reach_the_agents():
    rates = [0.9] * 3 + [0.1] * 2
    model = March1991Model(m=5, n=5, p1=rates, p2=0.5, rng=1)
    assert sorted(p.p1 for p in model.agents) == sorted(rates)
    same = run_batch(50, p1=[0.4] * 50, p2=0.5, seed=5)
    np.testing.assert_array_equal(same, run_batch(50, p1=0.4, p2=0.5, seed=5))


def test_mesa_run_stops_at_equilibrium_and_equilibrium_is_absorbing():
    model = March1991Model(p1=0.5, p2=0.5, rng=21)
    assert not model.at_equilibrium()
    model.run()
    assert 0 < model.steps < model.params.max_periods
    assert not model.running
    assert len(model.history) == model.steps + 1
    # The definition, checked directly rather than through at_equilibrium().
    code, reality = model.code, model.reality
    score = int(code.astype(int) @ reality)
    for person in model.agents:
        b = person.belief.astype(int)
        assert b @ reality + np.count_nonzero(b == 0) <= score
        assert not np.any((code != 0) & (b != code))
    beliefs = {p.unique_id: p.belief.copy() for p in model.agents}
    frozen = code.copy()
    model.run(periods=5)
    np.testing.assert_array_equal(model.code, frozen)
    for person in model.agents:
        np.testing.assert_array_equal(person.belief, beliefs[person.unique_id])


def test_batch_runs_stop_before_the_cap():
    _, stopped = run_batch(300, p1=0.5, p2=0.5, seed=6, return_periods=True)
    assert stopped.max() < 3000 and stopped.min() > 0


def test_batch_freezes_at_equilibrium():
    # Knowledge recorded long after every run froze equals the equilibrium knowledge.
    final = run_batch(100, p1=0.9, p2=0.9, seed=9)
    late = run_batch(100, p1=0.9, p2=0.9, periods=[500, 2000], seed=9)
    np.testing.assert_array_equal(late[:, 0], final)
    np.testing.assert_array_equal(late[:, 1], final)


def test_without_socialisation_runs_reach_the_cap():
    k, stopped = run_batch(20, p1=0.0, p2=0.5, max_periods=50, seed=10, return_periods=True)
    assert np.all(stopped == 50) and k.shape == (20,)


# --- reproducibility --------------------------------------------------------------------


def test_same_seed_same_results():
    kwargs = dict(p1=0.3, p2=0.5, p3=0.05, periods=[10, 40])
    np.testing.assert_array_equal(run_batch(64, seed=3, **kwargs), run_batch(64, seed=3, **kwargs))
    assert not np.array_equal(run_batch(64, seed=3, **kwargs), run_batch(64, seed=4, **kwargs))
    a = March1991Model(p1=0.3, p2=0.5, p3=0.05, rng=5)
    b = March1991Model(p1=0.3, p2=0.5, p3=0.05, rng=5)
    a.run(periods=30)
    b.run(periods=30)
    assert a.history == b.history


# --- validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"p1": 1.5}, r"p1 must be a probability in \[0, 1\], got 1.5"),
        ({"p2": -0.1}, r"p2 must be a probability"),
        ({"p3": float("nan")}, r"p3 must be a probability"),
        ({"p4": "0.1"}, r"p4 must be a number"),
        ({"p1": [0.5] * 49}, r"one rate per individual \(n=50\), got 49 rates"),
        ({"p1": [0.5] * 49 + [2.0]}, r"p1\[49\] must be a probability"),
        ({"m": 0}, r"m must be an integer >= 1"),
        ({"n": 2.5}, r"n must be an integer >= 1"),
        ({"max_periods": 0}, r"max_periods must be an integer >= 1"),
    ],
)
def test_invalid_parameters_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        March1991Params(**kwargs)
    with pytest.raises(ValueError, match=message):
        March1991Model(**kwargs)
    with pytest.raises(ValueError, match=message):
        run_batch(5, **kwargs)


def test_invalid_batch_arguments_raise():
    with pytest.raises(ValueError, match="runs must be an integer >= 1"):
        run_batch(0)
    with pytest.raises(ValueError, match="period must be an integer >= 0"):
        run_batch(5, periods=[-1])
    with pytest.raises(ValueError, match="at least one period"):
        run_batch(5, periods=[])


def test_params_are_frozen():
    params = March1991Params()
    with pytest.raises(AttributeError):
        params.p1 = 0.2  # type: ignore[misc]


# --- the experiment script ------------------------------------------------------------


def load_script(monkeypatch):
    path = REPO / "experiments" / "reproduce_march1991.py"
    spec = importlib.util.spec_from_file_location("reproduce_march1991", path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look the module up
    spec.loader.exec_module(module)
    return module


def test_experiment_script_writes_the_tables(tmp_path, capsys, monkeypatch):
    script = load_script(monkeypatch)
    out = tmp_path / "out"
    assert script.main(["--runs", "20", "--out", str(out), "--jobs", "1", "--seed", "3"]) == 0
    expected = {
        "figure1.csv": (["p1", "p2", "knowledge", "ci_low", "ci_high", "runs"], 27),
        "heterogeneous.csv": (["n_fast", "knowledge", "ci_low", "ci_high", "runs"], 8),
        "uniform.csv": (["n_fast", "p1", "knowledge", "ci_low", "ci_high", "runs"], 8),
        "turnover.csv": (["p1", "p3", "t", "knowledge", "ci_low", "ci_high", "runs"], 30),
        "turbulence.csv": (["p3", "t", "knowledge", "ci_low", "ci_high", "runs"], 20),
    }
    for name, (columns, rows) in expected.items():
        df = pd.read_csv(out / name)
        assert list(df.columns) == columns, name
        assert len(df) == rows, name
        assert (df["runs"] == 20).all()
        assert ((df["ci_low"] <= df["knowledge"]) & (df["knowledge"] <= df["ci_high"])).all()
    uniform = pd.read_csv(out / "uniform.csv")
    np.testing.assert_allclose(uniform["p1"], 0.1 + 0.8 * uniform["n_fast"] / 50)
    assert (out / "march1991.png").stat().st_size > 0
    assert not list(out.glob(".*tmp*"))  # temporary names were renamed away
    printed = capsys.readouterr().out
    assert "Figure 1" in printed and "wall time" in printed and "command:" in printed

    with pytest.raises(SystemExit):  # refuses to overwrite a non-empty folder
        script.main(["--runs", "20", "--out", str(out), "--jobs", "1"])
