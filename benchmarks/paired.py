"""This checkout against another, turn about: CPU per employee-week of the vs_virus workload.

Usage: python benchmarks/paired.py OTHER_CHECKOUT [--pairs 40] [--size 10000]

On a machine that other jobs load, two runs minutes apart differ by more than most
changes do. This starts one worker process per checkout (each imports its own `sim`, via
PYTHONPATH) and asks them in turn -- A then B, then B then A -- for one fresh model of
`--size` employees with the benchmarked program, 52 weeks, the weekly series and the summary
(the workload of `vs_virus.py`; the build is not timed). Each pair runs on the same seed,
seconds apart, so load hits both alike; the paired ratio B / A (B: this checkout) says
which is faster, and its quartiles how sure that is. CPU time (time.process_time).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, machine_lines  # noqa: E402

WORKER = """
import sys, time
sys.path.insert(0, sys.argv[1] + "/benchmarks")
from common import default_design, scenario_of
from sim.model.model import OrgCultureModel
size = int(sys.argv[2])
for line in sys.stdin:
    model = OrgCultureModel(scenario_of(size), default_design(), int(line))
    t = time.process_time()
    model.run_for(52)
    model.series()
    model.summary()
    print(time.process_time() - t, flush=True)
"""


class Worker:
    """A Python process importing `sim` from one checkout, timing runs on request."""

    def __init__(self, checkout: Path, size: int) -> None:
        env = {**os.environ, "PYTHONPATH": str(checkout)}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", WORKER, str(checkout), str(size)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )

    def time(self, seed: int) -> float:
        """CPU seconds of one run on `seed`."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{seed}\n")
        self.proc.stdin.flush()
        return float(self.proc.stdout.readline())

    def close(self) -> None:
        """End the process."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="the other checkout (A), e.g. main's")
    parser.add_argument("--pairs", type=int, default=40)
    parser.add_argument("--size", type=int, default=10_000)
    args = parser.parse_args(argv)
    a, b = Worker(args.other.resolve(), args.size), Worker(ROOT, args.size)
    try:
        a.time(0), b.time(0)  # warm-up: first-call costs in numpy and pandas
        times: dict[str, list[float]] = {"A": [], "B": []}
        for i in range(args.pairs):
            order = (("A", a), ("B", b)) if i % 2 == 0 else (("B", b), ("A", a))
            for name, worker in order:
                times[name].append(worker.time(1 + i % 5))
    finally:
        a.close()
        b.close()
    print("\n".join(machine_lines()))
    per = args.size * 52 / 1e6
    for name, checkout in (("A", args.other.resolve()), ("B", ROOT)):
        t = times[name]
        print(
            f"{name} {checkout}: median {statistics.median(t) / per:.4f} us per employee-week "
            f"(CPU), lowest {min(t) / per:.4f}"
        )
    ratios = [y / x for x, y in zip(times["A"], times["B"], strict=True)]
    q1, q2, q3 = statistics.quantiles(ratios, n=4)
    print(f"B / A, paired over {args.pairs} pairs: median {q2:.3f} (quartiles {q1:.3f}, {q3:.3f})")


if __name__ == "__main__":
    main()
