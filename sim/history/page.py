"""The history's figure (Kaplan-Meier curves, or rates) and its HTML page, like report.html's.

One self-contained page (history.html): what was read and decided, the scenario values
beside the published calibration's, the Cox fit and its proportional-hazards check, the
turnover tables and the figure embedded as a PNG data URI. No external file, script or font.
Every text is escaped. Groups under five people are left out of the figure, as of the tables.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.history.evaluate import Evaluation
from sim.history.fit import CoxByGroup, CoxLink, ExitFit, quiet_lifelines
from sim.history.rates import INTERVAL, INTERVAL_SNAPSHOT, MIN_GROUP
from sim.history.read import History

FIGURE_NAME = "history.png"
PAGE_NAME = "history.html"
# The look of report.html (sim.viz.report), kept short: the page stands alone.
CSS = """
body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       color: #1a1a1a; max-width: 1100px; margin: 2em auto; padding: 0 1.2em; line-height: 1.45; }
h1 { font-size: 1.8em; margin-bottom: 0.1em; }
h2 { font-size: 1.3em; margin-top: 1.8em; border-bottom: 2px solid #0072B2;
     padding-bottom: 0.15em; }
p.note { color: #555; font-size: 0.92em; }
table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 0.95em; }
th, td { padding: 0.3em 0.8em; border-bottom: 1px solid #ddd; text-align: left;
         vertical-align: top; }
th { background: #f3f6f9; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.92em; }
"""
_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")


def history_figure(history: History, table: pd.DataFrame) -> Figure:
    """Kaplan-Meier staying curves by role and by a second grouping, or rates without times.

    The second grouping is the generation, or where the export has no birth years the
    survey's score band (thirds of its scale), or else the level.
    """
    fig = Figure(figsize=(11, 4.2), layout="constrained")
    left, right = fig.subplots(1, 2)
    if history.times_known:
        people = history.people.assign(score_band=_score_bands(history.people))
        _km(left, people, "role", history)
        _km(right, people, _second_grouping(people), history)
    else:
        _rates(left, table, "generation")
        _rates(right, table, "level")
    return fig


def _score_bands(people: pd.DataFrame) -> pd.Series:
    """Thirds of the survey's scale (low, middle, high); ``unknown`` without a score."""
    engagement = people["engagement"] if "engagement" in people else pd.Series(np.nan, people.index)
    bands = pd.cut(engagement, [-0.001, 1 / 3, 2 / 3, 1.0], labels=["low", "middle", "high"])
    return (
        bands.astype(object)
        .where(engagement.notna(), "unknown")
        .map(lambda band: band if band == "unknown" else f"{band} score")
    )


def _second_grouping(people: pd.DataFrame) -> str:
    """Generation where the export tells it, else the survey's score band, else the level."""
    for by in ("generation", "score_band", "level"):
        if by not in people:
            continue
        sizes = people.loc[people[by] != "unknown", by].value_counts()
        if (sizes >= MIN_GROUP).sum() >= 2:
            return by
    return "generation"


def _km(ax, people: pd.DataFrame, by: str, history: History) -> None:
    """Kaplan-Meier curves with left truncation (lifelines' entry), one per group of 5+."""
    from lifelines import KaplanMeierFitter

    for i, (name, group) in enumerate(people.groupby(by, sort=True)):
        if len(group) < MIN_GROUP or name == "unknown":
            continue
        with quiet_lifelines():
            km = KaplanMeierFitter().fit(
                group["stop"], group["event"], entry=group["entry"], label=f"{name} ({len(group)})"
            )
            km.plot_survival_function(ax=ax, color=_COLOURS[i % len(_COLOURS)], ci_show=True)
    axis = "years of tenure" if history.shape == "event history" else "years since the window began"
    ax.set_xlabel(axis)
    ax.set_ylabel("share still employed")
    ax.set_title(f"Staying, by {by.replace('_', ' ')} (Kaplan-Meier, 95% band)")
    ax.set_ylim(0, 1.02)


def _rates(ax, table: pd.DataFrame, by: str) -> None:
    """Annual rates with their 95% intervals, one point per group shown."""
    rows = table[(table["grouping"] == by) & table["annual_rate"].notna()]
    y = np.arange(len(rows))
    ax.errorbar(
        rows["annual_rate"],
        y,
        xerr=[rows["annual_rate"] - rows["ci_low"], rows["ci_high"] - rows["annual_rate"]],
        fmt="o",
        color=_COLOURS[0],
    )
    ax.set_yticks(y, rows["group"])
    ax.set_xlabel("annual leaving rate (95% interval)")
    ax.set_title(f"Turnover by {by}")


def _esc(value) -> str:
    return html.escape(str(value), quote=True)


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{_esc(c)}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_esc(v)}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _percent(x: float) -> str:
    return "" if pd.isna(x) else f"{x:.1%}"


def turnover_display(table: pd.DataFrame) -> pd.DataFrame:
    """The turnover table as people read it (percentages, suppressed groups noted)."""
    return pd.DataFrame(
        {
            "by": table["grouping"],
            "group": table["group"],
            "people": table["people"].map(lambda v: "" if pd.isna(v) else f"{v:.0f}"),
            "exits": table["exits"].map(lambda v: "" if pd.isna(v) else f"{v:.0f}"),
            "annual rate": table["annual_rate"].map(_percent),
            "95% interval": [
                "" if pd.isna(lo) else f"{lo:.1%} to {hi:.1%}"
                for lo, hi in zip(table["ci_low"], table["ci_high"], strict=True)
            ],
            "note": table["note"],
        }
    )


def values_display(
    values: Mapping[str, float],
    intervals: Mapping[str, tuple[float, float]],
    calibrated: Mapping[str, float],
) -> pd.DataFrame:
    """Each implied scenario value beside the published calibration's median."""
    return pd.DataFrame(
        {
            "scenario key": list(values),
            "your history": [f"{v:.3g}" for v in values.values()],
            "90% interval": [f"{intervals[k][0]:.3g} to {intervals[k][1]:.3g}" for k in values],
            "published calibration": [
                f"{calibrated[k]:.3g}"
                if k in calibrated
                else "(not calibrated: the schema's default)"
                for k in values
            ],
        }
    )


def history_page(
    history: History,
    table: pd.DataFrame,
    values: pd.DataFrame,
    fit: ExitFit,
    link: CoxLink | None,
    groups: CoxByGroup | None,
    figure: Figure,
    evaluation: Evaluation | None = None,
) -> str:
    """The HTML page (with the program's effect when there is an `evaluation`)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    notes = "".join(f"<li>{_esc(n)}</li>" for n in history.notes if n)
    interval = INTERVAL if history.times_known else INTERVAL_SNAPSHOT
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Your organisation's history: {_esc(history.source)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>Your organisation's own numbers</h1><p>From {_esc(history.source)}: "
        f"{len(history.people)} people, {int(history.people['event'].sum())} exits, read as "
        f"{_esc('an' if history.shape == 'event history' else 'a')} {_esc(history.shape)}.</p>",
        f"<h2>How the export was read</h2><ul>{notes}</ul>",
        "<h2>Scenario values your history implies</h2>",
        _table(values),
        f"<p class='note'>{_esc(_fit_note(fit))}</p>",
        _cox_html(link, groups, "tenure" if history.shape == "event history" else "window time"),
        "<h2>Turnover by group</h2>",
        _table(turnover_display(table)),
        f"<p class='note'>Annual rate: the share who would leave within a year at the "
        f"group's rate in the window; {_esc(interval)}. Groups of fewer than {MIN_GROUP} "
        "people are suppressed in every table and figure (privacy).</p>",
        f"<figure><img src='{uri}' alt='Staying curves and turnover by group'>"
        "<figcaption>Kaplan-Meier curves with left truncation (people hired before the "
        "window count from its start), 95% bands; groups under five people left out."
        "</figcaption></figure>",
        _evaluation_html(evaluation),
        "<p class='note'>Privacy: this page and history.toml hold aggregates only; no id, "
        "name or row of the export is written, and the export itself is not copied.</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


def _evaluation_html(evaluation: Evaluation | None) -> str:
    """The program's effect on juniors' exits, the panel it came from and its departments."""
    if evaluation is None:
        return ""
    sentences = "".join(f"<p>{_esc(line)}</p>" for line in evaluation.summary())
    notes = "".join(f"<li>{_esc(n)}</li>" for n in evaluation.notes)
    departments = evaluation.departments.drop(columns="started").copy()
    departments["juniors"] = [
        "" if np.isnan(v) else f"{int(v)}" for v in departments["juniors"].astype(float)
    ]
    departments["in_estimate"] = np.where(departments["in_estimate"], "yes", "no")
    return (
        "<h2>The program's effect on juniors' exits</h2>"
        + sentences
        + f"<ul>{notes}</ul>"
        + _table(departments)
        + "<p class='note'>The estimator sim plan applies to its simulated rollouts (the "
        "imputation estimator: department and month effects fitted to the months without the "
        "program, weighted by juniors at risk); the interval leaves one department out at a "
        "time (jackknife, t on departments - 1 degrees of freedom). Effects in exits per 100 "
        "junior person-years; negative: fewer exits.</p>"
    )


def _fit_note(fit: ExitFit) -> str:
    return (
        f"Maximum likelihood of the model's exit equation ({fit.form}) on {fit.n} people, "
        f"{fit.events} exits; intervals from the normal approximation of the likelihood (how "
        "precisely your history measures each value). The contagion term (beta_c) is not "
        "fitted: your base hazards include your organisation's average contagion."
    )


def _cox_html(link: CoxLink | None, groups: CoxByGroup | None, axis: str) -> str:
    parts = []
    if link is not None:
        parts.append(
            "<h2>The survey's hazard ratio (Cox)</h2>"
            f"<p>lifelines' Cox model of exit on engagement alone: coefficient {link.coef:.3f} "
            f"[95%: {link.ci_low:.3f}, {link.ci_high:.3f}] per unit of engagement (the whole "
            f"scale); hazard ratio top vs bottom of the scale {link.hazard_ratio:.2f} "
            f"({link.n} people, {link.events} exits).</p>"
        )
    if groups is not None:
        summary = groups.summary[["coef", "exp(coef)", "coef lower 95%", "coef upper 95%", "p"]]
        parts.append(_table(summary.round(3).reset_index()))
        if groups.ph_p:
            doubtful = [k for k, p in groups.ph_p.items() if p < 0.05]
            checks = ", ".join(f"{k}: p = {p:.3g}" for k, p in groups.ph_p.items())
            verdict = (
                f"the hazard ratio of {', '.join(doubtful)} differs before and after "
                f"{groups.split:.2f} years of {axis}: proportional hazards are doubtful there"
                if doubtful
                else f"no evidence that the hazard ratios change over {axis}"
            )
            parts.append(
                f"<p class='note'>Proportional-hazards check (same coefficient before and after "
                f"{groups.split:.2f} years of {axis}, the median at exit): {checks}; "
                f"{verdict}.</p>"
            )
    return "".join(parts)
