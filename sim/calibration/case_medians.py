"""The case files' copy of the posterior medians, which a plain `sim run` uses.

Every case file that carries the joint calibration's medians says so with `MARKER`; the line
after it names the fit (command and commit). `install_case_medians` rewrites those values from
a posterior table (3 significant figures, as the ODD's tables print them), keeps every comment
and every other line as it is, and updates the fit's line. `experiments/calibrate.py
--library` calls it after copying posterior.csv into the library, so the case files and the
committed posterior cannot drift apart (tests/test_case_medians.py checks that they agree).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from sim.calibration.posterior import posterior_summary

MARKER = "# Shared behavioural parameters: the posterior medians of the joint calibration"
# The line after MARKER: "# (experiments/calibrate.py --quick, commit f4dff43; docs/ODD.md ..."
_FIT_LINE = re.compile(r"^# \((?P<fit>[^;]*?), commit (?P<commit>[0-9a-f]+);(?P<rest>.*)$")
_TABLE = re.compile(r"^\s*\[(?P<name>[A-Za-z0-9_.]+)\]\s*(#.*)?$")
_ASSIGN = re.compile(r"^(?P<lead>\s*(?P<key>[A-Za-z0-9_]+)\s*=\s*)(?P<value>[^#\s]+)(?P<tail>.*)$")


def median_text(value: float) -> str:
    """A median as the case files write it: 3 significant figures."""
    return f"{float(value):.3g}"


def posterior_medians(posterior: pd.DataFrame) -> dict[str, str]:
    """Dotted key -> weighted posterior median, written as the case files write it."""
    summary = posterior_summary(posterior)
    return {row.key: median_text(row.median) for row in summary.itertuples()}


def carried_values(text: str, keys: Iterable[str]) -> dict[str, str]:
    """The values a case file's text sets for any of the dotted `keys` (as written)."""
    wanted, found, table = set(keys), {}, ""
    for line in text.splitlines():
        if m := _TABLE.match(line):
            table = m["name"]
        elif (m := _ASSIGN.match(line)) and f"{table}.{m['key']}" in wanted:
            found[f"{table}.{m['key']}"] = m["value"]
    return found


def fit_named(text: str) -> tuple[str, str] | None:
    """(fit, short commit) named on the line after `MARKER`, or None without the marker."""
    lines = text.splitlines()
    for i, line in enumerate(lines[:-1]):
        if line.startswith(MARKER) and (m := _FIT_LINE.match(lines[i + 1])):
            return m["fit"], m["commit"]
    return None


def rewrite_case_medians(text: str, medians: Mapping[str, str], fit: str, commit: str) -> str:
    """`text` with every carried median replaced and the fit's line naming `fit` and `commit`.

    Only keys the file already sets are changed (a case may leave one to its own table);
    comments, spacing and every other line stay as they are.
    """
    out, table, after_marker = [], "", False
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        end = line[len(body) :]
        if after_marker and (m := _FIT_LINE.match(body)):
            body = f"# ({fit}, commit {commit};{m['rest']}"
        elif m := _TABLE.match(body):
            table = m["name"]
        elif (m := _ASSIGN.match(body)) and (new := medians.get(f"{table}.{m['key']}")):
            body = f"{m['lead']}{new}{m['tail']}"
        after_marker = body.startswith(MARKER)
        out.append(body + end)
    return "".join(out)


def cases_with_medians(folder: Path) -> list[Path]:
    """The case files in `folder` that carry the posterior medians (they hold `MARKER`)."""
    return sorted(p for p in folder.glob("*.toml") if MARKER in p.read_text(encoding="utf-8"))


def install_case_medians(
    folder: Path, posterior: pd.DataFrame, fit: str, commit: str
) -> list[Path]:
    """Rewrite the medians of every case file in `folder` that carries them; the changed files."""
    medians = posterior_medians(posterior)
    changed = []
    for path in cases_with_medians(folder):
        old = path.read_text(encoding="utf-8")
        new = rewrite_case_medians(old, medians, fit, commit)
        if new != old:
            # Written whole, then moved into place: a case file is never left half-written.
            tmp = path.with_suffix(".toml.tmp")
            tmp.write_text(new, encoding="utf-8")
            tmp.replace(path)
            changed.append(path)
    return changed
