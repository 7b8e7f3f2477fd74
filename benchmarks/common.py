"""Shared pieces of the benchmarks: the workload, the machine, timing and peak memory.

The benchmarked design is the built-in scenario's program (`sim.scenario.design.default_program`):
formal, one hour every two weeks, focused, ongoing, with every senior at every level a
mentee (coverage 1.0) -- the "realistic coverage" of issue 6: mentees at all senior levels
(about one employee in six is a mentee, and as many juniors mentor).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from sim.scenario.design import ProgramDesign, default_program
from sim.scenario.parameters import OrgSpec, Scenario

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


def load_average() -> str:
    """The 1-minute load average (other processes competing for the cores), if known."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "unknown"


def machine_lines() -> list[str]:
    """Header lines naming the machine and versions."""
    return [
        f"date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"machine: {cpu_model()}, {cores()} cores, {platform.platform()}, "
        f"load average {load_average()}",
        f"versions: Python {platform.python_version()}, numpy {version('numpy')}, "
        f"Mesa {version('mesa')}, networkx {version('networkx')}, scipy {version('scipy')}, "
        f"pandas {version('pandas')}",
    ]


def median_time(fn: Callable[[], object], repeats: int, warmup: int = 1) -> tuple[float, float]:
    """Median wall and median CPU seconds of `repeats` calls of fn, after `warmup` calls."""
    for _ in range(warmup):
        fn()
    walls, cpus = [], []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        fn()
        cpus.append(time.process_time() - c)
        walls.append(time.perf_counter() - w)
    return statistics.median(walls), statistics.median(cpus)


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB (Linux reports KiB)."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024 if sys.platform != "darwin" else kib / 2**20


def run_child(args: list[str]) -> dict:
    """Run `python <args>` in a fresh process and return the JSON object it prints last.

    Each workload runs alone in its own interpreter, so the peak memory it reports (its own
    ru_maxrss) is that workload's and nothing else's.
    """
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{proc.stderr}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    # The whole process too: interpreter start, imports, the run(s), exit.
    result["process_s"] = time.perf_counter() - started
    return result


@dataclass
class Row:
    """One line of the benchmark table: a workload, its figure, the target, met or not."""

    workload: str
    figure: str
    target: str
    met: bool
    command: str

    def line(self) -> str:
        """The row as printed."""
        return (
            f"{self.workload} | {self.figure} | {self.target} | {'met' if self.met else 'NOT met'}"
        )


def print_rows(rows: list[Row]) -> None:
    """Print rows as a Markdown table, with each row's command beneath."""
    print("| workload | measured | target | met? |")
    print("| --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r.line()} |")
    print()
    print("commands:")
    for r in rows:
        print(f"  {r.workload}: {r.command}")
