"""The result store: one transaction per run, a key that cannot repeat, a guarded resume."""

import sqlite3

import pandas as pd
import pytest

from helpers import small_scenario
from sim.errors import InputError
from sim.runs.experiment import Experiment, RunOutcome
from sim.runs.store import ResultStore


def experiment(**changes) -> Experiment:
    return Experiment(small_scenario(), {"dynamics.exits.beta_e": [1.0, 2.0]}, **changes)


def outcome(design="program", point=0, replicate=0, status="ok", series=None) -> RunOutcome:
    summary = None
    if status == "ok":
        summary = {
            "design": design,
            "replicate": replicate,
            "seed": 1,
            "exits_total": 7,
            "mentor_retention_52w": float("nan"),
            "sim_version": "0.1.0",
            "git_commit": "",
            "scenario_hash": "abc",
        }
    return RunOutcome(
        "exp",
        design,
        point,
        replicate,
        1,
        status,
        0.5,
        summary=summary,
        series=series,
        error=None if status == "ok" else "Traceback\nValueError: x",
    )


def test_the_store_is_sqlite_in_wal_mode(tmp_path):
    with ResultStore(tmp_path) as store:
        assert store.path == tmp_path / "results.sqlite"
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_run_is_stored_whole_or_not_at_all(tmp_path):
    exp = experiment()
    with ResultStore(tmp_path) as store:
        store.begin(exp)
        # The series insert fails after the run row went in: the transaction rolls it back.
        broken = pd.DataFrame({"design": ["program"], "replicate": [0], "seed": [1]})
        with pytest.raises(KeyError):
            store.record(outcome(series=broken))
        assert store.count() == 0
        store.record(outcome())
        assert store.count() == 1


def test_a_run_key_is_never_stored_twice_and_a_failed_run_is_replaced(tmp_path):
    with ResultStore(tmp_path) as store:
        store.begin(experiment())
        store.record(outcome(status="failed"))
        assert store.finished_keys() == set()  # failed runs are run again on resume
        store.record(outcome())
        runs = store.runs()
        assert len(runs) == 1 and runs["status"].tolist() == ["ok"]
        assert runs["dynamics.exits.beta_e"].tolist() == [1.0]
        assert runs["exits_total"].tolist() == [7] and runs["mentor_retention_52w"].isna().all()
        with pytest.raises(sqlite3.IntegrityError):
            store.conn.execute(
                "INSERT INTO runs (experiment, design, point, replicate, seed, params, status, "
                "wall_seconds) VALUES ('exp', 'program', 0, 0, 1, '{}', 'ok', 0)"
            )


def test_another_experiment_is_refused_and_the_same_one_needs_resume(tmp_path):
    with ResultStore(tmp_path) as store:
        store.begin(experiment())
        store.record(outcome())
    with ResultStore(tmp_path) as store:
        with pytest.raises(InputError, match="holds runs of a different sweep"):
            store.begin(experiment(replicates=3))
        with pytest.raises(InputError, match="pass --resume to continue it"):
            store.begin(experiment())
        store.begin(experiment(), resume=True)
        assert store.finished_keys() == {("program", 0, 0)}
        assert store.points()["dynamics.exits.beta_e"].tolist() == [1.0, 2.0]
        assert store.definition()["seeds"] == experiment().seeds


def test_two_sweeps_cannot_write_to_one_store_at_once(tmp_path):
    with ResultStore(tmp_path) as first, ResultStore(tmp_path) as second:
        first.lock()
        with pytest.raises(InputError, match="another sweep is writing to this store"):
            second.lock()
        first.close()  # a finished (or killed) sweep releases the lock
        second.lock()
