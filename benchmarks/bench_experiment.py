"""An experiment of 1,000 runs of the 500-person division (104 weeks) on 2 local workers, stored.

Usage: python benchmarks/bench_experiment.py [--runs 1000] [--workers 2] [--outcomes summary]

Uses the project's Experiment API (`sim.runs.experiment`): 1,000 replicates of the built-in
scenario's program design, run by `run_experiment` on a local process pool of 2 workers
(forkserver) into its SQLite result store (a row per run; with --outcomes series, the
weekly series too). The time covers everything: starting the workers, the runs, sending
results back and writing them to the store.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, machine_lines, print_rows  # noqa: E402

from sim.runs.experiment import Experiment, run_experiment  # noqa: E402
from sim.runs.store import ResultStore  # noqa: E402
from sim.scenario.parameters import default_scenario  # noqa: E402

TARGET = 60.0


def measure(runs: int = 1000, workers: int = 2, outcomes: str = "summary") -> list[Row]:
    """The experiment row."""
    scenario = default_scenario()
    exp = Experiment(
        scenario,
        designs=["program"],
        replicates=runs,
        outcomes=outcomes,
        name="bench-division",
    )
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        report, _ = run_experiment(exp, tmp, workers=workers, force=True, progress=False)
        wall = time.perf_counter() - t
        with ResultStore(Path(tmp) / "results.sqlite") as store:
            stored = store.count(status="ok")
    ok = report.ok and stored == runs
    print(
        f"experiment: {runs:,} runs of the 500-person division (104 weeks) on {workers} "
        f"workers, stored ({outcomes}): {wall:.1f} s, {runs / wall:.1f} runs/s, "
        f"{stored:,} stored, {len(report.failures)} failed"
    )
    return [
        Row(
            f"experiment of {runs:,} division runs on {workers} local workers, stored "
            f"(sim.runs.experiment, SQLite, {outcomes})",
            f"{wall:.1f} s ({runs / wall:.1f} runs/s; {stored:,} rows stored)",
            f"<= {TARGET:.0f} s",
            ok and wall <= TARGET,
            f"python benchmarks/bench_experiment.py --runs {runs} --workers {workers}",
        )
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--outcomes", default="summary", choices=("summary", "series"))
    args = parser.parse_args(argv)
    print("\n".join(machine_lines()))
    print_rows(measure(args.runs, args.workers, args.outcomes))


if __name__ == "__main__":
    main()
