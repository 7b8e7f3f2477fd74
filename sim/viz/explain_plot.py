"""Which pathway carries a design's effect: the table and the waterfall figure of `sim explain`.

Both read the explain summary (`sim.studies.explain.ExplainResult.summary()`, written as
explain_summary.csv): a row per design, outcome and pathway with the mean Shapley share, its
95% interval over replicates, the percent of the total and a note where a share is exactly
0 because the pathway cannot act. No model is run here.

Example:
    >>> import pandas as pd
    >>> from sim.viz.explain_plot import explain_figure
    >>> rows = [("listening", -0.01), ("learning", -0.004), ("growth", 0.0), ("voice", -0.002),
    ...         ("mentee_impulse", 0.0005), ("total", -0.0155)]
    >>> summary = pd.DataFrame([dict(design="program", outcome="turnover_junior_y1",
    ...     pathway=p, mean=m, ci_low=m - 0.002, ci_high=m + 0.002, n=10,
    ...     percent_of_total=100 * m / -0.0155, note="") for p, m in rows])
    >>> len(explain_figure(summary).axes)
    1
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sim.errors import InputError, Problem
from sim.viz.plots import OKABE_ITO, new_figure, styled

PATHWAY_LABELS = {
    "listening": "listening climate",
    "learning": "leaders' learning",
    "growth": "growth (two-way)",
    "voice": "mentors' voice",
    "mentee_impulse": "mentee impulse",
    "network_climate": "network climate",
    "peer_voice": "peer voice",
    "total": "total effect",
}
PATHWAY_COLOURS = {
    "listening": OKABE_ITO["blue"],
    "learning": OKABE_ITO["orange"],
    "growth": OKABE_ITO["bluish_green"],
    "voice": OKABE_ITO["vermillion"],
    "mentee_impulse": OKABE_ITO["reddish_purple"],
    "network_climate": OKABE_ITO["sky_blue"],
    "peer_voice": OKABE_ITO["yellow"],
    "total": "#333333",
}
COLUMNS = ("design", "outcome", "pathway", "mean", "ci_low", "ci_high", "n")
NOTE = (
    "Each design's effect (design minus the no-program baseline on the same seeds) split "
    "into Shapley shares over the pathways through which a program reaches juniors: each "
    "pathway's average contribution over every order of switching the pathways on. The "
    "shares add up to the total in every replicate; mean [95% interval over replicates], "
    "and the share of the mean total in percent. Turnover in percentage points (pp)."
)


def outcome_label(outcome: str) -> str:
    """A summary column as words with its unit, e.g. 'junior turnover, year 1 (pp)'."""
    stem, _, suffix = outcome.rpartition("_")
    when = f"year {suffix[1:]}" if suffix[:1] == "y" and suffix[1:].isdigit() else suffix
    if not stem:
        return outcome
    if stem.startswith("turnover_"):
        return f"{stem.removeprefix('turnover_').replace('_', ' ')} turnover, {when} (pp)"
    if stem == "engagement_junior":
        return f"junior engagement, {when} (0-1)"
    return outcome


def outcome_scale(outcome: str) -> float:
    """Factor from the outcome's units to the shown ones (turnover: fractions -> points)."""
    return 100.0 if outcome.startswith(("turnover_", "engaged_share_")) else 1.0


def _digits(outcome: str) -> int:
    return 2 if outcome_scale(outcome) == 100.0 else 4


def _check(summary: pd.DataFrame) -> None:
    missing = [c for c in COLUMNS if c not in summary.columns]
    if missing:
        raise InputError([Problem("explain summary", f"missing column {c}") for c in missing])
    if summary.empty:
        raise InputError([Problem("explain summary", "no rows")])


def _cell(row: pd.Series, outcome: str) -> str:
    if isinstance(row.get("note"), str) and row["note"]:
        return "0 (cannot act)"
    if row["mean"] == 0 and row["ci_low"] == 0 and row["ci_high"] == 0:
        return "0 (exactly, every replicate)"
    k, d = outcome_scale(outcome), _digits(outcome)
    text = f"{k * row['mean']:+.{d}f}"
    if np.isfinite(row["ci_low"]):
        text += f" [{k * row['ci_low']:+.{d}f}, {k * row['ci_high']:+.{d}f}]"
    pct = row.get("percent_of_total", np.nan)
    if row["pathway"] != "total" and pct is not None and np.isfinite(pct):
        text += f" {pct:.0f}%"
    return text


def explain_tables(summary: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per design, a table of text: pathways as rows, outcomes as columns.

    Each cell is 'mean [95% interval] percent-of-total'; a pathway that cannot act for the
    design reads '0 (cannot act)' (see `explain_notes`).
    """
    _check(summary)
    out = {}
    for design, part in summary.groupby("design", sort=False):
        outcomes = list(dict.fromkeys(part["outcome"]))
        pathways = list(dict.fromkeys(part["pathway"]))
        table = pd.DataFrame(index=[PATHWAY_LABELS.get(p, p) for p in pathways])
        for outcome in outcomes:
            rows = part[part["outcome"] == outcome].set_index("pathway").reindex(pathways)
            table[outcome_label(outcome)] = [
                _cell(row, outcome) for _, row in rows.reset_index().iterrows()
            ]
        table.index.name = "pathway"
        out[str(design)] = table
    return out


def explain_notes(summary: pd.DataFrame) -> dict[str, list[str]]:
    """Per design, one line per pathway whose share is exactly 0 without being run, and why."""
    out: dict[str, list[str]] = {}
    if "note" not in summary:
        return out
    noted = summary[summary["note"].fillna("").astype(str) != ""]
    for design, part in noted.groupby("design", sort=False):
        seen = part.drop_duplicates("pathway")
        out[str(design)] = [
            f"{PATHWAY_LABELS.get(p, p)}: exactly 0, not toggled ({why})"
            for p, why in zip(seen["pathway"], seen["note"], strict=True)
        ]
    return out


@styled
def explain_figure(summary: pd.DataFrame) -> Figure:
    """Waterfall bars per design and outcome: pathway shares stacking up to the total.

    Each pathway's bar starts where the previous one ended, so the bars walk from 0 to the
    total effect, which is drawn as its own bar and marked with a dashed line; whiskers are
    each share's 95% interval over replicates. Rows are outcomes, columns designs.

    Args:
        summary: the explain summary (columns design, outcome, pathway, mean, ci_low,
            ci_high, n; optional note).
    """
    _check(summary)
    designs = list(dict.fromkeys(summary["design"]))
    outcomes = list(dict.fromkeys(summary["outcome"]))
    pathways = list(dict.fromkeys(summary["pathway"]))
    fig = new_figure(0.4 + 6.0 * len(designs), 0.9 + 2.9 * len(outcomes))
    axes = fig.subplots(len(outcomes), len(designs), squeeze=False, sharex="row")
    for i, outcome in enumerate(outcomes):
        for j, design in enumerate(designs):
            part = summary[(summary["design"] == design) & (summary["outcome"] == outcome)]
            _waterfall(axes[i, j], part.set_index("pathway").reindex(pathways), outcome)
            title = f"{design}: {outcome_label(outcome)}" if len(designs) > 1 else None
            axes[i, j].set_title(title or outcome_label(outcome), loc="left", fontsize=11)
    n = int(summary["n"].max())
    fig.suptitle(
        "Which pathway carries the effect\n"
        f"Shapley shares: mean and 95% interval over {n} replicates",
        x=0.01,
        ha="left",
        fontweight="bold",
    )
    return fig


def _waterfall(ax, rows: pd.DataFrame, outcome: str) -> None:
    k = outcome_scale(outcome)
    names = list(rows.index)
    y = np.arange(len(names))[::-1].astype(float)
    start = 0.0
    notes = rows["note"] if "note" in rows else pd.Series("", index=rows.index)
    for yi, name in zip(y, names, strict=True):
        mean, lo, hi = (k * rows.at[name, c] for c in ("mean", "ci_low", "ci_high"))
        colour = PATHWAY_COLOURS.get(name, "#777777")
        is_total = name == "total"
        left = 0.0 if is_total else start
        end = mean if is_total else start + mean
        if isinstance(notes[name], str) and notes[name]:
            ax.plot([start], [yi], "|", color="#999999", markersize=10)
            ax.annotate(
                "0: cannot act",
                (start, yi),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                color="#777777",
            )
            continue
        ax.barh(yi, mean, left=left, height=0.62, color=colour, alpha=0.9 if is_total else 1.0)
        if np.isfinite(lo) and np.isfinite(hi):
            ax.errorbar(
                end,
                yi,
                xerr=[[max(0.0, mean - lo)], [max(0.0, hi - mean)]],
                fmt="none",
                ecolor="#222222",
                elinewidth=1,
                capsize=3,
            )
        if is_total:
            ax.axvline(end, color=colour, linestyle="--", linewidth=1)
        else:
            start = end
    ax.axvline(0, color="#777777", linewidth=0.8)
    labels = [PATHWAY_LABELS.get(n, n) for n in names]
    if "total" in names:  # the total's value in its label: the number the bars add up to
        total = k * rows.at["total", "mean"]
        unit = " pp" if k == 100.0 else ""
        labels[names.index("total")] += f"\n{total:+.{2 if k == 100.0 else 3}f}{unit}"
    ax.set_yticks(y, labels)
    ax.set_ylim(-0.6, len(names) - 0.4)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6))
    unit = " pp" if k == 100.0 else ""
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:+.3g}{unit}" if v else "0"))
    ax.set_xlabel("effect on the outcome (design minus baseline, same seeds)")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(True, axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.use_sticky_edges = False  # bars stick to 0; leave room beyond them
    ax.margins(x=0.08)
