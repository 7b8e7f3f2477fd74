"""OS-level locks on what is being written: one writer per store or results folder.

An advisory lock (``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows) on a lock file
that records the holder's process id and command: a second writer is refused with the
process to wait for. The OS releases the lock when its holder dies, even by ``kill -9``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sim.errors import InputError, Problem


def _try_lock(handle) -> bool:
    """Lock the open file without waiting; False if another process holds it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def holder(lock_path: str | Path) -> str:
    """Who holds a lock, as recorded in its file: ``process 123 (sim sweep ...)``."""
    try:
        text = Path(lock_path).read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        text = ""
    pid, _, command = text.partition(" ")
    if not pid.isdigit():
        return "another process"
    return f"process {pid}" + (f" ({command})" if command else "")


class FileLock:
    """An exclusive lock held through a lock file while a store or folder is written.

    Args:
        path: the lock file (created if missing; never deleted, so that no second file can
            be locked beside it).
        what: what is locked, for the message (e.g. "this sweep's folder").
        remove: remove the lock file on release (while still holding it).
        reentrant: a second `FileLock` on the same file in this process shares the lock
            (an outer step holds it while an inner one writes); otherwise it is refused.
    """

    _held: dict[Path, int] = {}  # lock files this process holds, and how many times

    def __init__(
        self,
        path: str | Path,
        what: str = "this folder",
        remove: bool = False,
        reentrant: bool = False,
    ):
        self.path = Path(path)
        self.reentrant = reentrant
        self.what = what
        self.remove = remove
        self._handle = None
        self._nested = False

    def acquire(self) -> FileLock:
        """Take the lock, or refuse naming the process that holds it.

        Raises:
            InputError: another process holds the lock.
        """
        if self._handle is not None or self._nested:
            return self
        key = self.path.resolve()
        if self.reentrant and key in FileLock._held:  # this process holds it (an outer step)
            FileLock._held[key] += 1
            self._nested = True
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # held open until release()
        if not _try_lock(handle):
            handle.close()
            raise InputError(
                [
                    Problem(
                        str(self.path.parent),
                        f"{self.what} is being written by {holder(self.path)} right now; "
                        "wait for it to finish, or use another --out",
                    )
                ]
            )
        handle.seek(0)
        handle.truncate()
        handle.write(
            f"{os.getpid()} {' '.join(Path(sys.argv[0]).name.split()[:1] + sys.argv[1:])}\n"
        )
        handle.flush()
        self._handle = handle
        if self.reentrant:
            FileLock._held[key] = 1
        return self

    def release(self) -> None:
        """Let go of the lock (closing the file releases it)."""
        key = self.path.resolve()
        if self._nested:
            FileLock._held[key] -= 1
            self._nested = False
            return
        if self._handle is not None:
            if self.remove:  # removed while still held: no stale file is left beside results
                self.path.unlink(missing_ok=True)
            self._handle.close()
            self._handle = None
            FileLock._held.pop(key, None)

    def __enter__(self) -> FileLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
