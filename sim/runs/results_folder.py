"""A results folder: the tables and manifest of a scenario's runs, written in one go.

What `sim run` and `sim compare` write, for Python users too: series, summary (and people)
tables, the paired differences and money against a reference design, the case targets,
manifest.json, and whatever pictures a `Pictures` writer adds (report.html and figures come
from `sim.viz`, a layer above this one: `sim.write_results` adds them). The scenario's
``[outputs]`` table chooses the folder and files; the folder is complete or not there at
all (`sim.runs.output.write_atomically`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim import analysis
from sim.runs.output import MANIFEST, default_out_dir, manifest, write_atomically, write_tables
from sim.runs.replicates import Results
from sim.scenario.parameters import Scenario

Tables = dict[str, pd.DataFrame | None]
Pictures = Callable[[Path, Mapping[str, pd.DataFrame | None], dict[str, Any]], list[str]]
"""``pictures(folder, tables, meta)``: writes files into the folder; returns their names.

It gets every table, even those the scenario's ``[outputs]`` leave out of the folder.
"""


@dataclass(frozen=True)
class WrittenResults:
    """A results folder as written: where, and its files in the order written."""

    folder: Path
    files: list[str] = field(default_factory=list)


def results_out_dir(scenario: Scenario, out: str | Path | None = None) -> Path:
    """The folder to write: `out`, else the scenario's ``outputs.folder``, else a new one.

    The new one is under results/, named after the scenario and the time.
    """
    if out is not None:
        return Path(out)
    if scenario.outputs.folder:
        return Path(scenario.outputs.folder).expanduser()
    return default_out_dir(scenario.name)


def results_tables(
    results: Results,
    scenario: Scenario,
    against: str | None = None,
    extra: Mapping[str, pd.DataFrame | None] | None = None,
) -> Tables:
    """Every table of a results folder, computed from the runs (nothing is printed).

    Args:
        results: the runs (`sim.run_scenario`).
        scenario: the scenario they ran.
        against: a design every other design is compared with on the same seeds, adding
            "differences", "money" and "ranking"; None for no comparison.
        extra: more tables on the same runs (e.g. `comparison_tables`, or explain's), in
            their order after the comparison's and before the targets.

    Returns:
        "series", "summary", "people" (None unless recorded), with `against` "differences",
        "money" and "ranking", then `extra`, and with the scenario's case targets "targets".
    """
    tables: Tables = {
        "series": results.series,
        "summary": results.summary,
        "people": results.people,
    }
    if against is not None:
        tables |= comparison_tables(results, scenario, against)
    tables |= extra or {}
    if scenario.targets:
        tables["targets"] = analysis.target_table(results.summary, scenario.targets)
    return tables


def comparison_tables(
    results: Results, scenario: Scenario, against: str, loss_threshold: float = 0.0
) -> Tables:
    """The paired differences, the money and the ranking of the designs, against a design."""
    diff = results.differences(against)
    horizon = analysis.Horizon.of(scenario)
    money = results.money(scenario, against, loss_threshold)
    money = money.assign(
        currency=scenario.costs.currency,
        horizon_start=horizon.start,
        horizon_end=horizon.end,
        horizon_weeks=horizon.weeks,
        loss_threshold=loss_threshold,
    )
    ranking = results.ranking(against).assign(against=against)
    return {"differences": diff.assign(against=against), "money": money, "ranking": ranking}


def write_results(
    results: Results,
    scenario: Scenario,
    out: str | Path | None = None,
    *,
    against: str | None = None,
    tables: Mapping[str, pd.DataFrame | None] | None = None,
    manifest_extra: Mapping[str, Any] | None = None,
    force: bool = False,
    pictures: Pictures | None = None,
) -> WrittenResults:
    """Write a results folder of a scenario's runs: tables as CSV, manifest.json, pictures.

    Args:
        results: the runs (`sim.run_scenario`).
        scenario: the scenario they ran; its ``[outputs]`` choose the folder (when `out` is
            None) and whether series.csv is written.
        out: the folder (default: `results_out_dir`); an existing one is refused.
        against: the design the others are compared with (`results_tables`).
        tables: the tables to write, if computed already (default: `results_tables`); extra
            ones (e.g. "explain") are written too.
        manifest_extra: more entries for manifest.json, after the scenario and its hash.
        force: replace an existing results folder (one with a manifest.json).
        pictures: writes more files (e.g. report.html) beside the tables.

    Returns:
        The folder and the names of the files written into it.

    Raises:
        InputError: the folder exists (without `force`), or is not a results folder.

    Example:
        >>> import tempfile
        >>> from sim.runs.replicates import run_scenario
        >>> from sim.scenario.parameters import default_scenario
        >>> scenario = default_scenario().with_overrides(org__size=40, years=0.1, replicates=2)
        >>> results = run_scenario(scenario, progress=False)
        >>> out = Path(tempfile.mkdtemp()) / "demo"
        >>> write_results(results, scenario, out, against="baseline").files[2:]
        ['differences.csv', 'money.csv', 'ranking.csv', 'manifest.json']
    """
    out = results_out_dir(scenario, out)
    tables = dict(tables) if tables is not None else results_tables(results, scenario, against)
    meta = manifest(
        {
            "scenario": scenario.to_dict(),
            "scenario_hash": scenario.digest(),
            **(manifest_extra or {}),
        }
    )
    report_tables = dict(tables)  # pictures draw from every table; [outputs] choose the files
    if not scenario.outputs.series:
        tables["series"] = None
    files = [f"{k}.csv" for k, v in tables.items() if v is not None] + [MANIFEST]

    def write_all(tmp: Path) -> None:
        write_tables(tmp, tables, meta)
        if pictures is not None:
            files.extend(pictures(tmp, report_tables, meta))

    write_atomically(out, force, write_all)
    return WrittenResults(out, files)
