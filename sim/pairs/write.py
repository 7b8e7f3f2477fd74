"""The pairing list as a file: its columns, where it may go, and writing it whole or not at all.

The file holds employee ids, and names only when asked for, so it is written readable by its
owner only (`PRIVACY_NOTE` says why).
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.errors import InputError, Problem
from sim.safety.cells import safe_row
from sim.safety.targets import check_target, os_problem
from sim.scenario.design import ProgramDesign
from sim.scenario.orgchart.roster import Roster

if TYPE_CHECKING:
    from sim.pairs.match import PairingList
    from sim.pairs.plan import Plan

PRIVACY_NOTE = (
    "contains employee ids{names}: personal data, the one exception to the rule that ids and "
    "names never leave the simulation; share it only with the program's organisers"
)


def file_rows(
    roster: Roster,
    design: ProgramDesign,
    plan: Plan,
    mentors: np.ndarray,
    paired: np.ndarray,
    unpaired: np.ndarray,
    reasons: dict[int, str],
    with_names: bool,
    score: np.ndarray | None = None,
) -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]:
    """The file's rows and header: pairs by mentee position, then unpaired mentees by position.

    Each row names the `mentee_selection` rule that enrolled the mentee and the mentee's
    score under it (`score`, per position; empty for random and listed).
    """
    rule = design.mentee_selection

    def enrolled_by(s: int) -> tuple[str, str]:
        return rule, "" if score is None else str(int(score[s]))

    chart, ids = roster.chart, roster.ids
    names = roster.names if with_names else None

    def person(p: int | None) -> list[str]:
        if p is None:
            return ["", "", ""] if names is None else ["", "", "", ""]
        cells = [ids[p]] + ([] if names is None else [names[p]])
        return cells + [chart.department_names[chart.department[p]], str(int(chart.level[p]))]

    order = np.argsort(paired, kind="stable")
    rows = []
    for j, s in zip(mentors[order].tolist(), paired[order].tolist(), strict=True):
        rows.append(
            ("paired", *person(s), *person(j), design.pairing, plan.selection, "", *enrolled_by(s))
        )
    for s in unpaired.tolist():
        rows.append(
            (
                "unpaired",
                *person(s),
                *person(None),
                design.pairing,
                plan.selection,
                reasons[s],
                *enrolled_by(s),
            )
        )
    name = ["name"] if names is not None else []
    header = (
        "status",
        *[f"mentee_{c}" for c in ["id", *name, "department", "level"]],
        *[f"mentor_{c}" for c in ["id", *name, "department", "level"]],
        "rule",
        "mentor_selection",
        "reason",
        "mentee_selection",
        "mentee_score",
    )
    return tuple(rows), header


def check_out_file(out: Path, force: bool, export: Path) -> None:
    """Refuse a folder, the export, an unwritable place, and an existing file unless `force`."""
    if out.is_dir():
        raise InputError([Problem(str(out), "is a folder; give a file name, e.g. pairs.csv")])
    folder = next((p for p in out.parents if p.exists()), None)
    if folder is not None and not folder.is_dir():
        raise InputError(
            [Problem(str(out), f"cannot be written: {folder} is a file, not a folder")]
        )
    check_target(out, folder=False)  # a system folder, a read-only folder
    if out.exists() and out.resolve() == export.resolve():
        raise InputError(
            [Problem(str(out), "is the HR export itself; choose another --out (never the input)")]
        )
    if out.exists() and not force:
        raise InputError(
            [
                Problem(
                    str(out), "already exists; choose another --out, or pass --force to replace it"
                )
            ]
        )


def write_pairing_list(pairing: PairingList, out: Path) -> None:
    """Write the list as CSV (UTF-8), readable by its owner only: complete or not at all.

    Rows go to a temporary file beside `out`, renamed into place once complete. Cells a
    spreadsheet would read as a formula (a name beginning with ``=``, ``+``, ``-`` or ``@``)
    are neutralised with a leading apostrophe (`sim.safety.cells`).

    Raises:
        InputError: the folder cannot be made or written to.
    """
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    except OSError as exc:
        raise InputError([Problem(str(out), f"cannot be written: {exc.strerror}")]) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(safe_row(pairing.header))
            writer.writerows(safe_row(row) for row in pairing.rows)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)  # personal data: the owner's to share
        os.replace(tmp, out)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InputError([os_problem(out, exc)]) from None
        raise
