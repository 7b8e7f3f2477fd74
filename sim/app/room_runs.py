"""Running a closed round: every design and no program on the same seeds, in a bounded pool.

Replicate r runs every design of the round and no program on seed r and, with posterior
uncertainty, on the r-th draw from the calibrated posterior (exactly as `sim compare
--uncertainty posterior` draws them: `sim.calibration.posterior.run_over_posterior`), so each
design's difference from doing nothing is paired. The replicates are tasks of a process
pool of at most `workers` processes (`sim.runs.executors.process_pool`: they exit with the
server); one round runs at a time, in a background thread, so the pages stay live.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Executor
from typing import Any

import pandas as pd

from sim.app.controls import overrides
from sim.app.room import Room, Submission, leaderboard
from sim.calibration.posterior import (
    PARTICLE_COLUMN,
    draw_particles,
    library_posterior_path,
    read_posterior,
    set_overrides,
)
from sim.runs.executors import process_pool
from sim.runs.replicates import Results, run_scenario
from sim.scenario.design import ProgramDesign
from sim.scenario.parameters import Scenario
from sim.scenario.seeds import replicate_seeds


def round_designs(room: Room, subs: list[tuple[str, Submission]]) -> tuple[ProgramDesign, ...]:
    """Each submission as a design of the scenario, named `r<round>_d<i>`, labelled."""
    out = []
    for name, sub in subs:
        scenario = room.load([], after=overrides(room.design, sub.knobs))
        out.append(scenario.design(room.design).with_changes(name=name, label=sub.label))
    return tuple(out)


def _one_replicate(task: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Replicate r of a round: every design and no program on one seed (and draw)."""
    room_args, designs, draw, r, seed = task
    room = _Loader(*room_args)
    first = set_overrides(draw) if draw is not None else []
    scenario = room.load(first).with_changes(designs=designs)
    res = run_scenario(scenario, ["baseline", *(d.name for d in designs)], [seed])
    for table in (res.series, res.summary):
        table["replicate"] = r
        if draw is not None:
            table.insert(3, PARTICLE_COLUMN, int(draw["particle"]))
    return res.series, res.summary


class _Loader:
    """What a worker process needs to load the session's scenario (picklable)."""

    def __init__(self, source: str | None, sets: list[str]) -> None:
        self.source, self.sets = source, sets

    def load(self, first: list[str]) -> Scenario:
        from sim.scenario.loading import default_with_overrides, load_scenario

        sets = [*first, *self.sets]
        return load_scenario(self.source, sets) if self.source else default_with_overrides(sets)


def round_tasks(room: Room, number: int) -> tuple[list[tuple], Scenario, dict[str, Submission]]:
    """The round's replicate tasks, its scenario (for the money) and its designs by name."""
    subs = room.round_designs(number)
    designs = round_designs(room, subs)
    seeds = replicate_seeds(room.base.seed, room.replicates)
    draws: list[Any] = [None] * len(seeds)
    if room.uncertainty == "posterior":
        posterior = read_posterior(library_posterior_path())
        particles = draw_particles(posterior, len(seeds), room.base.seed)
        draws = [particles.iloc[r].to_dict() for r in range(len(seeds))]
    args = (room.source, room.sets)
    tasks = [(args, designs, draws[r], r, int(s)) for r, s in enumerate(seeds)]
    return tasks, room.base.with_changes(designs=designs), dict(subs)


def run_round(room: Room, number: int, executor: Executor) -> list[dict[str, Any]]:
    """Run a round's replicates on `executor`; its leaderboard."""
    tasks, scenario, teams = round_tasks(room, number)
    parts = list(executor.map(_one_replicate, tasks))
    results = Results(
        pd.concat([p[0] for p in parts], ignore_index=True),
        pd.concat([p[1] for p in parts], ignore_index=True),
        None,
    )
    return leaderboard(results.summary, results.series, scenario, teams)


class Runner:
    """One background thread that runs closed rounds on a pool of at most `workers`."""

    def __init__(self, room: Room, workers: int = 2) -> None:
        self.room, self.workers = room, workers
        self.thread: threading.Thread | None = None
        self.pool = None

    def start(self, number: int) -> None:
        """Run round `number` in the background; `room.finish` records the result."""
        self.thread = threading.Thread(target=self._run, args=(number,), daemon=True)
        self.thread.start()

    def _run(self, number: int) -> None:
        started = time.perf_counter()
        try:
            if self.pool is None:
                self.pool = process_pool(self.workers, preload=("sim.app.room_runs",))
            board = run_round(self.room, number, self.pool)
        except Exception as err:  # noqa: BLE001 - the room hears why, the server lives on
            self.room.finish(number, None, f"{type(err).__name__}: {err}", 0.0)
            return
        self.room.finish(number, board, "", time.perf_counter() - started)

    def stop(self) -> None:
        """Shut the pool down (its processes exit)."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
