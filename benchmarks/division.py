"""One run of the 500-person division for 104 weeks (the built-in scenario's program).

Usage: python benchmarks/division.py [--repeats 30]

`sim.runs.replicates.run_one(default_scenario(), "program", ...)`: build, 104 weekly steps, the
weekly series and the summary row with provenance -- exactly what one replicate of `sim run` or
an experiment does. Median over fresh seeds after warm-up runs, in this process.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, machine_lines, median_time, print_rows  # noqa: E402

from sim.runs.replicates import run_one  # noqa: E402
from sim.scenario.parameters import default_scenario  # noqa: E402

TARGET = 0.10


def measure(repeats: int = 30) -> list[Row]:
    """The division row."""
    scenario = default_scenario()
    assert scenario.org.size == 500 and scenario.weeks == 104
    seeds = iter(range(10_000))
    wall, cpu = median_time(lambda: run_one(scenario, "program", 0, next(seeds)), repeats, warmup=3)
    print(
        f"500-person division, 104 weeks, program on: {1e3 * wall:.1f} ms wall, "
        f"{1e3 * cpu:.1f} ms CPU (median of {repeats})"
    )
    return [
        Row(
            "one run of the 500-person division, 104 weeks (run_one, series + summary)",
            f"{wall:.3f} s (CPU {cpu:.3f} s; median of {repeats})",
            f"<= {TARGET:.2f} s",
            wall <= TARGET,
            "python benchmarks/division.py",
        )
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args(argv)
    print("\n".join(machine_lines()))
    print_rows(measure(args.repeats))


if __name__ == "__main__":
    main()
