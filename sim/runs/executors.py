"""Where runs execute: serial, local processes, or a Dask cluster, all as `concurrent.futures`.

An experiment only ever calls ``executor.submit(run_task, task)`` and waits on the futures,
so moving a sweep from a laptop to a cluster changes the executor, not the experiment. Runs
are pure functions of their task, so every executor gives identical rows.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from sim.errors import InputError, Problem


class SerialExecutor(Executor):
    """Runs each call at submit time, in this process (debuggable, no pickling)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Call ``fn`` now and return its already finished future."""
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as err:
            fut.set_exception(err)
            if not isinstance(err, Exception):
                raise
        return fut


def exit_with_parent() -> None:
    """In a worker process: exit at once when the process that started it dies.

    A pool's workers block on their task queue, whose pipe they hold both ends of, so they
    never see the coordinator die: after a ``kill -9`` they, the forkserver (kept alive by its
    children) and the resource tracker (kept alive by everyone's copy of its pipe) would
    live on as orphans. multiprocessing gives each child a sentinel of its parent (a pipe
    whose write end only the parent holds), which turns readable when the parent dies,
    however it dies. A daemon thread waits on it; a worker whose parent is gone exits without
    cleanup, since a half-finished run has nowhere to report to. The workers' exits then
    release the forkserver and the resource tracker. Use as a pool's ``initializer``.
    """
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:  # not a multiprocessing child
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def process_pool(
    workers: int,
    preload: tuple[str, ...] = (),
    mp_context: Any = None,
    max_tasks_per_child: int | None = None,
) -> ProcessPoolExecutor:
    """A pool of worker processes that exit when this process dies, even by ``kill -9``.

    Args:
        workers: the number of worker processes.
        preload: modules the forkserver imports once, so that workers start fast.
        mp_context: a multiprocessing context (default: forkserver where there is one, not
            fork: forking a process that may already run threads, e.g. a progress bar's
            monitor, can deadlock; else spawn).
        max_tasks_per_child: replace a worker by a fresh one after this many tasks (None:
            never), which bounds the memory a long job's workers can accumulate.
    """
    if mp_context is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            mp_context = multiprocessing.get_context("forkserver")
            if preload:
                mp_context.set_forkserver_preload(list(preload))
        else:  # Windows
            mp_context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=mp_context,
        initializer=exit_with_parent,
        max_tasks_per_child=max_tasks_per_child,
    )


@dataclass
class Backend:
    """An open executor, the number of workers behind it and a description for the user."""

    executor: Executor
    workers: int
    description: str


def default_workers() -> int:
    """Worker processes by default: one per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def open_backend(
    workers: int | None = None, scheduler: str | None = None, dask_local: int | None = None
) -> Iterator[Backend]:
    """The executor a sweep asked for, shut down cleanly afterwards.

    Args:
        workers: local worker processes (default: one per core); 1 runs serially in-process.
        scheduler: the address of a running Dask scheduler, e.g. tcp://host:8786.
        dask_local: start a Dask LocalCluster of this many single-threaded worker processes.
    """
    chosen = [x is not None for x in (workers, scheduler, dask_local)]
    if sum(chosen) > 1:
        raise InputError(
            [Problem("sim sweep", "choose one of --workers, --scheduler and --dask-local")]
        )
    if scheduler is not None or dask_local is not None:
        with _dask(scheduler, dask_local) as backend:
            yield backend
        return
    n = workers if workers is not None else default_workers()
    if n < 1:
        raise InputError([Problem(f"--workers {n}", "must be at least 1")])
    if workers is not None:
        from sim.safety.resources import capped_workers

        capped_workers(workers)  # allowed, with a warning when above this machine's cores
    if n == 1:
        yield Backend(SerialExecutor(), 1, "1 worker (serial, in this process)")
        return
    # The forkserver imports the model once, so workers start fast.
    pool = process_pool(n, preload=("sim.runs.experiment",))
    try:
        yield Backend(pool, n, f"{n} local worker processes")
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _dask(scheduler: str | None, dask_local: int | None) -> Iterator[Backend]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError(
            [
                Problem(
                    "--scheduler" if scheduler else "--dask-local",
                    "Dask executors need the dask extra: pip install 'orgculture-sim[dask]'",
                )
            ]
        ) from None
    if dask_local is not None:
        if dask_local < 1:
            raise InputError([Problem(f"--dask-local {dask_local}", "must be at least 1")])
        # One thread per worker: the model is numpy-heavy and holds the GIL between calls.
        cluster = LocalCluster(
            n_workers=dask_local,
            processes=True,
            threads_per_worker=1,
            dashboard_address=None,
        )
        with cluster, Client(cluster) as client:
            desc = f"a Dask LocalCluster of {dask_local} worker processes"
            yield Backend(client.get_executor(pure=False), dask_local, desc)
        return
    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError) as err:
        raise InputError(
            [Problem(f"--scheduler {scheduler}", f"cannot reach the Dask scheduler: {err}")]
        ) from None
    with client:
        n = max(1, len(client.scheduler_info().get("workers", {})))
        yield Backend(
            client.get_executor(pure=False), n, f"the Dask cluster at {scheduler} ({n} workers)"
        )
