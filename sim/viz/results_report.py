"""A results folder with its pictures: report.html, figures/ and explain.png, as `sim run` writes.

`sim.runs.results_folder` writes the tables and manifest; the pictures are drawn here, a
layer above it, and added to the same folder in the same atomic write.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from sim.runs.replicates import Results
from sim.runs.results_folder import Pictures, WrittenResults
from sim.runs.results_folder import write_results as write_tables_folder
from sim.scenario.parameters import Scenario


def report_pictures(scenario: Scenario, against: str | None = None) -> Pictures:
    """The pictures the scenario's ``[outputs]`` ask for, drawn from a folder's tables.

    explain.png when the tables hold "explain_summary"; report.html (``outputs.report``);
    the report's figures as files (``outputs.figures``).
    """
    from sim.viz.report import REPORT_NAME, report_figures, save_figures, write_report

    wanted = scenario.outputs

    def write(folder: Path, tables: Mapping[str, pd.DataFrame | None], meta: dict) -> list[str]:
        figures = None
        if wanted.report or wanted.figures != "none":
            figures = report_figures(
                scenario, tables["series"], tables["summary"], against, tables.get("money")
            )
        written = []
        if tables.get("explain_summary") is not None:
            from sim.viz.explain_plot import explain_figure

            explain_figure(tables["explain_summary"]).savefig(
                folder / "explain.png", format="png", dpi=150
            )
            written.append("explain.png")
        if wanted.report:
            write_report(folder, scenario, tables, meta, figures)
            written.append(REPORT_NAME)
        if wanted.figures != "none":
            save_figures(folder, figures, wanted.figures)
            written.append(f"figures/*.{wanted.figures}")
        return written

    return write


def write_results(
    results: Results,
    scenario: Scenario,
    out: str | Path | None = None,
    *,
    against: str | None = None,
    tables: Mapping[str, pd.DataFrame | None] | None = None,
    manifest_extra: Mapping[str, Any] | None = None,
    force: bool = False,
) -> WrittenResults:
    """Write the results folder `sim run` writes: tables, manifest.json and pictures.

    The arguments are those of `sim.runs.results_folder.write_results`; the pictures are
    `report_pictures` (report.html unless ``outputs.report = false``).

    Example:
        >>> import tempfile
        >>> from sim import default_scenario, run_scenario, write_results
        >>> scenario = default_scenario().with_overrides(org__size=40, years=0.1, replicates=2)
        >>> results = run_scenario(scenario)
        >>> written = write_results(results, scenario, Path(tempfile.mkdtemp()) / "demo")
        >>> written.files
        ['series.csv', 'summary.csv', 'manifest.json', 'report.html']
    """
    return write_tables_folder(
        results,
        scenario,
        out,
        against=against,
        tables=tables,
        manifest_extra=manifest_extra,
        force=force,
        pictures=report_pictures(scenario, against),
    )
