"""What the scripts in experiments/ share: their command-line options and running a stage.

Each script builds an `Experiment`, runs it into ``DIR/results.sqlite`` on local workers
(continuing what is stored there) and writes a table and a figure. A failed run stops the
script before any table is written, since a partial experiment is not a result: exit code 1
with the failures listed, and the same command resumes once the cause is fixed. Bad input
exits with code 2 and the one-line messages of `InputError`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.runs.experiment import Experiment, run_experiment
from sim.runs.experiment.driver import RunsFailed


def script_parser(
    doc: str,
    name: str,
    replicates_help: str,
    replicates: int | None = 20,
    seed_help: str = "base seed of the replicates",
):
    """The options every experiment script takes; the module docstring is its help.

    Args:
        doc: the script's docstring: first paragraph = description, the rest = epilog.
        name: the script's name; results go to results/NAME by default.
        replicates_help: what a replicate is here, with the default, e.g. "per design (20)".
        replicates: the default number of replicates (None: the script picks per stage).
        seed_help: what --seed seeds.
    """
    summary, _, details = doc.partition("\n\n")
    p = argparse.ArgumentParser(
        description=summary,
        epilog=details,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--replicates", type=int, default=replicates, help=f"replicates {replicates_help}"
    )
    p.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    p.add_argument("--out", type=Path, default=Path("results") / name, help="output folder")
    p.add_argument("--size", type=int, default=500, help="people in the organisation (500)")
    p.add_argument("--years", type=float, default=2.0, help="years after the launch (2)")
    p.add_argument("--seed", type=int, default=20261122, help=seed_help)
    p.add_argument("--force", action="store_true", help="discard runs stored in --out")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def run_stage(exp: Experiment, out: Path, args: argparse.Namespace) -> Any:
    """Run (or resume) one experiment into ``out``; its successful runs as a DataFrame.

    Raises:
        RunsFailed: when any run raised, with the failures listed.
    """
    report, runs = run_experiment(exp, out, args.workers, args.force, not args.quiet)
    if report.failures:
        raise RunsFailed.of(report, out)
    return runs


def script_main(body: Callable[[], int]) -> int:
    """Call a script's body; bad input exits 2, failed runs exit 1, each with its message."""
    try:
        return body()
    except InputError as err:
        print(err, file=sys.stderr)
        return 2
    except RunsFailed as err:
        print(err, file=sys.stderr)
        return 1
