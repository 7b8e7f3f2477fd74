"""`sim sweep`: run a sweep file into a resumable result store, then write its tables."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from sim.errors import InputError, Problem

DESCRIPTION = """Run a sweep file: designs x parameter points x replicates of a base
scenario, on shared replicate seeds. Each finished run is written at once to
DIR/results.sqlite (SQLite, one transaction per run), so an interrupted sweep loses only the
runs in flight: continue it with --resume. Its worker processes stop with it, however it
dies (kill -9 included). At the end, writes runs.csv (a row per run), summary.csv (mean and
95% interval per design and point), differences.csv (paired differences from the baseline,
when it runs), sensitivity.csv (Sobol or Morris indices, for those samples) and
manifest.json."""

EPILOG = """executors (choose one; the stored rows are identical whichever you choose):
  --workers N         N local worker processes (default: one per core; 1 = serial)
  --scheduler ADDR    a running Dask cluster, e.g. tcp://host:8786 (needs the dask extra)
  --dask-local N      start a Dask LocalCluster of N single-threaded worker processes

examples:
  sim sweep experiments/sweeps/example.toml
  sim sweep experiments/sweeps/example.toml --workers 2 --out results/example
  sim sweep experiments/sweeps/example.toml --out results/example --resume
  sim sweep big.toml --scheduler tcp://10.0.0.5:8786 --out results/big

exit status: 0 all runs ok; 1 some runs failed (listed at the end); 2 bad input; 130 interrupted
"""

LOCK_FILE = "results.sqlite.lock"
STORE_FILES = (
    "results.sqlite",
    "results.sqlite-wal",
    "results.sqlite-shm",
)
OUTPUT_FILES = (
    "runs.csv",
    "runs.parquet",
    "series.csv",
    "series.parquet",
    "summary.csv",
    "differences.csv",
    "sensitivity.csv",
    "manifest.json",
)
HEADLINE_SENSITIVITY = ("turnover_junior_y1", "leadership_fluency_end")


def add_sweep_parser(sub: argparse._SubParsersAction) -> None:
    """Register `sim sweep` on the `sim` command's subparsers."""
    p = sub.add_parser(
        "sweep",
        help="run a sweep file (designs x parameters x replicates) into a result store",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("sweep", type=Path, help="sweep TOML file (see experiments/sweeps/example.toml)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, metavar="N", help="local worker processes")
    where.add_argument("--scheduler", metavar="ADDR", help="address of a Dask scheduler")
    where.add_argument("--dask-local", type=int, metavar="N", help="start a Dask LocalCluster")
    p.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="results folder (default: results/NAME, NAME from the sweep)",
    )
    p.add_argument("--resume", action="store_true", help="continue the sweep stored in --out")
    p.add_argument("--force", action="store_true", help="discard runs stored in --out, start over")
    p.add_argument("--parquet", action="store_true", help="also write runs.parquet (pyarrow)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def cmd_sweep(args: argparse.Namespace) -> int:
    """`sim sweep SWEEP.toml`: exit 0 when every run is ok, 1 when some failed."""
    exp, out, lock = _start(args)
    try:
        return _sweep(exp, out, args, lock)
    finally:
        lock.release()


def _sweep(exp, out: Path, args: argparse.Namespace, lock) -> int:
    """Run the sweep into its locked folder and report: the exit status."""
    from sim.analysis import replicates_text

    runs = len(exp.tasks())
    print(
        f"Sweep {exp.name!r}: {len(exp.points)} points x {len(exp.designs)} designs x "
        f"{replicates_text(exp.replicates)} = {runs} runs; store: {out / STORE_FILES[0]}"
    )
    outcome = _run(exp, out, args, runs, lock)
    if isinstance(outcome, int):
        return outcome
    report, written = outcome
    ok = report.total - len(report.failures)
    print(
        f"Stored {report.total} runs ({ok} ok, {len(report.failures)} failed) in {out}; "
        f"ran {report.ran} in {report.wall_seconds:.1f} s"
    )
    print(f"Wrote {', '.join(p.name for p in written)} in {out}/")
    if report.failures:
        print(
            f"\n{len(report.failures)} runs failed (tracebacks in runs.csv, column error):",
            file=sys.stderr,
        )
        for line in report.failure_lines():
            print(f"  {line}", file=sys.stderr)
        return 1
    return 0


def _start(args: argparse.Namespace):
    """The sweep, its folder and the folder's lock, checked before any worker starts.

    The lock is taken before anything in the folder is touched (a --force discards files
    only once no other sweep writes there); a resume must be the same sweep.
    """
    from sim.runs.store import ResultStore
    from sim.runs.sweep_file import load_sweep
    from sim.safety.locks import FileLock
    from sim.safety.names import path_name
    from sim.safety.targets import check_target

    if args.resume and args.force:
        raise InputError(
            [Problem("sim sweep", "--resume keeps stored runs, --force discards them: choose one")]
        )
    exp = load_sweep(args.sweep)
    out = args.out or Path("results") / path_name(exp.name, "sweep")
    check_target(out)
    if out.exists() and not out.is_dir():
        raise InputError([Problem(str(out), "is a file; --out needs a folder")])
    if args.resume and not (out / STORE_FILES[0]).is_file():
        raise InputError([Problem(str(out), "holds no sweep to resume; run without --resume")])
    lock = FileLock(out / LOCK_FILE, "this sweep's folder").acquire()
    try:
        _prepare(out, args)
        if args.resume:  # refuse a changed sweep before starting any worker
            with ResultStore(out) as existing:
                existing.begin(exp, resume=True)
    except BaseException:
        lock.release()
        raise
    return exp, out, lock


def _run(exp, out: Path, args: argparse.Namespace, runs: int, lock):
    """Run into the store and write the outputs: (report, files), or the exit status of a stop.

    A lost worker (1) or Ctrl-C (130) stops the sweep with its runs so far stored.
    """
    from sim.runs.executors import open_backend
    from sim.runs.experiment import WorkerLost
    from sim.runs.store import ResultStore
    from sim.safety.signals import exit_status, what_stopped

    store = None
    try:
        with open_backend(args.workers, args.scheduler, args.dask_local) as backend:
            print(f"Running on {backend.description}")
            # The store is created only once the executor is up: a cluster that cannot be
            # reached leaves nothing behind that would need --force.
            store = ResultStore(out)
            store.adopt_lock(lock)  # the folder's lock, taken before --force discarded anything
            store.begin(exp, resume=args.resume)
            hint = f"continue with: sim sweep {args.sweep} --out {out} --resume"
            try:
                report = exp.run(
                    store,
                    backend.executor,
                    resume=True,
                    window=max(8, 4 * backend.workers),
                    progress=not args.quiet,
                )
            except WorkerLost as err:
                print(
                    f"\nerror: {err}; {store.count()} of {runs} runs are stored; {hint}",
                    file=sys.stderr,
                )
                return 1
            except KeyboardInterrupt as stop:
                print(
                    f"\n{what_stopped(stop)}: {store.count()} of {runs} runs are stored; {hint}",
                    file=sys.stderr,
                )
                return exit_status(stop)
        if report.skipped:
            print(f"Resumed: {report.skipped} runs were already stored")
        return report, write_outputs(store, out, exp, parquet=args.parquet)
    finally:
        if store is not None:
            store.close()


def _prepare(out: Path, args: argparse.Namespace) -> None:
    """Refuse to mix sweeps: an existing store needs --resume (continue) or --force (discard)."""
    store = out / STORE_FILES[0]
    if args.resume:
        if not store.is_file():
            raise InputError([Problem(str(out), "holds no sweep to resume; run without --resume")])
        return
    if store.is_file() and not args.force:
        raise InputError(
            [
                Problem(
                    str(out),
                    "already holds a sweep; pass --resume to continue it, or --force "
                    "to discard it and start over",
                )
            ]
        )
    if out.exists() and not out.is_dir():
        raise InputError([Problem(str(out), "is a file; --out needs a folder")])
    clash = [name for name in OUTPUT_FILES if (out / name).exists()]
    if clash and not args.force:
        raise InputError(
            [
                Problem(
                    str(out),
                    f"already holds {', '.join(clash)}; choose another --out, or "
                    "pass --force to replace them",
                )
            ]
        )
    if args.force:
        # Only the files a sweep writes: --out might be a folder with other things in it.
        for name in (*STORE_FILES, *OUTPUT_FILES):
            (out / name).unlink(missing_ok=True)


def write_outputs(store, out: Path, exp, parquet: bool = False) -> list[Path]:
    """runs, summary, differences and sensitivity tables, and the manifest."""
    from sim import analysis
    from sim.runs.output import manifest
    from sim.runs.store import write_table
    from sim.safety.targets import write_text

    written = store.export(out, "csv")
    if parquet:
        written += store.export(out, "parquet")
    runs = store.runs(status="ok")
    if runs.empty:
        return written
    params = list(exp.parameters)
    outcomes = analysis.outcome_columns(runs)
    summary = analysis.summarise_points(runs, outcomes, params)
    written.append(write_table(summary, out / "summary.csv"))
    if "baseline" in exp.designs and len(exp.designs) > 1:
        diff = analysis.paired_differences_by_point(runs, outcomes, "baseline", params)
        written.append(write_table(diff, out / "differences.csv"))
    sens = _sensitivity(store, runs, exp)
    if sens is not None:
        written.append(write_table(sens, out / "sensitivity.csv"))
    meta = manifest(
        {"experiment": exp.name, "sweep_hash": exp.digest(), "definition": store.definition()}
    )
    write_text(out / "manifest.json", json.dumps(meta, indent=2, default=str) + "\n")
    written.append(out / "manifest.json")
    return written


def _sensitivity(store, runs: pd.DataFrame, exp) -> pd.DataFrame | None:
    if exp.sample.method not in ("sobol", "morris"):
        return None
    from sim.studies.sensitivity import sensitivity_table

    outcomes = [o for o in HEADLINE_SENSITIVITY if o in runs]
    tables = []
    for design in exp.designs:
        try:
            tables.append(sensitivity_table(store.definition(), runs, outcomes, design))
        except ValueError as err:
            print(f"no sensitivity indices: {err}", file=sys.stderr)
    return pd.concat(tables, ignore_index=True) if tables else None
