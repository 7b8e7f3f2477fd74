"""Figures of the published sensitivity and the network ablation, from their tables.

`sensitivity_overview_figure` draws the Morris screening (mu* and sigma) and the Sobol
indices (S1 and ST) of each outcome side by side; `ablation_figure` draws each network
variant minus the full model on the same seeds, with 95% intervals. Both read the tables
`sim.studies.sensitivity.run_published_sensitivity` and
`sim.studies.ablation.run_network_ablation` write; no model is run.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from sim.errors import InputError, Problem
from sim.viz.plots import OKABE_ITO, _require, _style_axes, new_figure, styled

ERR = {"ecolor": "#333333", "capsize": 2, "elinewidth": 0.8}


def short_name(path: str) -> str:
    """A parameter's last key (``dynamics.exits.beta_e`` -> ``beta_e``), for tight axes."""
    return str(path).rsplit(".", 1)[-1]


def _morris_panel(ax: Axes, rows: pd.DataFrame) -> None:
    data = rows.sort_values("mu_star", ascending=True, kind="stable")
    y = np.arange(len(data))
    ax.barh(
        y,
        data["mu_star"],
        0.6,
        xerr=data["mu_star_conf"],
        color=OKABE_ITO["blue"],
        label="mu*",
        error_kw=ERR,
    )
    ax.plot(data["sigma"], y, "D", color=OKABE_ITO["vermillion"], markersize=4, label="sigma")
    ax.set_yticks(y, [short_name(p) for p in data["parameter"]], fontsize=8)
    ax.set_ylim(-0.6, len(data) - 0.4)


def _sobol_panel(ax: Axes, rows: pd.DataFrame) -> None:
    data = rows.sort_values("ST", ascending=True, kind="stable")
    y = np.arange(len(data))
    h = 0.38
    ax.barh(
        y + h / 2,
        data["ST"],
        h,
        xerr=data["ST_conf"],
        color=OKABE_ITO["blue"],
        label="ST",
        error_kw=ERR,
    )
    ax.barh(
        y - h / 2,
        data["S1"],
        h,
        xerr=data["S1_conf"],
        color=OKABE_ITO["orange"],
        label="S1",
        error_kw=ERR,
    )
    ax.axvline(0, color="#777777", linewidth=0.8)
    ax.set_yticks(y, [short_name(p) for p in data["parameter"]], fontsize=8)
    ax.set_ylim(-0.6, len(data) - 0.4)


@styled
def sensitivity_overview_figure(
    morris: pd.DataFrame, sobol: pd.DataFrame, outcomes: Mapping[str, str]
) -> Figure:
    """Morris (top row) and Sobol (bottom row) indices, a column per outcome.

    Args:
        morris: a row per outcome and parameter with mu_star, mu_star_conf and sigma.
        sobol: a row per outcome and parameter with S1, S1_conf, ST and ST_conf.
        outcomes: outcome column -> label, in the order of the columns.

    Raises:
        InputError: a table lacks its columns or an outcome.
    """
    _require(morris, ["outcome", "parameter", "mu_star", "mu_star_conf", "sigma"], "Morris table")
    _require(sobol, ["outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"], "Sobol table")
    missing = [o for o in outcomes if o not in set(morris["outcome"]) | set(sobol["outcome"])]
    if missing:
        raise InputError([Problem("sensitivity tables", f"no rows for {', '.join(missing)}")])
    n_morris = morris.groupby("outcome")["parameter"].nunique().max()
    n_sobol = sobol.groupby("outcome")["parameter"].nunique().max()
    fig = new_figure(4.0 * len(outcomes), 1.6 + 0.2 * (n_morris + n_sobol))
    axes = fig.subplots(
        2, len(outcomes), squeeze=False, gridspec_kw={"height_ratios": [n_morris, n_sobol + 1]}
    )
    for col, (outcome, label) in enumerate(outcomes.items()):
        top, bottom = axes[0, col], axes[1, col]
        _morris_panel(top, morris[morris["outcome"] == outcome])
        top.set_title(label, loc="left", fontsize=10)
        top.set_xlabel("Morris mu* (outcome units over the range)", fontsize=8)
        _sobol_panel(bottom, sobol[sobol["outcome"] == outcome])
        bottom.set_xlabel("Sobol index (share of variance)", fontsize=8)
        for ax in (top, bottom):
            _style_axes(ax)
            ax.grid(False, axis="y")
            ax.tick_params(axis="x", labelsize=8)
    axes[0, -1].legend(loc="lower right", fontsize=8)
    axes[1, -1].legend(loc="lower right", fontsize=8)
    fig.suptitle(
        "Which parameters move the outcomes: Morris screening (top), Sobol indices of the "
        "kept parameters (bottom), 95% intervals",
        x=0.01,
        ha="left",
        fontsize=11,
        fontweight="bold",
    )
    return fig


DESIGN_STYLE = {
    "baseline": ("no program", "#555555"),
    "program": ("program", OKABE_ITO["blue"]),
    "program effect": ("program's effect", OKABE_ITO["vermillion"]),
}


@styled
def ablation_figure(
    table: pd.DataFrame,
    outcomes: Mapping[str, str],
    variant_labels: Mapping[str, str] | None = None,
) -> Figure:
    """Each network variant minus the full model on the same seeds, a panel per outcome.

    Rows are variants; within a variant, the no-program run, the program run and the
    program's effect (program minus no program), each as the mean paired difference with
    its 95% interval. An interval across 0 means the ablation made no difference the
    replicates can tell.

    Args:
        table: `sim.studies.ablation.ablation_table`'s rows (variant, design, outcome,
            difference, ci_low, ci_high).
        outcomes: outcome column -> label, a panel each.
        variant_labels: variant -> its label (default: the variant's name).
    """
    _require(table, ["variant", "design", "outcome", "difference", "ci_low", "ci_high"], "ablation")
    labels = dict(variant_labels or {})
    variants = list(dict.fromkeys(table["variant"]))
    designs = [d for d in DESIGN_STYLE if d in set(table["design"])]
    fig = new_figure(4.2 * len(outcomes), 1.4 + 0.32 * len(variants) * len(designs))
    axes = fig.subplots(1, len(outcomes), squeeze=False, sharey=True)[0]
    step = len(designs) + 1
    centres = np.arange(len(variants))[::-1] * step
    for ax, (outcome, title) in zip(axes, outcomes.items(), strict=True):
        at = table[table["outcome"] == outcome].set_index(["variant", "design"])
        for k, design in enumerate(designs):
            name, colour = DESIGN_STYLE[design]
            y = centres + (len(designs) - 1) / 2 - k
            rows = at.reindex([(v, design) for v in variants])
            lo, hi = rows["ci_low"].to_numpy(), rows["ci_high"].to_numpy()
            ax.hlines(y, lo, hi, color=colour, linewidth=2.2)
            ax.plot(rows["difference"], y, "o", color=colour, markersize=5, label=name)
        ax.axvline(0, color="#777777", linewidth=1)
        ax.set_title(title, loc="left", fontsize=10)
        ax.set_xlabel("variant minus full model, same seeds", fontsize=8)
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.tick_params(axis="x", labelsize=8)
        _style_axes(ax)
        ax.grid(False, axis="y")
    axes[0].set_yticks(centres, [labels.get(v, v) for v in variants], fontsize=9)
    axes[-1].legend(loc="best", fontsize=8)
    n = int(table["n"].min()) if "n" in table and len(table) else 0
    fig.suptitle(
        f"Does the network matter? Paired differences, mean and 95% interval over {n} seeds",
        x=0.01,
        ha="left",
        fontsize=11,
        fontweight="bold",
    )
    return fig
