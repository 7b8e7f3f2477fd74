"""One history analysed and written: the fits, the tables, history.toml, the figure and the page."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.history.evaluate import Evaluation
from sim.history.fit import (
    CoxByGroup,
    CoxLink,
    ExitFit,
    cox_by_group,
    cox_engagement_link,
    fit_exit_equation,
)
from sim.history.page import FIGURE_NAME, PAGE_NAME, history_figure, history_page, values_display
from sim.history.rates import turnover_table
from sim.history.read import History
from sim.history.values import (
    HISTORY_NAME,
    LEVEL,
    e0_estimates,
    history_draws,
    history_toml,
    point_values,
)
from sim.scenario.calibrated import calibrated_values

TURNOVER_NAME = "turnover.csv"


@dataclass(frozen=True)
class Analysis:
    """Everything `sim history` reports about one history."""

    history: History
    turnover: pd.DataFrame
    fit: ExitFit
    link: CoxLink | None
    groups: CoxByGroup | None
    values: dict[str, float]
    draws: pd.DataFrame

    def intervals(self) -> dict[str, tuple[float, float]]:
        """Each value's 90% interval from the draws."""
        lo, hi = (1 - LEVEL) / 2, 1 - (1 - LEVEL) / 2
        return {k: (self.draws[k].quantile(lo), self.draws[k].quantile(hi)) for k in self.draws}

    def values_table(self) -> pd.DataFrame:
        """The implied values beside the published calibration's medians."""
        return values_display(self.values, self.intervals(), calibrated_values())


def analyse(history: History) -> Analysis:
    """Fit and tabulate a history (no file written)."""
    people = history.people
    link = None
    if history.scale is not None and history.times_known:
        link = cox_engagement_link(
            pd.DataFrame(
                {
                    "entry": people["entry"],
                    "duration": people["stop"],
                    "event": people["event"],
                    "score": people["score"],
                }
            ),
            history.scale,
        )
    fit = fit_exit_equation(history)
    e0 = e0_estimates(history)
    return Analysis(
        history=history,
        turnover=turnover_table(history),
        fit=fit,
        link=link,
        groups=cox_by_group(history),
        values=point_values(fit, e0),
        draws=history_draws(fit, e0),
    )


def write_analysis(
    analysis: Analysis, folder: Path, meta: dict, evaluation: Evaluation | None = None
) -> list[str]:
    """Write history.toml, turnover.csv, history.png, history.html and manifest.json.

    With an `evaluation` (--program-starts), also evaluation.csv and
    evaluation_departments.csv, and the page shows the program's effect.
    """
    h = analysis.history
    text = history_toml(
        h, analysis.values, analysis.draws, analysis.link, analysis.groups, analysis.fit
    )
    (folder / HISTORY_NAME).write_text(text, encoding="utf-8")
    analysis.turnover.to_csv(folder / TURNOVER_NAME, index=False, float_format="%.6g")
    figure = history_figure(h, analysis.turnover)
    figure.savefig(folder / FIGURE_NAME, dpi=100)
    page = history_page(
        h,
        analysis.turnover,
        analysis.values_table(),
        analysis.fit,
        analysis.link,
        analysis.groups,
        figure,
        evaluation,
    )
    (folder / PAGE_NAME).write_text(page, encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    written = [HISTORY_NAME, PAGE_NAME, FIGURE_NAME, TURNOVER_NAME]
    if evaluation is not None:
        written += evaluation.write(folder)
    return [*written, "manifest.json"]
