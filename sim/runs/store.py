"""The result store: one SQLite file per sweep, a row per finished run.

SQLite (stdlib) in WAL mode, written only by the coordinating process: each finished run
is one transaction (its summary row and, when kept, its weekly series), so a sweep killed at
any moment leaves whole runs or nothing. ``(experiment, design, point, replicate)`` is the
primary key: a run can never be stored twice. The store keeps the validated experiment and
its hash; resuming with a different experiment is refused.

Tables:
    meta(key, value): experiment name, hash, definition (JSON), schema version.
    points(point, params): each sample point's parameter values (JSON).
    seeds(replicate, seed): the shared replicate seeds.
    runs(experiment, design, point, replicate, seed, params, status, wall_seconds, error,
        scenario_hash, sim_version, git_commit, metrics): metrics is a JSON object of the
        run's summary outcomes (``json_extract(metrics, '$.turnover_junior_y1')`` in SQL).
    series(experiment, design, point, replicate, week, data): the weekly rows (JSON), when
        the experiment keeps them.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import InputError, Problem

SCHEMA_VERSION = 1
STORE_NAME = "results.sqlite"
PROVENANCE = ("sim_version", "git_commit", "scenario_hash")
RUN_COLUMNS = (
    "experiment",
    "design",
    "point",
    "replicate",
    "seed",
    "status",
    "wall_seconds",
    "error",
    *PROVENANCE,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS points (point INTEGER PRIMARY KEY, params TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS seeds (replicate INTEGER PRIMARY KEY, seed INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    experiment TEXT NOT NULL,
    design TEXT NOT NULL,
    point INTEGER NOT NULL,
    replicate INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    params TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
    wall_seconds REAL NOT NULL,
    error TEXT,
    scenario_hash TEXT,
    sim_version TEXT,
    git_commit TEXT,
    metrics TEXT,
    PRIMARY KEY (experiment, design, point, replicate)
);
CREATE TABLE IF NOT EXISTS series (
    experiment TEXT NOT NULL,
    design TEXT NOT NULL,
    point INTEGER NOT NULL,
    replicate INTEGER NOT NULL,
    week INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (experiment, design, point, replicate, week)
);
"""


def _plain(value: Any) -> Any:
    """A JSON-ready value: numpy scalars unwrapped, NaN as null, dates as ISO text."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _json(mapping: Mapping[str, Any]) -> str:
    return json.dumps({k: _plain(v) for k, v in mapping.items()}, allow_nan=False)


def store_problem(path: Path, exc: BaseException) -> Problem:
    """One line for a store that cannot be written: full disk, read-only, or locked."""
    text = str(exc)
    if "full" in text or getattr(exc, "errno", None) == 28:
        why = "the disk is full; free some space, then continue with --resume"
    elif "readonly" in text or "read-only" in text:
        why = "is read-only; choose another --out"
    else:
        why = f"cannot be written ({text}); continue with --resume once fixed"
    return Problem(str(path), why)


class ResultStore:
    """An SQLite result store (a file; created if missing).

    Args:
        path: the SQLite file, or a folder (the store is then ``folder/results.sqlite``).
    """

    def __init__(self, path: str | Path):
        path = Path(path)
        if path.is_dir() or not path.suffix:
            path = path / STORE_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = None
        try:
            # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT).
            self.conn = sqlite3.connect(path, isolation_level=None, timeout=30)
            self.conn.execute("PRAGMA journal_mode=WAL")
            # FULL: a committed run survives even an OS crash, not only a killed process.
            self.conn.execute("PRAGMA synchronous=FULL")
            self.conn.executescript(_SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise InputError([store_problem(path, exc)]) from None

    def close(self) -> None:
        """Close the connection (the WAL is checkpointed into the main file)."""
        self.conn.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def adopt_lock(self, lock: Any) -> None:
        """Hold a lock already taken on this store's lock file (released on close)."""
        self._lock = lock

    def lock(self) -> None:
        """Become the store's only writer, or refuse.

        Two sweeps on one store would both run the missing runs. The lock is an OS file
        lock, so a coordinator killed with -9 releases it at once.

        Raises:
            InputError: another process holds the lock.
        """
        if self._lock is not None:
            return
        from sim.safety.locks import FileLock, holder

        lock = FileLock(f"{self.path}.lock", "this sweep's store")
        try:
            lock.acquire()
        except InputError:
            raise InputError(
                [
                    Problem(
                        str(self.path),
                        f"another sweep is writing to this store right now ({holder(lock.path)}); "
                        "wait for it to finish, or use another --out",
                    )
                ]
            ) from None
        self._lock = lock

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the experiment ---------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        """The meta table as a dictionary."""
        return dict(self.conn.execute("SELECT key, value FROM meta"))

    def begin(self, experiment: Any, resume: bool = False) -> None:
        """Record the experiment (a new store) or check it is the same one (resume).

        Raises:
            InputError: the store holds another experiment, or runs while not resuming.
        """
        meta = self.meta()
        digest = experiment.digest()
        if "sweep_hash" in meta:
            if meta["sweep_hash"] != digest:
                raise InputError(
                    [
                        Problem(
                            str(self.path),
                            f"holds runs of a different sweep (hash {meta['sweep_hash']}, this "
                            f"sweep gives {digest}): the sweep file or its scenario changed since; "
                            "use another --out, or pass --force to discard the stored runs",
                        )
                    ]
                )
            if not resume and self.count() > 0:
                raise InputError(
                    [
                        Problem(
                            str(self.path),
                            "already holds runs of this sweep; pass --resume to continue it, "
                            "or --force to start over",
                        )
                    ]
                )
            return
        spec = experiment.to_dict()
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            rows = {
                "schema_version": str(SCHEMA_VERSION),
                "experiment": experiment.name,
                "sweep_hash": digest,
                "definition": json.dumps(spec, sort_keys=True, default=str),
                "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            }
            self.conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", rows.items())
            self.conn.executemany(
                "INSERT INTO points VALUES (?, ?)",
                [(i, _json(p)) for i, p in enumerate(experiment.points)],
            )
            self.conn.executemany(
                "INSERT INTO seeds VALUES (?, ?)", list(enumerate(experiment.seeds))
            )
            self.conn.execute("COMMIT")
        except BaseException as exc:
            self._failed(exc)
            raise

    def _failed(self, exc: BaseException) -> None:
        """Roll back a failed transaction; a full or read-only disk becomes an InputError.

        SQLite may have rolled back already (a full disk does), so the rollback is only
        attempted while a transaction is open: the original error is never masked.
        """
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        if isinstance(exc, sqlite3.OperationalError | OSError):
            raise InputError([store_problem(self.path, exc)]) from None

    def definition(self) -> dict[str, Any]:
        """The stored, validated experiment definition."""
        return json.loads(self.meta()["definition"])

    # -- writing ----------------------------------------------------------------------
    def finished_keys(self) -> set[tuple[str, int, int]]:
        """(design, point, replicate) of runs stored as ok; failed runs are run again."""
        rows = self.conn.execute("SELECT design, point, replicate FROM runs WHERE status = 'ok'")
        return {tuple(r) for r in rows}  # type: ignore[misc]

    def record(self, outcome: Any) -> None:
        """Store one finished run (and its series) in one transaction."""
        summary = dict(outcome.summary or {})
        provenance = [summary.pop(k, None) for k in PROVENANCE]
        for k in ("design", "replicate", "seed"):
            summary.pop(k, None)
        params = self.conn.execute(
            "SELECT params FROM points WHERE point = ?", (outcome.point,)
        ).fetchone()
        key = (outcome.experiment, outcome.design, outcome.point, outcome.replicate)
        where = "experiment = ? AND design = ? AND point = ? AND replicate = ?"
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            # A failed run stored earlier is replaced when it is run again on --resume.
            self.conn.execute(f"DELETE FROM series WHERE {where}", key)
            self.conn.execute(f"DELETE FROM runs WHERE {where}", key)
            self.conn.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    *key,
                    outcome.seed,
                    params[0] if params else "{}",
                    outcome.status,
                    round(float(outcome.wall_seconds), 6),
                    outcome.error,
                    provenance[2],
                    provenance[0],
                    provenance[1],
                    _json(summary) if outcome.summary is not None else None,
                ),
            )
            if outcome.series is not None:
                frame = outcome.series.drop(columns=["design", "replicate", "seed"])
                records = frame.to_dict("records")
                self.conn.executemany(
                    "INSERT INTO series VALUES (?, ?, ?, ?, ?, ?)",
                    [(*key, int(r["week"]), _json(r)) for r in records],
                )
            self.conn.execute("COMMIT")
        except BaseException as exc:
            self._failed(exc)
            raise

    # -- reading ----------------------------------------------------------------------
    def count(self, status: str | None = None) -> int:
        """Number of stored runs (of one status)."""
        if status is None:
            return self.conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
        return self.conn.execute(
            "SELECT COUNT(*) FROM runs WHERE status = ?", (status,)
        ).fetchone()[0]

    def runs(self, status: str | None = None, with_params: bool = True) -> pd.DataFrame:
        """A row per stored run: keys, parameter columns, status, outcome metrics.

        Rows are ordered by design (in the experiment's order), point and replicate, so the
        same experiment gives the same table whatever order the runs finished in.
        """
        query = (
            "SELECT experiment, design, point, replicate, seed, params, status, wall_seconds, "
            "error, sim_version, git_commit, scenario_hash, metrics FROM runs"
        )
        args: tuple[Any, ...] = ()
        if status is not None:
            query += " WHERE status = ?"
            args = (status,)
        raw = pd.read_sql_query(query, self.conn, params=args)
        order = self._design_order()
        raw["_d"] = raw["design"].map(order).fillna(len(order))
        raw = raw.sort_values(["_d", "point", "replicate"], kind="stable").drop(columns="_d")
        raw = raw.reset_index(drop=True)
        metrics = pd.DataFrame(
            [json.loads(m) if isinstance(m, str) else {} for m in raw.pop("metrics")],
            index=raw.index,
        )
        params = pd.DataFrame([json.loads(p) for p in raw.pop("params")], index=raw.index)
        keys = raw[["experiment", "design", "point", "replicate", "seed"]]
        rest = raw.drop(columns=keys.columns)
        parts = [keys, params if with_params else None, rest, metrics]
        return pd.concat([p for p in parts if p is not None], axis=1)

    def failures(self) -> pd.DataFrame:
        """The failed runs with their errors."""
        return self.runs(status="failed")[
            ["design", "point", "replicate", "seed", "error"]
        ].reset_index(drop=True)

    def points(self) -> pd.DataFrame:
        """A row per sample point: its parameter values."""
        rows = self.conn.execute("SELECT point, params FROM points ORDER BY point").fetchall()
        return pd.DataFrame([{"point": p, **json.loads(v)} for p, v in rows])

    def series(self) -> pd.DataFrame:
        """The weekly series of every stored run (empty unless the experiment kept them)."""
        rows = self.conn.execute(
            "SELECT design, point, replicate, week, data FROM series "
            "ORDER BY design, point, replicate, week"
        ).fetchall()
        if not rows:
            return pd.DataFrame()
        keys = pd.DataFrame([r[:3] for r in rows], columns=["design", "point", "replicate"])
        data = pd.DataFrame([json.loads(r[4]) for r in rows])
        out = pd.concat([keys, data], axis=1)
        order = self._design_order()
        out["_d"] = out["design"].map(order)
        return (
            out.sort_values(["_d", "point", "replicate", "week"], kind="stable")
            .drop(columns="_d")
            .reset_index(drop=True)
        )

    def _design_order(self) -> dict[str, int]:
        meta = self.meta()
        if "definition" not in meta:
            return {}
        return {d: i for i, d in enumerate(json.loads(meta["definition"])["designs"])}

    # -- export -----------------------------------------------------------------------
    def export(self, folder: str | Path, fmt: str = "csv") -> list[Path]:
        """Write runs (and series, when kept) as CSV or Parquet files; returns the paths.

        Each file is written under a temporary name and renamed when complete.
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        if fmt == "parquet":
            try:
                import pyarrow  # noqa: F401
            except ImportError:
                raise InputError(
                    [
                        Problem(
                            "--parquet",
                            "Parquet export needs pyarrow: pip install 'orgculture-sim[parquet]'",
                        )
                    ]
                ) from None
        written = []
        for name, table in (("runs", self.runs()), ("series", self.series())):
            if table.empty and name == "series":
                continue
            written.append(write_table(table, folder / f"{name}.{fmt}"))
        return written


def write_table(table: pd.DataFrame, path: Path) -> Path:
    """Write a table as CSV or Parquet (by suffix) atomically: temporary name, then rename.

    CSV cells a spreadsheet would read as a formula are neutralised (`sim.safety.cells`);
    on any error or signal the temporary file is removed, and an OS error (a full disk)
    becomes an `InputError` naming the file.
    """
    from sim.safety.cells import safe_table
    from sim.safety.targets import atomic_file

    path = Path(path)
    if path.suffix == ".parquet":
        with atomic_file(path, "wb") as handle:
            table.to_parquet(handle, index=False)
    else:
        with atomic_file(path, "w", encoding="utf-8", newline="") as handle:
            safe_table(table).to_csv(handle, index=False)
    return path
