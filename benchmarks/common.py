"""Shared pieces of the benchmarks: the workload, the machine, timing and peak memory.

The benchmarked design is the built-in scenario's program (`sim.design.default_program`):
formal, one hour every two weeks, focused, ongoing, with every senior at every level a
mentee (coverage 1.0) -- the "realistic coverage" of issue 6: mentees at all senior levels.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from sim.design import ProgramDesign, default_program
from sim.scenario import OrgSpec, Scenario

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent


def default_design() -> ProgramDesign:
    """The benchmarked program: the built-in scenario's (mentees at all senior levels)."""
    return default_program()


def scenario_of(size: int, years: float = 1.0) -> Scenario:
    """A generated organisation of `size` employees running the benchmarked program."""
    return Scenario(org=OrgSpec(size=size), years=years, designs=(default_design(),))


def cpu_model() -> str:
    """The CPU's model name, from /proc/cpuinfo where there is one."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def cores() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def machine_lines() -> list[str]:
    """Header lines naming the machine and versions."""
    return [
        f"date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"machine: {cpu_model()}, {cores()} cores, {platform.platform()}",
        f"versions: Python {platform.python_version()}, numpy {version('numpy')}, "
        f"Mesa {version('mesa')}, networkx {version('networkx')}, scipy {version('scipy')}, "
        f"pandas {version('pandas')}",
    ]


def median_time(fn: Callable[[], object], repeats: int) -> tuple[float, list[float]]:
    """Median wall time of `repeats` calls of fn, and every time."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times


def run_child(args: list[str]) -> tuple[dict, float]:
    """Run `python benchmarks/<args>` in a fresh process; returns (its JSON line, peak RSS MB).

    The peak resident set size is the child's own (os.wait4 returns that process's rusage),
    so each workload's memory is measured alone, whatever ran before it.
    """
    proc = subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out, err = proc.communicate()
    # communicate() has already reaped the child; its rusage went to RUSAGE_CHILDREN, so
    # the child also reports its own peak (ru_maxrss of RUSAGE_SELF) in its JSON line.
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{err}")
    result = json.loads(out.strip().splitlines()[-1])
    return result, result["peak_rss_mb"]
