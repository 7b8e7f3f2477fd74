"""Sweeps as a researcher runs them: any executor gives the same rows; kill -9 and resume
gives the rows of an uninterrupted sweep; failures are recorded and reported.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import sim.runs.experiment
from sim.cli.main import main
from sim.errors import InputError
from sim.runs.executors import SerialExecutor, open_backend
from sim.runs.experiment import Experiment
from sim.runs.store import ResultStore
from sim.runs.sweep_file import load_sweep

# Everything a run stores except its wall time and the git commit (another commit can land
# between two sweeps of a test; it is provenance, not a result).
COMPARED = (
    "experiment, design, point, replicate, seed, params, status, error, scenario_hash, "
    "sim_version, metrics"
)

SWEEP = """
name = "tiny"
replicates = {replicates}
seed = 7
outcomes = "{outcomes}"

[set]
"org.size" = {size}
years = {years}

[parameters]
"designs.*.cadence_weeks" = [1, 4]
"dynamics.exits.beta_e" = {{ low = 1.0, high = 2.0, steps = 2 }}
"""


def write_sweep(
    folder: Path, years: float = 0.25, outcomes: str = "summary", replicates=3, size=50
) -> Path:
    path = folder / "tiny.toml"
    path.write_text(SWEEP.format(years=years, outcomes=outcomes, replicates=replicates, size=size))
    return path


def stored_rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            f"SELECT {COMPARED} FROM runs ORDER BY design, point, replicate"
        ).fetchall()


def with_timeout(fn, seconds: float):
    """Call fn in a thread; fail the test instead of hanging CI if it does not return."""
    box = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as err:  # re-raised in the test's thread
            box["error"] = err

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(seconds)
    if t.is_alive():
        pytest.fail(f"timed out after {seconds} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


@pytest.fixture(scope="module")
def dask_cluster():
    """One 2-worker Dask LocalCluster for the module: processes, 1 thread each, no dashboard."""
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        dashboard_address=None,
        timeout="60s",
    )
    client = Client(cluster, timeout="60s")
    client.wait_for_workers(2, timeout=60)
    yield client
    client.close(timeout=30)
    cluster.close(timeout=30)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The tiny sweep run serially in this process: the rows every executor must match."""
    folder = tmp_path_factory.mktemp("reference")
    exp = load_sweep(write_sweep(folder, outcomes="series"))
    report = exp.run(folder / "ref.sqlite", SerialExecutor())
    assert report.ok and report.ran == 24
    return folder / "ref.sqlite"


def test_two_local_workers_store_the_same_rows_as_one(tmp_path, reference):
    exp = load_sweep(write_sweep(tmp_path, outcomes="series"))
    with open_backend(workers=2) as backend:
        assert backend.workers == 2
        report = with_timeout(lambda: exp.run(tmp_path / "two.sqlite", backend.executor), 120)
    assert report.ok and report.ran == 24
    assert stored_rows(tmp_path / "two.sqlite") == stored_rows(reference)
    with ResultStore(tmp_path / "two.sqlite") as a, ResultStore(reference) as b:
        assert a.series().equals(b.series())
        assert len(a.series()) == 24 * 14  # weeks 0..13 of a quarter year


def test_a_dask_local_cluster_stores_the_same_rows_as_one_worker(tmp_path, reference, dask_cluster):
    exp = load_sweep(write_sweep(tmp_path, outcomes="series"))
    executor = dask_cluster.get_executor(pure=False)
    report = with_timeout(lambda: exp.run(tmp_path / "dask.sqlite", executor, window=8), 120)
    assert report.ok and report.ran == 24
    assert stored_rows(tmp_path / "dask.sqlite") == stored_rows(reference)


def test_runs_export_to_pandas_csv_and_parquet(tmp_path, reference):
    with ResultStore(reference) as store:
        runs = store.runs()
        paths = store.export(tmp_path, "csv") + store.export(tmp_path, "parquet")
    assert len(runs) == 24 and list(runs["design"].unique()) == ["baseline", "program"]
    assert {"designs.*.cadence_weeks", "dynamics.exits.beta_e", "exits_total"} <= set(runs)
    assert {p.name for p in paths} == {"runs.csv", "series.csv", "runs.parquet", "series.parquet"}
    import pandas as pd

    back = pd.read_parquet(tmp_path / "runs.parquet")
    assert back["seed"].tolist() == runs["seed"].tolist()
    assert back["leadership_fluency_end"].tolist() == runs["leadership_fluency_end"].tolist()


def test_designs_share_seeds_so_a_program_that_never_meets_is_the_baseline(tmp_path):
    exp = load_sweep(write_sweep(tmp_path))
    exp = sim.runs.experiment.Experiment(
        exp.base, {"designs.*.commitment": [0.0]}, replicates=2, seed=3
    )
    exp.run(tmp_path / "crn.sqlite")
    with ResultStore(tmp_path / "crn.sqlite") as store:
        runs = store.runs()
    base = runs[runs["design"] == "baseline"].reset_index(drop=True)
    prog = runs[runs["design"] == "program"].reset_index(drop=True)
    assert base["seed"].tolist() == prog["seed"].tolist()
    assert base["exits_total"].tolist() == prog["exits_total"].tolist()


def run_cli(*args, **kw):
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], capture_output=True, text=True, timeout=180, **kw
    )


def test_kill_9_in_the_middle_then_resume_gives_the_uninterrupted_rows(tmp_path, reference):
    # More and longer runs than the reference, so the kill lands mid-sweep.
    sweep = write_sweep(tmp_path, years=1.0, replicates=8, size=150)
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "sweep", str(sweep), "--out", str(out), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    db = out / "results.sqlite"
    stored = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                stored = sqlite3.connect(db).execute("SELECT COUNT(*) FROM runs").fetchone()[0]
            except sqlite3.OperationalError:  # the schema is still being created
                stored = 0
            if stored >= 4:
                break
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the coordinator and every worker, mid-write or not
    proc.wait(timeout=30)
    assert 4 <= stored < 64, "the sweep should have been killed in the middle"

    resumed = run_cli("sweep", str(sweep), "--out", str(out), "--resume", "--workers", "2")
    assert resumed.returncode == 0, resumed.stderr
    assert "already stored" in resumed.stdout

    whole = load_sweep(sweep)
    whole.run(tmp_path / "whole.sqlite")
    rows = stored_rows(db)
    assert len(rows) == 64 and len({r[1:4] for r in rows}) == 64  # none twice, none missing
    assert rows == stored_rows(tmp_path / "whole.sqlite")


def test_a_changed_sweep_file_is_refused_on_resume(tmp_path, capsys):
    sweep = write_sweep(tmp_path)
    out = tmp_path / "out"
    assert main(["sweep", str(sweep), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    # a comment changes the file but not the validated sweep: resuming is fine
    sweep.write_text(sweep.read_text() + "# a note\n")
    assert main(["sweep", str(sweep), "--out", str(out), "--resume", "--quiet"]) == 0
    sweep.write_text(sweep.read_text().replace("replicates = 3", "replicates = 4"))
    capsys.readouterr()
    assert main(["sweep", str(sweep), "--out", str(out), "--resume", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "holds runs of a different sweep" in err and "changed since" in err
    assert main(["sweep", str(sweep), "--out", str(out), "--quiet"]) == 2
    assert "pass --resume to continue it" in capsys.readouterr().err
    with ResultStore(out) as store:
        assert store.count() == 24  # nothing was touched


def test_a_run_that_raises_is_recorded_the_sweep_goes_on_and_the_exit_code_says_so(
    tmp_path, monkeypatch, capsys
):
    real = sim.runs.experiment.tasks.run_one

    def flaky(scenario, design, replicate, seed, chart, **options):
        if design == "program" and replicate == 1 and scenario.design(design).cadence_weeks == 4:
            raise RuntimeError("boom in the model")
        return real(scenario, design, replicate, seed, chart, **options)

    monkeypatch.setattr(sim.runs.experiment.tasks, "run_one", flaky)
    sweep = write_sweep(tmp_path)
    out = tmp_path / "out"
    code = main(["sweep", str(sweep), "--out", str(out), "--workers", "1", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert "2 runs failed" in err
    assert (
        "design program, point 2, replicate 1" in err and "RuntimeError: boom in the model" in err
    )
    with ResultStore(out) as store:
        assert store.count("ok") == 22 and store.count("failed") == 2
        failures = store.failures()
        assert "Traceback" in failures["error"].iloc[0] and "boom" in failures["error"].iloc[0]
    assert (out / "runs.csv").exists() and (out / "summary.csv").exists()

    # Fixed: --resume runs only the failed runs again, and the sweep is complete.
    monkeypatch.setattr(sim.runs.experiment.tasks, "run_one", real)
    capsys.readouterr()
    code = main(["sweep", str(sweep), "--out", str(out), "--resume", "--workers", "1", "--quiet"])
    assert code == 0
    assert "22 runs were already stored" in capsys.readouterr().out
    with ResultStore(out) as store:
        assert store.count("ok") == 24 and store.count() == 24


def test_sweep_help_and_input_errors_have_no_traceback(tmp_path, capsys):
    with pytest.raises(SystemExit) as done:
        main(["sweep", "--help"])
    assert done.value.code == 0
    help_ = capsys.readouterr().out
    for flag in ("--workers", "--scheduler", "--dask-local", "--resume", "--out", "--force"):
        assert flag in help_
    assert main(["sweep", str(tmp_path / "nope.toml")]) == 2
    assert "no such sweep file" in capsys.readouterr().err
    bad = tmp_path / "bad.toml"
    bad.write_text('[parameters]\n"dynamics.exits.beta_e" = [1.0, 99]\n')
    assert main(["sweep", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert (
        err
        == "bad.toml: parameters.dynamics.exits.beta_e: found 99; allowed: a number from 0 to 10\n"
    )
    assert not (tmp_path / "o").exists()
    assert (
        main(["sweep", str(write_sweep(tmp_path)), "--out", str(tmp_path / "o"), "--resume"]) == 2
    )
    assert "holds no sweep to resume" in capsys.readouterr().err
    # the installed command behaves the same (exit status, one line, no traceback)
    result = run_cli("sweep", str(bad))
    assert result.returncode == 2 and result.stderr.count("\n") == 1


class BrokenPool(SerialExecutor):
    """A process pool whose worker died: every future raises BrokenProcessPool."""

    def submit(self, fn, /, *args, **kwargs):
        from concurrent.futures import Future
        from concurrent.futures.process import BrokenProcessPool

        fut = Future()
        fut.set_exception(BrokenProcessPool("a child process terminated abruptly"))
        return fut


def test_a_dead_worker_stops_the_sweep_instead_of_failing_every_run(tmp_path):
    exp = load_sweep(write_sweep(tmp_path))
    with pytest.raises(sim.runs.experiment.WorkerLost, match="a worker process died during design"):
        exp.run(tmp_path / "s.sqlite", BrokenPool())
    with ResultStore(tmp_path / "s.sqlite") as store:
        assert store.count() == 0  # nothing recorded as a model failure


def test_outputs_are_not_in_the_sweep_hash_and_cannot_be_varied():
    from sim import default_scenario
    from sim.scenario.parameters import Outputs

    base = default_scenario().with_changes(years=0.2)
    moved = base.with_changes(outputs=Outputs(folder="elsewhere", figures="svg"))
    one = Experiment(base, {"designs.*.cadence_weeks": [2, 4]}, replicates=2)
    two = Experiment(moved, {"designs.*.cadence_weeks": [2, 4]}, replicates=2)
    assert one.digest() == two.digest()
    with pytest.raises(InputError, match="outputs choose files"):
        Experiment(base, {"outputs.series": [True, False]}, replicates=2)


def test_an_invalid_base_is_reported_with_every_other_problem():
    from sim import default_scenario
    from sim.scenario.parameters import OrgSpec

    bad = default_scenario().with_changes(org=OrgSpec(size=0))
    with pytest.raises(InputError) as err:
        Experiment(bad, {"designs.nope.cadence_weeks": [2]}, replicates=0)
    where = [p.where for p in err.value.problems]
    assert "<experiment>: org.size" in where
    assert "<experiment>: replicates" in where
    assert "<experiment>: parameters.designs.nope.cadence_weeks" in where
    # The base's mistake is not blamed on the varied parameter.
    assert not any("found 0" in p.message and "parameters" in p.where for p in err.value.problems)
