"""A plan comparison across replicates: power, detectable effect, width, cost; a recommendation.

Effects are shown as exits per 100 person-years (the monthly rate x 1,200): the program's
change in how many of every hundred juniors leave in a year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.money import share_interval
from sim.analysis.rollout_estimate import BEFORE_AFTER
from sim.scenario.parameters import Costs

PER_100_PERSON_YEARS = 1200.0  # a monthly rate per person -> exits per 100 person-years
TARGET_POWER = 0.8


def power_of(rows: pd.DataFrame) -> float:
    """Share of replicates whose test rejects no effect on the side of the model's effect."""
    side = np.sign(rows["truth"].mean())
    hit = rows["significant"].astype(bool) & (np.sign(rows["estimate"]) == side)
    return float(hit.mean())


def detectable_effect(rows: pd.DataFrame, alpha: float, power: float = TARGET_POWER) -> float:
    """The effect the test detects with `power`: (t_(1-alpha/2) + t_power) x the typical SE.

    The typical SE is the root mean square of the standard errors the analysis reports (what
    the test divides by), t on units - 1 degrees of freedom; nan if no replicate had one.
    """
    se = rows["se"].to_numpy(float)
    se = se[np.isfinite(se)]
    if len(se) == 0:
        return np.nan
    df = max(int(rows["units"].median()) - 1, 1)
    multiplier = stats.t.ppf(1 - alpha / 2, df) + stats.t.ppf(power, df)
    return float(multiplier * np.sqrt(np.mean(se**2)) * PER_100_PERSON_YEARS)


def plan_table(
    rows: pd.DataFrame,
    labels: dict[str, str],
    months: int,
    alpha: float,
    costs: Costs,
    assurance_rows: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """A row per plan at the evaluation's length (`months`).

    Columns: power and its 95% interval (the precision of the simulated share), assurance
    (power over posterior draws, when given), the model's effect and the mean estimate,
    the minimum detectable effect, the interval's mean width, the share of replicates with
    no interval, and the cost of waiting: juniors' and seniors' exits over the evaluation
    that starting everyone at once would have avoided, and their replacement cost.
    """
    at = rows[rows["months"] == months]
    first = at[at["plan"] == "all_at_once"].set_index("replicate")
    out = []
    for name, g in at.groupby("plan", sort=False):
        n = len(g)
        power = power_of(g)
        k = round(power * n)
        _, lo, hi = share_interval(k, n)
        width = (g["high"] - g["low"]).to_numpy(float)
        width = width[np.isfinite(width)]
        g_idx = g.set_index("replicate")
        extra_j = (g_idx["exits_junior"] - first["exits_junior"]).mean()
        extra_s = (g_idx["exits_senior"] - first["exits_senior"]).mean()
        cost = extra_j * costs.salary_junior * costs.replacement_junior
        cost += extra_s * costs.salary_senior * costs.replacement_senior
        row = {
            "plan": name,
            "label": labels[name],
            "units": int(g["units"].median()),
            "replicates": n,
            "power": power,
            "power_low": lo,
            "power_high": hi,
            "assurance": np.nan,
            "model_effect": g["truth"].mean() * PER_100_PERSON_YEARS,
            "mean_estimate": g["estimate"].mean() * PER_100_PERSON_YEARS,
            "min_detectable_effect": detectable_effect(g, alpha),
            "mean_width": float(width.mean()) * PER_100_PERSON_YEARS if len(width) else np.nan,
            "no_interval": float(1 - len(width) / n),
            "extra_exits_junior": float(extra_j),
            "extra_exits_senior": float(extra_s),
            "cost_of_waiting": float(cost),
            "comparison": g["comparison"].mode().iloc[0],
        }
        if assurance_rows is not None:
            a = assurance_rows[
                (assurance_rows["months"] == months) & (assurance_rows["plan"] == name)
            ]
            row["assurance"] = power_of(a) if len(a) else np.nan
        out.append(row)
    return pd.DataFrame(out)


def power_by_months(rows: pd.DataFrame) -> pd.DataFrame:
    """Power per plan and evaluation length (the rows' `months`): the figure's data."""
    return (
        rows.groupby(["plan", "months"], sort=False)
        .apply(power_of, include_groups=False)
        .rename("power")
        .reset_index()
    )


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def recommendation(table: pd.DataFrame, by_months: pd.DataFrame, currency: str) -> str:
    """One plain sentence or three that the table's own numbers support.

    If plans reach 80% power, the one among them with the least cost of waiting; else the
    most precise plan (the smallest detectable effect), with its power and how far the
    detectable effect is from the model's.
    """
    strong = table[table["power"] >= TARGET_POWER]
    if len(strong):
        best = strong.sort_values(["cost_of_waiting", "power"], ascending=[True, False]).iloc[0]
        cost = ""
        if best["cost_of_waiting"] > 0:
            cost = (
                f", at a cost of waiting of about {best['cost_of_waiting']:,.0f} {currency} "
                "in turnover that starting everyone at once would have avoided"
            )
        return (
            f"Choose '{best['label']}': it detects the model's effect {_effect_said(best)} "
            f"in {best['power']:.0%} of simulated evaluations{_assured(best)}{cost}."
            f"{_caveat(best)}"
        )
    ranked = table.assign(mde=table["min_detectable_effect"].fillna(np.inf))
    best = ranked.sort_values(["mde", "power"], ascending=[True, False]).iloc[0]
    effect = best["model_effect"]
    longest = int(by_months["months"].max())
    ratio = best["min_detectable_effect"] / abs(effect) if effect else np.inf
    return (
        f"No plan here reaches {TARGET_POWER:.0%} power. The most precise, "
        f"'{best['label']}', detects the model's effect {_effect_said(best)} in "
        f"{best['power']:.0%} of simulated evaluations{_assured(best)} after {longest} "
        f"months; the smallest effect it detects 80% of the time is "
        f"{_fmt(best['min_detectable_effect'])} exits per 100 person-years, {ratio:.1f} times "
        f"the model's.{_caveat(best)} Do not judge the program by whether next year's "
        "turnover falls: report the estimate with its interval, or evaluate longer or on "
        "more people."
    )


def _effect_said(row: pd.Series) -> str:
    """The model's effect on the plan's treated months, in brackets."""
    effect = row["model_effect"]
    side = "fewer" if effect < 0 else "more"
    return (
        f"(about {_fmt(abs(effect))} {side} exits per 100 junior person-years in the "
        "months the program runs)"
    )


def _assured(row: pd.Series) -> str:
    """The assurance in brackets, when the posterior was run."""
    if not np.isfinite(row["assurance"]):
        return ""
    return f" ({row['assurance']:.0%} allowing for what is not known about behaviour)"


def _caveat(row: pd.Series) -> str:
    """What a before/after comparison cannot tell apart from the program."""
    if row["comparison"] != BEFORE_AFTER:
        return ""
    return (
        " Its comparison is before/after: any other change between the years counts as the "
        "program's."
    )
