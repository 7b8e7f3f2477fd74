"""Output targets checked before any simulation runs, and files written whole or not at all.

`check_target` refuses, up front, a target under a plain file, under a system folder
(/proc, /sys, /dev), in a folder that cannot be written, outside the folder it must stay
in, or on a disk without room for the estimated output. `atomic_file` writes beside the
target, fsyncs and renames; `os_problem` turns an OS error into one clear line naming the
path (a full disk, a read-only file system, no permission).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from sim.errors import InputError, Problem

SYSTEM_ROOTS = (Path("/proc"), Path("/sys"), Path("/dev"))

_REASONS = {
    errno.ENOSPC: "the disk is full (no space left on device); free some space or choose "
    "another --out",
    errno.EDQUOT: "the disk quota is exceeded; free some space or choose another --out",
    errno.EROFS: "is on a read-only file system; choose another --out",
    errno.EACCES: "permission denied; choose a folder you can write to",
    errno.EPERM: "permission denied; choose a folder you can write to",
}


def os_problem(path: str | Path, exc: OSError) -> Problem:
    """One line for an OS error while writing `path`: what happened and what to do."""
    reason = _REASONS.get(exc.errno or 0)
    if reason is None:
        reason = f"cannot be written ({exc.strerror or exc})"
    return Problem(str(path), reason)


def human_bytes(n: float) -> str:
    """A byte count for people: ``1.5 GB``; beyond petabytes, a power of ten (``4e+23 bytes``)."""
    if abs(n) >= 1e18:
        return f"{n:.2g} bytes"
    for unit in ("bytes", "kB", "MB", "GB", "TB", "PB"):
        if abs(n) < 1000 or unit == "PB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} PB"  # pragma: no cover


def existing_ancestor(path: Path) -> Path:
    """The nearest folder or file on the way to `path` that exists (the path itself if it does)."""
    path = Path(os.path.abspath(path.expanduser()))
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(path.anchor or "/")  # pragma: no cover


def check_target(
    path: str | Path,
    *,
    folder: bool = True,
    inside: str | Path | None = None,
    needed_bytes: float = 0,
) -> None:
    """Refuse an output target that cannot be written, before anything runs.

    Args:
        path: the folder (or file, with ``folder=False``) to write.
        folder: whether `path` is a folder (a file target's parent must be a folder).
        inside: a folder the target must stay in once ``..`` and links are resolved.
        needed_bytes: the estimated size of the output; refused if the disk has less free.

    Raises:
        InputError: naming the path, what is wrong, and what to do.
    """
    path = Path(path).expanduser()
    shown = str(path)
    resolved = path.resolve()
    if any(resolved == root or root in resolved.parents for root in SYSTEM_ROOTS):
        raise InputError([Problem(shown, "is a system folder, not a place for results")])
    if inside is not None:
        root = Path(inside).expanduser().resolve()
        if resolved != root and root not in resolved.parents:
            raise InputError(
                [Problem(shown, f"is outside {inside}; results stay inside it (no '..')")]
            )
    base = existing_ancestor(path)
    if base.is_file() and (base != Path(os.path.abspath(path)) or folder):
        raise InputError([Problem(shown, f"cannot be written: {base} is a file, not a folder")])
    folder_there = base if base.is_dir() else base.parent
    if not os.access(folder_there, os.W_OK | os.X_OK):
        raise InputError(
            [
                Problem(
                    shown,
                    f"cannot be written: {folder_there} is read-only for you; "
                    "choose a folder you can write to",
                )
            ]
        )
    if needed_bytes > 0:
        free = shutil.disk_usage(folder_there).free
        if needed_bytes > free:
            raise InputError(
                [
                    Problem(
                        shown,
                        f"the output needs about {human_bytes(needed_bytes)} and the disk has "
                        f"{human_bytes(free)} free; free some space, choose another --out, "
                        "or run fewer replicates or weeks",
                    )
                ]
            )


@contextlib.contextmanager
def atomic_file(path: str | Path, mode: str = "w", **open_args) -> Iterator[IO]:
    """Open a temporary file beside `path`; on success fsync it and rename it into place.

    On any error or interruption the temporary file is removed and `path` is untouched; an
    OS error becomes an `InputError` naming `path` (`os_problem`).
    """
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InputError([os_problem(path, exc)]) from None
    try:
        with os.fdopen(fd, mode, **open_args) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InputError([os_problem(path, exc)]) from None
        raise


def write_text(path: str | Path, text: str) -> Path:
    """Write text (UTF-8) whole or not at all (`atomic_file`)."""
    with atomic_file(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return Path(path)


def remove_tree(path: str | Path) -> None:
    """Remove a folder (or file) if there, ignoring errors: cleanup after a failure."""
    path = Path(path)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()
