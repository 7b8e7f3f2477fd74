"""Writing results safely: complete or not at all, never over existing results.

Tables go into a temporary folder beside the target, which is renamed into place only
when everything is written; an existing folder is refused unless `force` is given.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from sim.errors import InputError, Problem
from sim.provenance import dependency_versions, git_commit, package_version
from sim.safety.cells import safe_table
from sim.safety.locks import FileLock
from sim.safety.names import path_name
from sim.safety.targets import check_target, os_problem


def default_out_dir(name: str, root: Path = Path("results")) -> Path:
    """A new folder under results/ named after the scenario and the time."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = path_name(name, "scenario")  # the display name stays in the manifest
    out = root / f"{name}-{stamp}"
    n = 1
    while out.exists():
        n += 1
        out = root / f"{name}-{stamp}-{n}"
    return out


MANIFEST = "manifest.json"


def results_lock(out: Path) -> FileLock:
    """The lock a results folder is written under (a file beside it, removed afterwards)."""
    out = Path(out).expanduser()
    return FileLock(
        out.parent / f".{out.name}.lock", "this results folder", remove=True, reentrant=True
    )


def check_out_dir(out: Path, force: bool, needed_bytes: float = 0) -> None:
    """Refuse an existing, non-empty output folder unless forced, and never risk other files.

    `force` replaces only a results folder (one with a manifest.json, as `write_tables`
    leaves): a folder named by mistake, or by a shared scenario's `outputs.folder`, such as
    results/ itself or the current folder, is never deleted. A folder that cannot be
    written (under a file or a system folder, read-only, too little free space for
    `needed_bytes`) is refused too (`sim.safety.targets.check_target`).
    """
    check_target(out, needed_bytes=needed_bytes)
    here = Path.cwd().resolve()
    target = out.expanduser().resolve()
    if target == here or target in here.parents:
        raise InputError(
            [Problem(str(out), "is the current folder or holds it; name a new folder for results")]
        )
    if not out.exists() or (out.is_dir() and not any(out.iterdir())):
        return
    if not force:
        raise InputError(
            [
                Problem(
                    str(out), "already exists; choose another --out, or pass --force to replace it"
                )
            ]
        )
    if not (out.is_dir() and (out / MANIFEST).is_file()):
        raise InputError(
            [
                Problem(
                    str(out),
                    f"is not a results folder (no {MANIFEST}); --force replaces only results "
                    "folders: choose another --out",
                )
            ]
        )


def manifest(extra: dict[str, object] | None = None) -> dict[str, object]:
    """The command, the time and the versions: what the tables themselves do not carry."""
    return {
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "sim_version": package_version(),
        "git_commit": git_commit(),
        "versions": dependency_versions(),
        **(extra or {}),
    }


def write_atomically(out: Path, force: bool, write: Callable[[Path], None]) -> Path:
    """Call `write(tmp_dir)`, then move the folder to `out` (replacing it only if forced).

    The folder is locked meanwhile (`results_lock`); on any error or signal the temporary
    folder is removed, and an OS error (a full disk, a read-only file system) becomes an
    `InputError` naming the path.
    """
    check_out_dir(out, force)
    with results_lock(out):
        check_out_dir(out, force)  # again, now that no one else can write it
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        except OSError as exc:
            raise InputError([os_problem(out, exc)]) from None
        try:
            write(tmp)
            _fsync_folder(tmp)
            if out.exists():
                shutil.rmtree(out) if out.is_dir() else out.unlink()
            os.replace(tmp, out)
        except BaseException as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            if isinstance(exc, OSError):
                raise InputError([os_problem(out, exc)]) from None
            raise
    return out


def _fsync_folder(folder: Path) -> None:
    """Flush every file of a folder to disk before it is renamed into place."""
    for path in folder.iterdir():
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def write_tables(folder: Path, tables: dict[str, pd.DataFrame | None], meta: dict) -> None:
    """Each table as CSV, plus manifest.json."""
    for name, table in tables.items():
        if table is not None:
            safe_table(table).to_csv(folder / f"{name}.csv", index=False)
    (folder / MANIFEST).write_text(json.dumps(meta, indent=2, default=str) + "\n")
