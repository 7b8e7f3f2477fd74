"""Run a function on a copy of this process (fork), so that runs share what came before.

Every plan of a replicate is the same run up to the first start: the warm-up and the
months before. Rather than run that part once per plan, the replicate runs it once and
forks: each child process continues one plan from the shared state (a copy-on-write copy,
made in a few milliseconds) and sends its result back through a pipe. Where there is no
fork (Windows), the caller reruns from the start instead: the same numbers, more time.
"""

from __future__ import annotations

import os
import pickle
import traceback
import warnings
from collections.abc import Callable

CAN_FORK = hasattr(os, "fork")


def in_child[T](fn: Callable[[], T]) -> T:
    """`fn()` in a forked child: its return value, or its error re-raised here.

    The child only computes and writes to its pipe, then leaves with `os._exit` (no
    cleanup, no flushing of the parent's buffers, no atexit handlers run twice).
    """
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python warns that forking a process with threads may deadlock: a pool worker's
        # only other thread waits on its parent's sentinel and holds no lock the child needs.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        try:
            payload = pickle.dumps((True, fn()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises
            payload = pickle.dumps((False, f"{exc!r}\n{traceback.format_exc()}"))
        with os.fdopen(write_end, "wb") as out:
            out.write(payload)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as src:
        payload = src.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not payload:
        raise RuntimeError(f"a forked plan run ended with status {status} and no result")
    ok, value = pickle.loads(payload)
    if not ok:
        raise RuntimeError(f"a forked plan run failed: {value}")
    return value
