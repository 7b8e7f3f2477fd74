"""plan.html and power.png of `sim plan`: the plans side by side, in report.html's style."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from sim.viz.report import CSS, esc, figure_data_uri, table_html

PLAN_PAGE = "plan.html"
FIGURE = "power.png"


def power_figure(by_months: pd.DataFrame, table: pd.DataFrame, alpha: float) -> Figure:
    """Power against months of evaluation (every plan) and against pilot size (pilots)."""
    fig = Figure(figsize=(10, 4), layout="constrained")
    left, right = fig.subplots(1, 2)
    labels = dict(zip(table["plan"], table["label"], strict=True))
    for plan, g in by_months.groupby("plan", sort=False):
        left.plot(g["months"], g["power"], marker="o", label=labels.get(plan, plan))
    for ax in (left, right):
        ax.axhline(0.8, color="#999", lw=0.8, ls="--")
        ax.axhline(alpha, color="#ccc", lw=0.8, ls=":")
        ax.set_ylim(0, 1)
        ax.set_ylabel("power")
    left.set_xlabel("months of evaluation")
    left.set_title("Power against months")
    left.legend(fontsize=7, loc="upper left")
    pilots = table[table["plan"].str.startswith("pilot_")]
    if len(pilots):
        size = pilots["plan"].str.removeprefix("pilot_").astype(int)
        right.errorbar(
            size,
            pilots["power"],
            yerr=[pilots["power"] - pilots["power_low"], pilots["power_high"] - pilots["power"]],
            marker="o",
            capsize=3,
        )
        right.set_xticks(size)
    else:
        right.text(0.5, 0.5, "no pilot plans", ha="center", va="center")
    right.set_xlabel("units (departments or teams) in the pilot")
    right.set_title("Power against pilot size")
    return fig


SHOWN = {
    "label": "plan",
    "units": "units",
    "power": "power",
    "assurance": "assurance",
    "model_effect": "model's effect",
    "mean_estimate": "mean estimate",
    "min_detectable_effect": "detectable at 80%",
    "mean_width": "interval width",
    "cost_of_waiting": "cost of waiting",
}


def shown_table(table: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The plan table as printed and shown: words and rounded numbers."""
    out = pd.DataFrame({"plan": table["label"], "units (median)": table["units"]})
    out["power"] = [
        f"{p:.0%} [{lo:.0%}, {hi:.0%}]"
        for p, lo, hi in zip(table["power"], table["power_low"], table["power_high"], strict=True)
    ]
    out["assurance"] = [("-" if pd.isna(a) else f"{a:.0%}") for a in table["assurance"]]
    for col in ("model_effect", "mean_estimate", "min_detectable_effect", "mean_width"):
        out[SHOWN[col]] = [("-" if pd.isna(v) else f"{v:.1f}") for v in table[col]]
    out[f"cost of waiting ({currency})"] = [f"{c:,.0f}" for c in table["cost_of_waiting"]]
    return out


def plan_html(
    name: str,
    table: pd.DataFrame,
    by_months: pd.DataFrame,
    recommendation: str,
    settings: Mapping[str, Any],
    currency: str,
    figure: Figure,
) -> str:
    """The whole page as one HTML string."""
    body = [
        f"<h1>{esc(name)}: planning the program's evaluation</h1>",
        f"<section class=decision><p class=lead>{esc(recommendation)}</p></section>",
        "<h2>The plans</h2>",
        table_html(
            shown_table(table, currency),
            index=False,
            numeric=("units (median)", "power", "assurance"),
        ),
        "<p class=note>Effects are exits per 100 junior person-years (negative: fewer exits). "
        "Power: the share of simulated evaluations whose test rejects no effect, at alpha "
        f"{esc(settings['alpha'])}, on the side of the model's effect, with the 95% interval "
        "of that share (how precisely the replicates estimate it). Assurance: the same over "
        "the calibrated posterior's draws (what is not known about behaviour counts). "
        "Detectable at 80%: the smallest effect the analysis detects 80% of the time. "
        "Interval width: the mean width of the analysis's interval, the precision the "
        "organisation would see. Cost of waiting: the replacement cost of the exits that "
        "starting everyone at once would have avoided during the evaluation.</p>",
        f"<figure><img alt='power' src='{figure_data_uri(figure)}'>"
        "<figcaption>Power (the share of replicates detecting the model's effect) against the "
        "months of evaluation (left) and the pilot's size (right, with the 95% interval of the "
        "simulated share); dashed: 80%, dotted: alpha.</figcaption></figure>",
        "<h2>Power by months of evaluation</h2>",
        table_html(
            by_months.pivot(index="months", columns="plan", values="power").map(
                lambda p: f"{p:.0%}"
            )
        ),
        "<h2>Settings</h2>",
        "<dl class=prov>"
        + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in settings.items())
        + "</dl>",
        "<p class=note>Written by the reverse-mentoring simulation (orgculture-sim), sim plan. "
        "Each replicate's data are analysed as the real data would be "
        "(sim.analysis.rollout_estimate; docs/hr.md, Plan the evaluation).</p>",
    ]
    return (
        "<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
        f"<title>{esc(name)}: evaluation plan</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
