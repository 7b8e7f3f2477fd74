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
from sim.analysis.money import ASSUMED_COST_PER_EXIT, HORIZON_YEARS, Horizon
from sim.scenario.parameters import Scenario

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
    summary: pd.DataFrame,
    outcomes: dict[str, str] | None = None,
    currency: str = "",
    titles: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Outcomes as rows, designs as columns, each cell 'mean [95% interval]' (`format_outcome`).

    Turnover is in percent, as in the figures; with a `currency`, money rows say which;
    `titles` (`design_titles`) name the columns.
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
    table = table.T.rename(columns=titles or {})
    table.index.name, table.columns.name = "outcome", None
    return table


def design_titles(scenario: Scenario) -> dict[str, str]:
    """Design name -> its label with the name in brackets: 'Monthly pairs (monthly)'.

    The baseline reads 'No program (baseline)'; a design without a label gets its name as
    words ('Reverse mentoring (reverse_mentoring)').
    """
    titles = {"baseline": "No program (baseline)"}
    titles |= {d.name: f"{d.title} ({d.name})" for d in scenario.designs}
    return titles


def differences_table(
    diff: pd.DataFrame,
    labels: dict[str, str] | None = None,
    order: Sequence[str] = (),
    currency: str = "",
    titles: dict[str, str] | None = None,
) -> pd.DataFrame:
    """`paired_differences` as outcomes x designs text cells, designs in the scenario's order.

    Args:
        diff: the tidy paired differences.
        labels: outcome -> row label, in row order (default: `HEADLINE`).
        order: the designs' order (default: their order in `diff`, which is the run order).
        currency: named in the labels of money rows.
        titles: design name -> column title (`design_titles`; default: the names).
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
    wide = wide.rename(index=labels, columns=titles or {})
    return wide.rename_axis(index="outcome", columns=None)


# --- the money table (`sim.analysis.money.money_table`) as people read it ---------------------
def money_labels(against: str = "baseline") -> dict[str, str]:
    """Row labels of the money table, saying what each number is."""
    extra = "program cost" if against == "baseline" else f"extra program cost over {against}"
    labels = {
        "p_net_positive": "chance net benefit > 0 (share of runs)",
        "net_benefit": "net benefit: median [80% predictive]; mean [95% of mean]",
        "p_loss_above": "chance of a loss above the threshold",
        "roi": "return on investment (net / program cost), same runs",
        "turnover_cost_avoided": "turnover cost avoided: median [80% predictive]",
        "program_cost": f"{extra}: median [80% predictive]",
        "payback_week": "payback: weeks after launch (date) [95% band]",
    }
    for k in HORIZON_YEARS:
        labels[f"net_benefit_y{k}"] = f"net benefit {k} year{'s' * (k > 1)} after launch"
    labels |= {
        "exits_avoided": "exits avoided: median [80% predictive]",
        "break_even_cost_per_exit": "break-even replacement cost per exit",
        ASSUMED_COST_PER_EXIT: "replacement cost per avoided exit, as assumed",
    }
    return labels


def money_cell(row: pd.Series, currency: str, horizon: Horizon | None = None) -> str:
    """One cell of the money table as text (`money_table` row -> 'USD 332,126 [...]')."""
    value, lo, hi, note = row["value"], row["ci_low"], row["ci_high"], row["note"]
    measure = row["measure"]
    if measure in ("p_net_positive", "p_loss_above"):
        return "n/a" if np.isnan(value) else f"{100 * value:.0f}% ({note})"
    if np.isnan(value):
        return note or "n/a"
    med, plo, phi = (row.get(c, np.nan) for c in ("median", "pred_low", "pred_high"))
    if measure == "roi":
        mean = f"mean {_percent(value)}" + (
            "" if np.isnan(lo) else f" [{_percent(lo)}, {_percent(hi)}]"
        )
        if np.isnan(med):
            return mean
        return f"{_percent(med)} [{_percent(plo)}, {_percent(phi)}]; {mean}"
    if measure == "payback_week":
        return _payback_cell(value, lo, hi, horizon)
    if measure == "exits_avoided":
        pred = format_interval(med, plo, phi, digits=1)
        return f"{pred}; mean {format_interval(value, lo, hi, digits=1)}"
    if np.isnan(med):
        return format_amount(value, lo, hi, currency)
    return f"{format_amount(med, plo, phi, currency)}; mean {format_amount(value, lo, hi)}"


def _payback_cell(value: float, lo: float, hi: float, horizon: Horizon | None) -> str:
    """'week 30 (2022-03-08) [21, 44]': the payback week, its date and interval."""
    date = f" ({horizon.start + dt.timedelta(weeks=value)})" if horizon else ""
    later = "not within the horizon" if np.isnan(hi) else f"{hi:.0f}"
    earlier = "n/a" if np.isnan(lo) else f"{lo:.0f}"
    return f"week {value:.0f}{date} [{earlier}, {later}]"


def money_display(
    money: pd.DataFrame,
    currency: str,
    horizon: Horizon | None = None,
    order: Sequence[str] = (),
    titles: dict[str, str] | None = None,
) -> pd.DataFrame:
    """`money_table` as measures x designs text cells, designs in the scenario's order.

    Yearly horizons the run does not reach are left out (`horizon_note` says so).
    """
    against = money["against"].iloc[0] if len(money) else "baseline"
    labels = money_labels(against)
    shown = money[~money["measure"].str.startswith("p_net_positive_y")]
    reached = shown["measure"].str.startswith("net_benefit_y") & shown["value"].isna()
    shown = shown[~reached]
    cells = shown.assign(text=[money_cell(r, currency, horizon) for _, r in shown.iterrows()])
    wide = cells.pivot(index="measure", columns="design", values="text")
    designs = [d for d in (*order, *dict.fromkeys(shown["design"])) if d in wide.columns]
    wide = wide.loc[[m for m in labels if m in wide.index], list(dict.fromkeys(designs))]
    wide = wide.rename(index=labels, columns=titles or {})
    return wide.rename_axis(index=f"vs {against}", columns=None)


def horizon_note(money: pd.DataFrame) -> str | None:
    """Which yearly horizons the run is too short for, or None when it reaches them all."""
    rows = money[money["measure"].str.startswith("net_benefit_y")]
    short = sorted({m for m, v in zip(rows["measure"], rows["value"], strict=True) if np.isnan(v)})
    if not short:
        return None
    years = ", ".join(m.removeprefix("net_benefit_y") for m in short)
    why = rows.loc[rows["value"].isna(), "note"].iloc[0]
    return f"net benefit {years} year(s) after the launch: not shown ({why}; use --years)"


def _chance_words(p: float) -> str:
    """A chance in plain words, the number beside it."""
    if p >= 0.8:
        words = "likely makes money"
    elif p >= 0.5:
        words = "makes money more often than not"
    elif p >= 0.2:
        words = "loses money more often than not"
    else:
        words = "likely loses money"
    return f"{words}: a positive net benefit in {100 * p:.0f}% of simulated futures"


def verdict_lines(
    money: pd.DataFrame,
    currency: str,
    titles: dict[str, str] | None = None,
    loss_threshold: float = 0.0,
) -> list[str]:
    """Per design, one sentence that follows its chance of a positive net benefit.

    No payback week and no break-even claim when that chance is below one half.
    """
    lines = []
    for design, rows in money.groupby("design", sort=False):
        r = rows.set_index("measure")
        p = r.loc["p_net_positive", "value"]
        name = (titles or {}).get(design, design)
        if np.isnan(p):
            lines.append(f"{name}: no paired runs to judge.")
            continue
        net, loss = r.loc["net_benefit"], r.loc["p_loss_above", "value"]
        text = (
            f"{name} {_chance_words(p)}; expected net benefit "
            f"{format_amount(net['value'], currency=currency)}, median "
            f"{format_amount(net['median'], net['pred_low'], net['pred_high'], currency)} "
            "(80% predictive interval); "
        )
        if loss_threshold > 0:
            text += (
                f"{_a_percent(1 - p)} chance of no gain and {_a_percent(loss)} chance of "
                f"losing more than {format_amount(loss_threshold, currency=currency)}"
            )
        else:
            text += f"{_a_percent(loss)} chance of a loss"
        pay = r.loc["payback_week"] if "payback_week" in r.index else None
        if p >= 0.5 and pay is not None and not np.isnan(pay["value"]):
            text += f"; the mean net benefit turns positive for good in week {pay['value']:.0f}"
        lines.append(text + ".")
    return lines


def break_even_lines(
    money: pd.DataFrame, currency: str, titles: dict[str, str] | None = None
) -> list[str]:
    """Per design: the replacement cost per exit at which net benefit is zero, and the assumed one.

    A comparison of means, stated as one: it says nothing about the chance of a gain.
    """
    lines = []
    for design, rows in money.groupby("design", sort=False):
        r = rows.set_index("measure")
        be, assumed = r.loc["break_even_cost_per_exit"], r.loc[ASSUMED_COST_PER_EXIT]
        name = (titles or {}).get(design, design)
        if np.isnan(be["value"]):
            lines.append(f"{name}: no break-even ({be['note']}).")
            continue
        verdict = "above" if assumed["value"] > be["value"] else "not above"
        lines.append(
            f"{name}: mean net benefit is zero when replacing one exit costs "
            f"{format_amount(be['value'], be['ci_low'], be['ci_high'], currency)}; "
            f"this scenario's salaries and replacement factors put an avoided exit at "
            f"{format_amount(assumed['value'], currency=currency)} ({verdict} that)."
        )
    return lines


# --- which design ---------------------------------------------------------------------------
def ranking_display(
    ranking: pd.DataFrame, currency: str, titles: dict[str, str] | None = None
) -> pd.DataFrame:
    """`ranking_table` as text: a row per design, most likely best first."""
    rows = []
    for r in ranking.itertuples():
        rows.append(
            {
                "design": (titles or {}).get(r.design, r.design),
                "chance best": f"{100 * r.p_best:.0f}%",
                f"expected net benefit ({currency})": format_amount(r.expected_net_benefit),
                "chance of a loss": f"{100 * r.p_loss:.0f}%",
                "junior turnover y1": format_outcome(
                    "turnover_junior_y1", r.turnover_effect, np.nan, np.nan, difference=True
                ),
                "junior engagement": format_interval(r.engagement_effect, np.nan, np.nan),
            }
        )
    return pd.DataFrame(rows).set_index("design") if rows else pd.DataFrame()


def ranking_sentence(ranking: pd.DataFrame, titles: dict[str, str] | None = None) -> str:
    """One plain sentence: the design most likely best on net benefit, and how likely."""
    if ranking.empty or np.isnan(ranking["p_best"].iloc[0]):
        return "No design can be ranked: no runs shared by every design."
    names = [(titles or {}).get(d, d) for d in ranking["design"]]
    top, p = names[0], ranking["p_best"].iloc[0]
    n = int(ranking["n"].iloc[0])
    text = (
        f"Most likely best on net benefit: {top}, best in {100 * p:.0f}% of {n} simulated futures"
    )
    if len(names) > 1:
        text += f" (next: {names[1]}, {100 * ranking['p_best'].iloc[1]:.0f}%)"
    if p < 0.5:
        text += "; no design is best in most futures"
    return text + "."


def _a_percent(share: float) -> str:
    """``a 75%`` or ``an 80%``: the article as the percentage is read aloud (eighty, eleven)."""
    number = f"{100 * share:.0f}"
    vowel = number.startswith("8") or number in ("11", "18")
    return f"{'an' if vowel else 'a'} {number}%"
