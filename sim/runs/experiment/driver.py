"""The driver loop: tasks to an executor a window at a time, each outcome stored as it comes.

What is stored stays stored: a sweep that stops (killed, a worker lost) continues with
`--resume`. `SweepReport` says what ran, what was skipped and what failed.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from dataclasses import dataclass, field
from typing import Any

from sim.runs.experiment.tasks import RunOutcome, RunTask, run_task


@dataclass
class SweepReport:
    """What a call to `Experiment.run` did."""

    total: int
    skipped: int
    ran: int = 0
    failures: list[RunOutcome] = field(default_factory=list)
    wall_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when no run failed."""
        return not self.failures

    def failure_lines(self, limit: int | None = None) -> list[str]:
        """One line per failed run: its keys and the last line of its error."""
        lines = []
        for f in sorted(self.failures, key=lambda f: f.key)[:limit]:
            last = (f.error or "").strip().splitlines()[-1:] or ["(no message)"]
            lines.append(
                f"design {f.design}, point {f.point}, replicate {f.replicate} "
                f"(seed {f.seed}): {last[0]}"
            )
        if limit is not None and len(self.failures) > limit:
            lines.append(f"... and {len(self.failures) - limit} more")
        return lines


class RunsFailed(Exception):
    """Some runs of a stage raised: their tracebacks are stored, the caller stops.

    A partial experiment is not a result: no table is written from it.
    """

    @classmethod
    def of(cls, report: SweepReport, out: Any) -> RunsFailed:
        """The error for a report with failures, its runs stored in the folder `out`."""
        lines = "\n".join(f"  {line}" for line in report.failure_lines(limit=10))
        return cls(
            f"{len(report.failures)} runs failed (stored in {out}/results.sqlite; run again "
            f"with the same --out to retry them):\n{lines}"
        )


def drive(
    name: str, tasks: list[RunTask], db: Any, executor: Executor, window: int, progress: bool
) -> SweepReport:
    """Run the tasks not in the store `db` yet, `window` at a time; store each as it ends."""
    from tqdm.auto import tqdm

    started = time.perf_counter()
    done = db.finished_keys()
    todo = iter([t for t in tasks if t.key not in done])
    report = SweepReport(total=len(tasks), skipped=sum(1 for t in tasks if t.key in done))
    inflight: dict[Future, RunTask] = {}
    bar = tqdm(
        total=len(tasks),
        initial=report.skipped,
        desc=name,
        unit="run",
        disable=not progress,
        dynamic_ncols=True,
    )
    try:
        while True:
            for task in _take(todo, window - len(inflight)):
                inflight[executor.submit(run_task, task)] = task
            if not inflight:
                break
            finished, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
            for fut in finished:
                task = inflight.pop(fut)
                outcome = _outcome(fut, task)
                db.record(outcome)
                report.ran += 1
                if outcome.status != "ok":
                    report.failures.append(outcome)
                bar.update(1)
                bar.set_postfix(failed=len(report.failures), refresh=False)
    except BaseException:
        for fut in inflight:
            fut.cancel()
        raise
    finally:
        bar.close()
    report.wall_seconds = time.perf_counter() - started
    return report


def _take(it: Iterable[RunTask], n: int) -> list[RunTask]:
    out = []
    for task in it:
        out.append(task)
        if len(out) >= n:
            break
    return out


class WorkerLost(RuntimeError):
    """A local worker process died (killed, out of memory): the pool cannot go on."""


def _outcome(fut: Future, task: RunTask) -> RunOutcome:
    """The worker's outcome; an error outside the run (not caught by run_task) is a failure too.

    Raises:
        WorkerLost: the process pool broke; every run still in it would fail the same way, so
            the sweep stops (what is stored stays stored; --resume continues).
    """
    try:
        return fut.result()
    except BrokenExecutor as err:
        raise WorkerLost(
            f"a worker process died during design {task.design}, point {task.point}, "
            f"replicate {task.replicate} (killed, or out of memory?)"
        ) from err
    except Exception as err:
        return RunOutcome(
            task.experiment,
            task.design,
            task.point,
            task.replicate,
            task.seed,
            status="failed",
            wall_seconds=0.0,
            error="".join(traceback.format_exception(err)),
        )
