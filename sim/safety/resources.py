"""Resource estimates checked up front: memory, disk and run count, before anything runs.

The estimates are deliberately simple products of the sizes a user chooses (people,
replicates, designs, weeks), computed in floating point so that an absurd size (10^20
people) is refused at once instead of allocated. They are compared with what the machine
has: available memory (psutil when installed, else /proc/meminfo or sysconf) and the free
space of the output's disk.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass

from sim.errors import Problem
from sim.safety.targets import human_bytes

BYTES_PER_PERSON = 4_000
"""Memory per position in one running model: its attribute arrays, agent and ties."""
BYTES_PER_SERIES_CELL = 64
"""Memory per weekly value kept for the results (a row of about 60 columns per week)."""
SERIES_COLUMNS = 60
CSV_BYTES_PER_CELL = 12
"""Disk per weekly value written as CSV text."""
MAX_RUNS = 10_000_000
"""Runs one command may ask for: more would take years of machine time."""


@dataclass(frozen=True)
class Estimate:
    """What a command will need: memory (bytes), disk (bytes) and the number of runs."""

    memory: float
    disk: float
    runs: float

    def text(self) -> str:
        """The estimate in words."""
        return (
            f"about {human_bytes(self.memory)} of memory, {human_bytes(self.disk)} of disk "
            f"and {self.runs:.3g} runs"
        )


def estimate(
    people: float, replicates: float, designs: float, weeks: float, workers: float = 1
) -> Estimate:
    """The memory, disk and runs of `replicates` runs of each design, `workers` at a time."""
    people, replicates, designs, weeks = (float(x) for x in (people, replicates, designs, weeks))
    runs = replicates * designs
    cells = runs * weeks * SERIES_COLUMNS
    memory = max(1.0, float(workers)) * people * BYTES_PER_PERSON + cells * BYTES_PER_SERIES_CELL
    return Estimate(memory=memory, disk=cells * CSV_BYTES_PER_CELL, runs=runs)


def available_memory() -> float | None:
    """Memory available to a new allocation, in bytes; None when it cannot be told."""
    with contextlib.suppress(ImportError, OSError, AttributeError):
        import psutil

        return float(psutil.virtual_memory().available)
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    with contextlib.suppress(ValueError, OSError, AttributeError):
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    return None


def check_estimate(need: Estimate, where: str, memory: float | None = None) -> list[Problem]:
    """Problems if the estimate exceeds the machine's memory or the run limit.

    Args:
        need: the estimate.
        where: the key or file to name (e.g. ``my.toml: org.size``).
        memory: the memory available (default: `available_memory`).
    """
    have = available_memory() if memory is None else memory
    problems = []
    if need.runs > MAX_RUNS:
        problems.append(
            Problem(
                where,
                f"asks for {need.runs:.3g} runs; at most {MAX_RUNS:,} are allowed in one "
                "command: run fewer replicates, designs or sweep points",
            )
        )
    if have is not None and need.memory > have:
        problems.append(
            Problem(
                where,
                f"needs {need.text()}; this machine has {human_bytes(have)} of memory "
                "available: choose a smaller organisation, fewer replicates or weeks",
            )
        )
    return problems


def capped_workers(requested: int | None, where: str = "--workers") -> int:
    """Worker processes: the request, with a warning when above the cores of this machine.

    None (no request) gives one per core. A larger explicit request is allowed (a remote
    cluster may have more cores than this machine) but warned about.
    """
    cores = os.cpu_count() or 1
    if requested is None:
        return cores
    if requested > cores:
        print(
            f"warning: {where} {requested} is more than the {cores} cores of this machine; "
            "the runs share them (and use more memory) without finishing sooner",
            file=sys.stderr,
        )
    return requested
