"""One model run in this process, reported as a JSON line (run by the other benchmarks).

Usage: python benchmarks/workload.py --size N [--weeks 52] [--repeats 1] [--seed 1]

Times the build (org, people, Mesa space and agents), the weekly steps and the series +
summary (the weekly data), and reports this process's peak resident memory. With
--repeats > 1 the figures are medians over fresh models (the first is a warm-up).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import default_design, peak_rss_mb, scenario_of  # noqa: E402

from sim.model.model import OrgCultureModel  # noqa: E402


def one_run(size: int, weeks: int, seed: int) -> dict[str, float]:
    """Build, step and observe one model; wall and CPU seconds of each part."""
    scenario = scenario_of(size, years=weeks / 52)
    w0, c0 = time.perf_counter(), time.process_time()
    model = OrgCultureModel(scenario, default_design(), seed)
    w1, c1 = time.perf_counter(), time.process_time()
    model.run_for(weeks)
    model.series()
    model.summary()
    w2, c2 = time.perf_counter(), time.process_time()
    return {
        "build_s": w1 - w0,
        "run_s": w2 - w1,
        "total_s": w2 - w0,
        "build_cpu_s": c1 - c0,
        "run_cpu_s": c2 - c1,
        "total_cpu_s": c2 - c0,
        "employees": int(model.people.filled.sum()),
        "pairs": model.program.active_pairs,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    runs = [one_run(args.size, args.weeks, args.seed + r) for r in range(args.repeats)]
    if len(runs) > 1:
        runs = runs[1:]  # the first run warms caches and imports up
    result = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    result.update(size=args.size, weeks=args.weeks, repeats=len(runs), peak_rss_mb=peak_rss_mb())
    print(json.dumps(result))


if __name__ == "__main__":
    main()
