"""Figures of the joint calibration, drawn from the tables it writes (no model is run here).

- `pair_plot`: posterior.csv (a `weight` column and one column per parameter key): each
  parameter's weighted histogram on the diagonal, over its prior range, and the particles of
  every pair below it (point size by weight).
- `predictive_figure`: predictive.csv (a row per case, outcome and draw with `value` and
  `observed`): each pattern's posterior predictive distribution, its 90% interval and the
  observed value (where the case reports one), labelled by role (calibration, held out,
  consistency).

Example:
    >>> import pandas as pd
    >>> post = pd.DataFrame({"weight": [0.5, 0.5], "dynamics.exits.beta_e": [1.0, 2.0],
    ...     "dynamics.engagement.a_gap": [0.1, 0.2]})
    >>> ranges = {"dynamics.exits.beta_e": (0.7, 2.6), "dynamics.engagement.a_gap": (0, 0.3)}
    >>> len(pair_plot(post, ranges).axes)
    4
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.viz.plots import OKABE_ITO, new_figure, styled

ROLE_COLOURS = {
    "calibration": OKABE_ITO["blue"],
    "held out": OKABE_ITO["vermillion"],
    "consistency": OKABE_ITO["bluish_green"],
}


def short(key: str) -> str:
    """The last part of a dotted key (beta_e for dynamics.exits.beta_e)."""
    return key.rsplit(".", 1)[-1]


@styled
def pair_plot(posterior: pd.DataFrame, ranges: Mapping[str, tuple[float, float]]) -> Figure:
    """Weighted marginals on the diagonal, particles of each pair below it, on prior ranges."""
    keys = [c for c in posterior.columns if c != "weight"]
    w = posterior["weight"].to_numpy(float)
    k = len(keys)
    fig = new_figure(1.6 * k + 1, 1.6 * k + 0.6)
    axes = fig.subplots(k, k, squeeze=False)
    size = 4 + 60 * w / w.max()
    for i, yk in enumerate(keys):
        for j, xk in enumerate(keys):
            ax = axes[i][j]
            if j > i:
                ax.set_visible(False)
                continue
            x = posterior[xk].to_numpy(float)
            ax.set_xlim(*ranges[xk])
            if i == j:
                ax.hist(x, bins=12, range=ranges[xk], weights=w, color=OKABE_ITO["blue"])
                ax.set_yticks([])
            else:
                ax.scatter(x, posterior[yk], s=size, color=OKABE_ITO["blue"], alpha=0.5, lw=0)
                ax.set_ylim(*ranges[yk])
            if i == k - 1:
                ax.set_xlabel(short(xk), fontsize=8)
            else:
                ax.set_xticklabels([])
            if j == 0 and i > 0:
                ax.set_ylabel(short(yk), fontsize=8)
            elif j > 0:
                ax.set_yticklabels([])
            ax.tick_params(labelsize=6)
    fig.suptitle(
        "Joint posterior (ABC-SMC, last generation): weighted marginals on the diagonal, "
        "particle pairs below; axes span the prior ranges",
        fontsize=9,
    )
    return fig


@styled
def predictive_figure(predictive: pd.DataFrame) -> Figure:
    """A panel per (case, outcome): predictive histogram, 90% interval, observed value."""
    groups = list(predictive.groupby(["case", "outcome"], sort=False))
    fig = new_figure(3.2 * len(groups), 3.2)
    axes = fig.subplots(1, len(groups), squeeze=False)[0]
    for ax, ((case, outcome), g) in zip(axes, groups, strict=True):
        v = g["value"].to_numpy(float)
        v = v[np.isfinite(v)]
        role = str(g["role"].iloc[0])
        colour = ROLE_COLOURS.get(role, "#555555")
        obs = float(g["observed"].iloc[0])
        if len(v):
            ax.hist(v, bins=20, color=colour, alpha=0.7)
            lo, hi = np.quantile(v, [0.05, 0.95])
            ax.axvspan(lo, hi, color=colour, alpha=0.12, label="90% predictive interval")
        if np.isfinite(obs):  # an outcome reported beside a pattern has none
            ax.axvline(obs, color="black", lw=1.5, label=f"observed {obs:g}")
        ax.set_title(f"{case} ({role})\n{outcome}", fontsize=8)
        ax.set_yticks([])
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=6, loc="upper left")
    fig.suptitle(
        "Posterior predictive check: each pattern over posterior draws (parameter uncertainty "
        "and run noise); no case refitted",
        fontsize=9,
    )
    return fig
