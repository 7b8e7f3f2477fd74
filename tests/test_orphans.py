"""No orphans: a sweep or experiment script killed with -9 takes its helper processes with it.

Local workers, the forkserver, the resource tracker and Dask's local workers must all exit
when the process that started them dies, however it dies; else every interrupted sweep leaves
processes computing (and holding memory) until someone kills them by hand.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

REPO = Path(__file__).resolve().parent.parent

SWEEP = """
name = "orphans"
replicates = 40
seed = 7

[set]
"org.size" = 60
years = 0.5

[parameters]
"designs.*.cadence_weeks" = [1, 4]
"""


def stored_runs(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=0.1) as conn:
            return conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is still being created, or locked
        return 0


def alive(procs: list[psutil.Process]) -> list[psutil.Process]:
    """The processes still running (a zombie has exited: it only waits to be reaped)."""
    out = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except psutil.NoSuchProcess:
            pass
    return out


def sweep_command(tmp: Path, executor: list[str]) -> list[str]:
    sweep = tmp / "orphans.toml"
    sweep.write_text(SWEEP)
    return [sys.executable, "-m", "sim", "sweep", str(sweep), "--out", str(tmp / "out"), *executor]


def script_command(tmp: Path) -> list[str]:
    script = REPO / "experiments" / "compare_program_designs.py"
    small = ["--replicates", "20", "--size", "60", "--years", "0.5"]
    return [sys.executable, str(script), "--workers", "2", *small]


@pytest.mark.parametrize(
    "kind, min_helpers",
    [
        ("sweep --workers 2", 4),  # 2 workers, the forkserver, the resource tracker
        ("sweep --dask-local 2", 2),  # 2 Dask workers (and their helpers)
        ("experiment script --workers 2", 4),
    ],
)
def test_kill_9_leaves_no_descendant_alive(tmp_path, kind, min_helpers):
    if "dask" in kind:
        pytest.importorskip("distributed", reason="the dask extra is not installed")
        command = sweep_command(tmp_path, ["--dask-local", "2"])
    elif kind.startswith("sweep"):
        command = sweep_command(tmp_path, ["--workers", "2"])
    else:
        command = script_command(tmp_path) + ["--out", str(tmp_path / "out")]
    proc = subprocess.Popen(
        [*command, "--quiet"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # so that the clean-up below can reach every survivor
    )
    descendants: list[psutil.Process] = []
    try:
        # Wait until runs are being stored: every helper process is up by then.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if stored_runs(tmp_path / "out" / "results.sqlite") >= 1:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the run finished before it could be killed"
        descendants = psutil.Process(proc.pid).children(recursive=True)
        assert len(descendants) >= min_helpers, [p.cmdline() for p in descendants]
        os.kill(proc.pid, signal.SIGKILL)  # the coordinator only: no process-group kill
        proc.wait(timeout=30)
        psutil.wait_procs(descendants, timeout=10)
        left = alive(descendants)
        assert not left, "orphans: " + "; ".join(" ".join(p.cmdline())[:100] for p in left)
    finally:
        for p in alive(descendants):
            p.kill()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
