"""`sim history` on a 2,000-position synthetic event history and on the public job-retention data.

Usage: python benchmarks/history.py

Each row runs the whole command in this process (`sim.cli.main.main`): reading the export,
the fits (lifelines' Cox, the exit equation's maximum likelihood, 400 draws), the tables, the
Kaplan-Meier figure, the page and history.toml written. The job-retention row is left out
when the `peopleanalyticsdata` package is not installed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, machine_lines, print_rows  # noqa: E402

from sim.cli.main import main as sim  # noqa: E402
from sim.errors import InputError  # noqa: E402
from sim.history.synth import synthesize_history  # noqa: E402

TARGET = 10.0


def _timed(args: list[str]) -> tuple[float, int]:
    t = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        status = sim(args)
    return time.perf_counter() - t, status


def measure(people: int = 2000) -> list[Row]:
    """One row per export."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "history.csv"
        synthesize_history(people, 3.0, seed=0).to_csv(export, index=False)
        wall, status = _timed(["history", str(export), "--out", str(Path(tmp) / "synth")])
        rows.append(
            Row(
                f"sim history on a {people:,}-position synthetic event history (3 years)",
                f"{wall:.1f} s",
                f"<= {TARGET:.0f} s",
                status == 0 and wall <= TARGET,
                "python benchmarks/history.py",
            )
        )
        try:
            from sim.analysis.survey_scale import job_retention_path

            path = job_retention_path()
        except InputError:
            return rows
        args = ["history", str(path), "--window-months", "12", "--scale", "1-10"]
        wall, status = _timed([*args, "--out", str(Path(tmp) / "jr")])
        rows.append(
            Row(
                "sim history on job_retention.csv (3,770 people, snapshot with exit months)",
                f"{wall:.1f} s",
                f"<= {TARGET:.0f} s",
                status == 0 and wall <= TARGET,
                "python benchmarks/history.py",
            )
        )
    return rows


def main(argv: list[str] | None = None) -> None:
    """Print the machine and the rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    args = parser.parse_args(argv)
    print("\n".join(machine_lines()))
    print_rows(measure(args.people))


if __name__ == "__main__":
    main()
