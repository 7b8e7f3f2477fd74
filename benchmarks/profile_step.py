"""Where the time goes: one run timed sub-step by sub-step, plus a cProfile of the build and run.

Usage: python benchmarks/profile_step.py [--size 10000] [--weeks 52] [--out FILE]

The sub-step table wraps each named part of the weekly step in a CPU-time timer
(time.process_time: no profiler overhead, and less disturbed than wall time by other
processes on a shared machine); the cProfile listings that follow (build, then the weekly
steps) show which functions inside those parts cost most. Saved outputs live in
benchmarks/profiles/.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import default_design, machine_lines, scenario_of  # noqa: E402

from sim.model.model import (
    OrgCultureModel,  # noqa: E402
    dynamics,  # noqa: E402
)


def timed_substeps(size: int, weeks: int, seed: int) -> tuple[Counter, float, float]:
    """Run once with every sub-step wrapped in a timer; returns (times, build, total)."""
    times: Counter = Counter()

    def wrap(name, fn):
        def timed(*args, **kwargs):
            t = time.process_time()
            out = fn(*args, **kwargs)
            times[name] += time.process_time() - t
            return out

        return timed

    t0 = time.process_time()
    model = OrgCultureModel(scenario_of(size), default_design(), seed)
    build = time.process_time() - t0
    originals = {name: getattr(dynamics, name) for name in ("drift_knowledge", "relax_engagement")}
    try:
        dynamics.drift_knowledge = wrap("2 knowledge drift", originals["drift_knowledge"])
        dynamics.relax_engagement = wrap("3 engagement", originals["relax_engagement"])
        model.program.step = wrap("1 program (pairing, sessions)", model.program.step)
        model.exits = wrap("4 exits (hazard, draws, contagion, agents out)", model.exits)
        model.hire = wrap("5 hiring (agents in)", model.hire)
        model.update_exit_risk = wrap("6 exit risk (end of week)", model.update_exit_risk)
        model.recorder.record = wrap("7 observation (weekly row)", model.recorder.record)
        t1 = time.process_time()
        model.run_for(weeks)
        t2 = time.process_time()
        model.series()
        model.summary()
        times["8 series + summary (once per run)"] += time.process_time() - t2
        total = time.process_time() - t1
    finally:
        for name, fn in originals.items():
            setattr(dynamics, name, fn)
    return times, build, total


def profile_text(size: int, weeks: int, seed: int, top: int) -> str:
    """cProfile listings of the build and of the weekly steps, by cumulative time."""
    out = io.StringIO()
    prof = cProfile.Profile()
    prof.enable()
    model = OrgCultureModel(scenario_of(size), default_design(), seed)
    prof.disable()
    out.write(f"\n--- cProfile: build ({size:,} employees), top {top} by cumulative time ---\n")
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(top)
    prof = cProfile.Profile()
    prof.enable()
    model.run_for(weeks)
    model.series()
    model.summary()
    prof.disable()
    out.write(f"\n--- cProfile: {weeks} weeks + series + summary, top {top} by internal time ---\n")
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--label", default="", help="a note for the header (e.g. the change)")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    times, build, total = timed_substeps(args.size, args.weeks, args.seed)
    ew = args.size * args.weeks
    lines = [f"# profile: {args.size:,} employees, {args.weeks} weeks, seed {args.seed}"]
    if args.label:
        lines.append(f"# {args.label}")
    lines += machine_lines()
    lines.append(f"build (org, people, warm-up, grid; agents if made): {build:.3f} s CPU")
    lines.append(f"{'sub-step (CPU time)':48s} {'ms/week':>9s} {'us/emp-week':>12s} {'share':>6s}")
    for name, t in sorted(times.items()):
        lines.append(
            f"{name:48s} {1e3 * t / args.weeks:9.3f} {1e6 * t / ew:12.4f} {100 * t / total:5.1f}%"
        )
    rest = total - sum(times.values())
    lines.append(
        f"{'  rest (Mesa scheduling, tenure, bookkeeping)':48s} {1e3 * rest / args.weeks:9.3f} "
        f"{1e6 * rest / ew:12.4f} {100 * rest / total:5.1f}%"
    )
    lines.append(
        f"{'total (steps + series + summary)':48s} {1e3 * total / args.weeks:9.3f} "
        f"{1e6 * total / ew:12.4f}"
    )
    text = "\n".join(lines) + "\n" + profile_text(args.size, args.weeks, args.seed, args.top)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)


if __name__ == "__main__":
    main()
