"""Enterprise scale: 100,000 to 1,000,000 employees for a year, and how cost grows with N.

Usage: python benchmarks/scale.py [--sizes 1000,3000,10000,30000,100000,300000,1000000]
       [--big-repeats 2]

Every measurement is one run (build included: org, people, Mesa space and agents; then 52
weekly steps with the benchmarked program and the weekly series + summary) in a fresh
Python process, which reports its wall time and its own peak resident memory. Small sizes
repeat inside the process (median after a warm-up); 100,000 and more run in
`--big-repeats` separate processes (median time, largest peak memory).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, machine_lines, print_rows, run_child  # noqa: E402

SIZES = (1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000)
# wall s, peak RSS MB
TARGETS = {100_000: (10.0, 1024.0), 300_000: (30.0, 2560.0), 1_000_000: (60.0, 4096.0)}
GROWTH_TARGET = 2.0  # cost per employee-week at 300,000 / at 10,000


def measure_size(size: int, big_repeats: int) -> dict:
    """Median timings and the largest peak memory of `size` employees for 52 weeks."""
    if size < 100_000:
        repeats = 6 if size <= 10_000 else 3
        return run_child(["benchmarks/workload.py", "--size", str(size), "--repeats", str(repeats)])
    results = [
        run_child(["benchmarks/workload.py", "--size", str(size)]) for _ in range(big_repeats)
    ]
    out = {k: statistics.median(r[k] for r in results) for k in results[0]}
    out["peak_rss_mb"] = max(r["peak_rss_mb"] for r in results)
    out["processes"] = len(results)
    return out


def measure(sizes=SIZES, big_repeats: int = 2) -> list[Row]:
    """Rows for 100,000, 300,000 and 1,000,000 employees and for the growth of cost with N."""
    results = {}
    print(
        f"{'employees':>10} {'build s':>8} {'run s':>8} {'total s':>8} {'us/emp-wk':>10} "
        f"{'run only':>9} {'CPU us':>8} {'peak MB':>8}"
    )
    for size in sizes:
        r = results[size] = measure_size(size, big_repeats)
        ew = size * 52
        print(
            f"{size:>10,} {r['build_s']:>8.3f} {r['run_s']:>8.3f} {r['total_s']:>8.3f} "
            f"{1e6 * r['total_s'] / ew:>10.4f} {1e6 * r['run_s'] / ew:>9.4f} "
            f"{1e6 * r['total_cpu_s'] / ew:>8.4f} {r['peak_rss_mb']:>8.0f}"
        )
    rows = []
    for size, (wall, rss) in TARGETS.items():
        if size not in results:
            continue
        r = results[size]
        how = f"{r.get('processes', 1)} processes" if r.get("processes", 1) > 1 else "1 process"
        rows.append(
            Row(
                f"{size:,} employees, 52 weeks, org build included",
                f"{r['total_s']:.2f} s wall (CPU {r['total_cpu_s']:.2f} s; build "
                f"{r['build_s']:.2f} s; whole process with Python start-up and imports "
                f"{r['process_s']:.2f} s), peak RSS "
                f"{r['peak_rss_mb']:.0f} MB (median of {how})",
                f"<= {wall:.0f} s, <= {rss / 1024:g} GB",
                r["total_s"] <= wall and r["peak_rss_mb"] <= rss,
                f"python benchmarks/workload.py --size {size}",
            )
        )
    if 10_000 in results and 300_000 in results:
        per = {n: results[n]["total_s"] / (n * 52) for n in results}
        growth = per[300_000] / per[10_000]
        run_growth = (results[300_000]["run_s"] / 300_000) / (results[10_000]["run_s"] / 10_000)
        lo, hi = min(results), max(results)
        rows.append(
            Row(
                f"cost growth with N ({lo:,} to {hi:,}): per employee-week at 300,000 / at 10,000",
                f"{growth:.2f}x build included ({1e6 * per[10_000]:.3f} -> "
                f"{1e6 * per[300_000]:.3f} us); {run_growth:.2f}x weekly steps only",
                f"within {GROWTH_TARGET:.0f}x (near linear)",
                growth <= GROWTH_TARGET,
                "python benchmarks/scale.py",
            )
        )
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--big-repeats", type=int, default=2)
    args = parser.parse_args(argv)
    print("\n".join(machine_lines()))
    sizes = tuple(int(s) for s in args.sizes.split(","))
    print_rows(measure(sizes, args.big_repeats))


if __name__ == "__main__":
    main()
