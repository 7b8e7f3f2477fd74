"""Every performance benchmark of issue 6, then one table: figure, target, met or not.

Usage: python benchmarks/run_all.py [--quick]   (what `make bench` runs)

Runs, in order: one simulated year of 1,000 and 10,000 employees (issue 2); the cost per
employee-week at 10,000 employees against Mesa's virus_on_network example, timed in this
process; 1,000 to 1,000,000 employees, each in a fresh process that reports its own peak
memory; one 500-person division run of 104 weeks; an experiment of 1,000 such runs on 2
local workers into the SQLite store; `sim plan` for 2,000 employees, 4 plans x 200
replicates on 2 workers; the sim app dashboard's play (two tabs in Chromium), Compare and
Reset (benchmarks/app_speed.py); the calibration's case model (simulations per second per
core, information). --quick uses fewer repeats and a 200-run experiment
(figures for a quick look, not for the record).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import app_speed  # noqa: E402
import bench_experiment  # noqa: E402
import calibration_case  # noqa: E402
import division  # noqa: E402
import one_year  # noqa: E402
import plan  # noqa: E402
import scale  # noqa: E402
import vs_virus  # noqa: E402
from common import machine_lines, print_rows  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    q = args.quick
    started = time.perf_counter()
    header = machine_lines()
    print("\n".join(header))
    print(
        "design: the built-in scenario's program (default_program): "
        "formal, 1 h "
        "every 2 weeks, focused, ongoing, every senior at every level a mentee (coverage 1.0)"
    )
    rows = []
    sections = [
        ("one simulated year, 1,000 and 10,000 employees", lambda: one_year.measure(2 if q else 5)),
        (
            "10,000 employees vs Mesa's virus_on_network",
            lambda: vs_virus.measure(4 if q else 6, 2 if q else 3),
        ),
        ("enterprise scale and growth with N", lambda: scale.measure(scale.SIZES, 1 if q else 2)),
        ("the 500-person division", lambda: division.measure(10 if q else 30)),
        ("experiment on 2 local workers", lambda: bench_experiment.measure(200 if q else 1000, 2)),
        ("sim plan, 2,000 employees, 4 plans", lambda: plan.measure(40 if q else 200, 2)),
        ("the sim app dashboard (Chromium)", lambda: app_speed.measure(8 if q else 15, 3)),
        ("the calibration's case model", lambda: calibration_case.measure(3 if q else 5)),
    ]
    for title, fn in sections:
        print(f"\n== {title} ==")
        rows += fn()
    print(f"\n== summary ({time.perf_counter() - started:.0f} s in all) ==")
    print("\n".join(machine_lines()))
    print(f"command: {Path(sys.executable).name} benchmarks/run_all.py{' --quick' if q else ''}")
    print_rows(rows)
    missed = [r for r in rows if not r.met]
    print(f"\n{len(rows) - len(missed)} of {len(rows)} rows met their target.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
