"""One simulated year of 1,000 and of 10,000 employees (the first benchmark, from issue 2).

Usage: python benchmarks/one_year.py [--repeats 5]

Each size runs in a fresh process: build (org, people, Mesa space and agents), 52 weekly
steps with the benchmarked program and the weekly series + summary; medians of the
repeats after a warm-up run, and the process's peak memory.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, machine_lines, print_rows, run_child  # noqa: E402

SIZES = (1_000, 10_000)


def measure(repeats: int = 5) -> list[Row]:
    """A row per size (information: issue 2 set no target for these)."""
    rows = []
    for size in SIZES:
        cmd = ["benchmarks/workload.py", "--size", str(size), "--repeats", str(repeats + 1)]
        r = run_child(cmd)
        per = 1e6 * r["total_s"] / (size * 52)
        print(
            f"{size:>6,} employees, 52 weeks: build {r['build_s']:.3f} s + year "
            f"{r['run_s']:.3f} s = {r['total_s']:.3f} s ({per:.3f} us per employee-week), "
            f"peak RSS {r['peak_rss_mb']:.0f} MB (median of {r['repeats']})"
        )
        rows.append(
            Row(
                f"one year of {size:,} employees (issue 2), build included",
                f"{r['total_s']:.3f} s (build {r['build_s']:.3f} s), {r['peak_rss_mb']:.0f} MB",
                "none (information)",
                True,
                "python " + " ".join(cmd),
            )
        )
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    print("\n".join(machine_lines()))
    print_rows(measure(args.repeats))


if __name__ == "__main__":
    main()
