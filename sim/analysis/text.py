"""Numbers as people read them: turnover in percent, money in a currency, tables of cells.

Each table here is text: 'mean [95% interval]' cells with outcomes or money measures as rows
and designs as columns, for the terminal and the report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.analysis.intervals import summarise_designs
from sim.analysis.money import ASSUMED_COST_PER_EXIT, Horizon

# The headline outcomes of `sim run` and `sim compare`: column -> label.
HEADLINE = {
    "turnover_junior_pre": "junior turnover, year before launch",
    "turnover_junior_y1": "junior turnover, year 1",
    "turnover_junior_y2": "junior turnover, year 2",
    "engagement_junior_end": "junior engagement, end",
    "leadership_fluency_end": "leadership fluency, end",
    "program_hours": "program hours",
    "program_cost": "program cost",
}


# Mentor retention against its counterfactual (observation.mentor_counterfactual): column -> label.
MENTOR_RETENTION = {
    "mentor_retention_52w": "first intake's mentors employed 52 weeks on",
    "mentor_retention_counterfactual_52w": "the same people, every pathway off",
    "mentor_retention_effect_52w": "the program's effect on its mentors",
}


def is_percent_outcome(outcome: str) -> bool:
    """Turnover rates, shown in percent (differences in percentage points)."""
    return outcome.startswith("turnover_") and not outcome.startswith("turnover_cost")


def is_money_outcome(outcome: str) -> bool:
    """Amounts of money (the scenario's currency)."""
    return outcome.endswith("_cost") or outcome in ("net_benefit",)


def format_interval(mean: float, lo: float, hi: float, digits: int = 3) -> str:
    """'0.213 [0.201, 0.225]', or just the mean when there is no interval."""
    if np.isnan(mean):
        return "n/a"
    big = abs(mean) >= 1000
    fmt = (lambda v: f"{v:,.0f}") if big else (lambda v: f"{v:.{digits}f}")
    if np.isnan(lo):
        return fmt(mean)
    return f"{fmt(mean)} [{fmt(lo)}, {fmt(hi)}]"


def format_outcome(
    outcome: str, mean: float, lo: float, hi: float, difference: bool = False
) -> str:
    """A cell of a results table, 'mean [95% interval]', in the unit of the figures.

    Turnover in percent, '18.7% [17.7%, 19.7%]' (a difference in percentage points,
    '-6.1 pp [-7.3, -4.9]'); money and hours in whole units; the rest as `format_interval`.
    """
    if not is_percent_outcome(outcome):
        if is_money_outcome(outcome) or outcome.endswith("_hours"):
            return format_amount(mean, lo, hi)
        return format_interval(mean, lo, hi)
    if np.isnan(mean):
        return "n/a"
    if difference:
        text = f"{_signed(100 * mean)} pp"
        return text if np.isnan(lo) else f"{text} [{_signed(100 * lo)}, {_signed(100 * hi)}]"
    text = f"{100 * mean:.1f}%"
    return text if np.isnan(lo) else f"{text} [{100 * lo:.1f}%, {100 * hi:.1f}%]"


def _signed(value: float) -> str:
    """'+1.2', '-0.4', and '0.0' (no sign on what rounds to zero)."""
    text = f"{value:+.1f}"
    return text[1:] if text in ("+0.0", "-0.0") else text


def format_amount(mean: float, lo: float = np.nan, hi: float = np.nan, currency: str = "") -> str:
    """Whole units with thousands separators: 'USD 126,624 [123,596, 129,651]'."""
    if np.isnan(mean):
        return "n/a"
    text = f"{currency} {mean:,.0f}" if currency else f"{mean:,.0f}"
    if np.isnan(lo) or np.isnan(hi):
        return text
    return f"{text} [{_bound(lo)}, {_bound(hi)}]"


def _bound(value: float) -> str:
    return "unbounded" if np.isinf(value) else f"{value:,.0f}"


def _percent(value: float) -> str:
    return "unbounded" if np.isinf(value) else f"{100 * value:,.0f}%"


def _with_currency(labels: dict[str, str], currency: str) -> dict[str, str]:
    """The labels, money rows naming the currency ('program cost (EUR)')."""
    if not currency:
        return labels
    return {k: f"{v} ({currency})" if is_money_outcome(k) else v for k, v in labels.items()}


def headline_table(
    summary: pd.DataFrame, outcomes: dict[str, str] | None = None, currency: str = ""
) -> pd.DataFrame:
    """Outcomes as rows, designs as columns, each cell 'mean [95% interval]' (`format_outcome`).

    Turnover is in percent, as in the figures; with a `currency`, money rows say which.
    """
    outcomes = dict(outcomes or {k: v for k, v in HEADLINE.items() if k in summary})
    outcomes = _with_currency(outcomes, currency)
    tidy = summarise_designs(summary, list(outcomes))
    table = tidy.assign(
        text=[
            format_outcome(o, m, lo, hi)
            for o, m, lo, hi in zip(
                tidy["outcome"], tidy["mean"], tidy["ci_low"], tidy["ci_high"], strict=True
            )
        ]
    ).pivot(index="design", columns="outcome", values="text")
    order = list(dict.fromkeys(summary["design"]))
    table = table.loc[order, [c for c in outcomes if c in table]].rename(columns=outcomes)
    table = table.T
    table.index.name, table.columns.name = "outcome", None
    return table


def differences_table(
    diff: pd.DataFrame,
    labels: dict[str, str] | None = None,
    order: Sequence[str] = (),
    currency: str = "",
) -> pd.DataFrame:
    """`paired_differences` as outcomes x designs text cells, designs in the scenario's order.

    Args:
        diff: the tidy paired differences.
        labels: outcome -> row label, in row order (default: `HEADLINE`).
        order: the designs' order (default: their order in `diff`, which is the run order).
        currency: named in the labels of money rows.
    """
    labels = _with_currency(dict(labels or HEADLINE), currency)
    text = [
        format_outcome(o, m, lo, hi, difference=True)
        for o, m, lo, hi in zip(
            diff["outcome"], diff["difference"], diff["ci_low"], diff["ci_high"], strict=True
        )
    ]
    wide = diff.assign(text=text).pivot(index="outcome", columns="design", values="text")
    designs = [d for d in (*order, *dict.fromkeys(diff["design"])) if d in wide.columns]
    wide = wide.loc[[o for o in labels if o in wide.index], list(dict.fromkeys(designs))]
    return wide.rename(index=labels).rename_axis(index="outcome", columns=None)


# --- the money table (`sim.analysis.money.money_table`) as people read it ---------------------
def money_labels(against: str = "baseline") -> dict[str, str]:
    """Row labels of the money table, saying what each number is."""
    extra = "program cost" if against == "baseline" else f"extra program cost over {against}"
    return {
        "turnover_cost_avoided": "turnover cost avoided",
        "program_cost": extra,
        "net_benefit": "net benefit (avoided - program cost)",
        "roi": "return on investment (net / program cost)",
        "p_net_positive": "chance net benefit > 0 (share of replicates)",
        "payback_week": "payback: weeks after launch (date)",
        "exits_avoided": "exits avoided",
        "break_even_cost_per_exit": "break-even replacement cost per exit",
        ASSUMED_COST_PER_EXIT: "replacement cost per avoided exit, as assumed",
    }


def money_cell(row: pd.Series, currency: str, horizon: Horizon | None = None) -> str:
    """One cell of the money table as text (`money_table` row -> 'USD 332,126 [...]')."""
    value, lo, hi, note = row["value"], row["ci_low"], row["ci_high"], row["note"]
    measure = row["measure"]
    if measure == "p_net_positive":
        return "n/a" if np.isnan(value) else f"{100 * value:.0f}% ({note})"
    if np.isnan(value):
        return note or "n/a"
    if measure == "roi":
        bounds = "" if np.isnan(lo) else f" [{_percent(lo)}, {_percent(hi)}]"
        return f"{_percent(value)}{bounds}"
    if measure == "payback_week":
        return _payback_cell(value, lo, hi, horizon)
    if measure == "exits_avoided":
        return format_interval(value, lo, hi, digits=1)
    return format_amount(value, lo, hi, currency)


def _payback_cell(value: float, lo: float, hi: float, horizon: Horizon | None) -> str:
    """'week 30 (2022-03-08) [21, 44]': the payback week, its date and interval."""
    date = f" ({horizon.start + dt.timedelta(weeks=value)})" if horizon else ""
    later = "not within the horizon" if np.isnan(hi) else f"{hi:.0f}"
    earlier = "n/a" if np.isnan(lo) else f"{lo:.0f}"
    return f"week {value:.0f}{date} [{earlier}, {later}]"


def money_display(
    money: pd.DataFrame, currency: str, horizon: Horizon | None = None, order: Sequence[str] = ()
) -> pd.DataFrame:
    """`money_table` as measures x designs text cells, designs in the scenario's order."""
    against = money["against"].iloc[0] if len(money) else "baseline"
    labels = money_labels(against)
    cells = money.assign(text=[money_cell(r, currency, horizon) for _, r in money.iterrows()])
    wide = cells.pivot(index="measure", columns="design", values="text")
    designs = [d for d in (*order, *dict.fromkeys(money["design"])) if d in wide.columns]
    wide = wide.loc[[m for m in labels if m in wide.index], list(dict.fromkeys(designs))]
    return wide.rename(index=labels).rename_axis(index=f"vs {against}", columns=None)


def break_even_lines(money: pd.DataFrame, currency: str) -> list[str]:
    """Per design, one sentence: the replacement cost per exit at which it pays for itself."""
    lines = []
    for design, rows in money.groupby("design", sort=False):
        r = rows.set_index("measure")
        be, assumed = r.loc["break_even_cost_per_exit"], r.loc[ASSUMED_COST_PER_EXIT]
        if np.isnan(be["value"]):
            lines.append(f"{design}: no break-even ({be['note']}).")
            continue
        verdict = "above" if assumed["value"] > be["value"] else "not above"
        lines.append(
            f"{design} pays for itself when replacing one exit costs more than "
            f"{format_amount(be['value'], be['ci_low'], be['ci_high'], currency)}; "
            f"this scenario's salaries and replacement factors put an avoided exit at "
            f"{format_amount(assumed['value'], currency=currency)} ({verdict} break-even)."
        )
    return lines
