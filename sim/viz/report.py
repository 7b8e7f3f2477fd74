"""report.html: one self-contained page per results folder, for people who read reports.

The page holds the scenario's name, description and provenance, the headline table with
95% intervals, paired differences and case targets when there are any, the key figures
(from `sim.viz.plots`, embedded as base64 PNG data URIs) and the parameters that differ from
the defaults. No external CSS, JavaScript or fonts: it opens in any browser, offline, and
can be mailed as one file. Every piece of text is escaped with `html.escape`.

Example:
    >>> from sim import default_scenario, run_scenario
    >>> from sim.viz.report import report_html
    >>> scenario = default_scenario().with_changes(years=0.5)
    >>> results = run_scenario(scenario, seeds=[1, 2])
    >>> page = report_html(scenario, {"series": results.series, "summary": results.summary})
    >>> page.startswith("<!DOCTYPE html>")
    True
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from sim import analysis
from sim.scenario.design import ProgramDesign
from sim.scenario.parameters import Scenario
from sim.scenario.schema import field_infos
from sim.scenario.template import toml_value
from sim.viz import explain_plot, plots

REPORT_NAME = "report.html"
# Scenario fields left out of the table of changed parameters: shown in the header, or
# (outputs) about files rather than the model.
DESCRIPTIVE = ("name", "description", "provenance", "designs", "targets", "outputs")

CSS = """
body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       color: #1a1a1a; max-width: 1100px; margin: 2em auto; padding: 0 1.2em; line-height: 1.45; }
h1 { font-size: 1.8em; margin-bottom: 0.1em; }
h2 { font-size: 1.3em; margin-top: 1.8em; border-bottom: 2px solid #0072B2;
     padding-bottom: 0.15em; }
p.lead { font-size: 1.1em; color: #333; }
p.note, td.note { color: #555; font-size: 0.92em; }
table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 0.95em; }
th, td { padding: 0.3em 0.8em; border-bottom: 1px solid #ddd; text-align: left;
         vertical-align: top; }
th { background: #f3f6f9; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.ok { color: #006e4f; font-weight: bold; }
.off { color: #b34700; font-weight: bold; }
section.decision { border: 2px solid #0072b2; border-radius: 6px; padding: 0.2em 1em 0.8em;
  background: #f3f8fc; margin: 1em 0; }
figure { margin: 1em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.92em; }
dl.prov { display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 1em; }
dl.prov dt { font-weight: bold; }
dl.prov dd { margin: 0; word-break: break-all; }
"""


def esc(value: Any) -> str:
    """Any value as escaped HTML text."""
    return html.escape(str(value), quote=True)


def figure_data_uri(fig: Figure, dpi: int = 100) -> str:
    """A figure as a base64 PNG data URI (embedded, so the page needs no other file)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def table_html(table: pd.DataFrame, index: bool = True, numeric: tuple[str, ...] = ()) -> str:
    """A DataFrame as an HTML table, every cell escaped."""
    head = ([table.index.name or ""] if index else []) + [str(c) for c in table.columns]
    rows = ["<tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>"]
    for key, row in table.iterrows():
        cells = [f"<th>{esc(key)}</th>"] if index else []
        for col, value in row.items():
            css = ' class="num"' if col in numeric or (index and col != "note") else ""
            cells.append(f"<td{css}>{esc(value)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "<table>\n" + "\n".join(rows) + "\n</table>"


# --- parameters that differ from the defaults -----------------------------------------------
def _changed(cls: type, obj: Any, default: Any, prefix: str) -> Iterator[tuple[str, ...]]:
    for info in field_infos(cls):
        if info.name in DESCRIPTIVE:
            continue
        key = f"{prefix}{info.name}"
        value, base = getattr(obj, info.name), getattr(default, info.name)
        if info.is_group:
            yield from _changed(info.type, value, base, key + ".")
        elif value != base:
            meaning = info.help + (f" ({info.unit})" if info.unit else "")
            yield key, toml_value(value, info), toml_value(base, info), meaning


def changed_parameters(scenario: Scenario) -> pd.DataFrame:
    """Every parameter whose value differs from the schema's default, designs included.

    Scenario values are compared with a fresh `Scenario()`; each design with a fresh
    `ProgramDesign()`.

    Returns:
        A table with columns parameter, value, default, meaning.
    """
    rows = list(_changed(Scenario, scenario, Scenario(), ""))
    for design in scenario.designs:
        rows += _changed(ProgramDesign, design, ProgramDesign(), f"designs.{design.name}.")
    return pd.DataFrame(rows, columns=["parameter", "value", "default", "meaning"])


# --- sections -------------------------------------------------------------------------------
def _decision(money: pd.DataFrame | None, ranking: pd.DataFrame | None, scenario: Scenario) -> str:
    """The summary box at the top: the verdict per design and which design is most likely best."""
    if money is None or money.empty:
        return ""
    currency = scenario.costs.currency
    titles = analysis.design_titles(scenario)
    threshold = float(money["loss_threshold"].iloc[0]) if "loss_threshold" in money else 0.0
    verdicts = analysis.verdict_lines(money, currency, titles, threshold)
    items = "".join(f"<li>{esc(line)}</li>" for line in verdicts)
    parts = [
        "<section class=decision>\n<h2>Decision</h2>",
        f"<p class=note>Computed {esc(analysis.PREDICTIVE_METHOD)}.</p>",
        f"<ul>{items}</ul>",
    ]
    if ranking is not None and not ranking.empty:
        parts.append(f"<p><strong>{esc(analysis.ranking_sentence(ranking, titles))}</strong></p>")
        parts.append(table_html(analysis.ranking_display(ranking, currency, titles)))
    return "\n".join(parts) + "\n</section>"


def _headline(summary: pd.DataFrame, currency: str, titles: Mapping[str, str]) -> str:
    table = analysis.headline_table(summary, currency=currency, titles=dict(titles))
    n = int(summary.groupby("design").size().min())
    warning = analysis.few_replicates_warning(n)
    return (
        "<h2>Headline outcomes</h2>\n"
        + (f"<p class=off>Warning: {esc(warning)}.</p>\n" if warning else "")
        + f"<p class=note>Mean over {analysis.replicates_text(n)} per design, with the 95% "
        f"interval of the mean in brackets ({esc(analysis.INTERVAL_METHOD)}; the same in the "
        "tables and the design comparison below, while the weekly figure's bands are plain "
        "t-intervals). Designs run on the same seeds (common random numbers). Turnover is "
        "exits per year over mean headcount, in percent.</p>\n"
        + f"<p class=note>Uncertainty shown: {esc(uncertainty_shown(summary))}.</p>\n"
        + table_html(table)
    )


def uncertainty_shown(summary: pd.DataFrame) -> str:
    """Which uncertainty the intervals carry, read from the summary's own columns."""
    if "posterior_particle" in summary:
        n = summary["posterior_particle"].nunique()
        return (
            "parameter uncertainty and run noise: each replicate ran on its own draw from the "
            f"calibrated posterior ({n} distinct particles), every design on the same draw and "
            "seed (sim compare --uncertainty posterior)"
        )
    return (
        "run noise over replicates only, at the scenario's parameter values, not the "
        "parameters' uncertainty (sim compare --uncertainty posterior adds it)"
    )


def _against(tables: Mapping[str, pd.DataFrame | None]) -> str:
    """The design the differences and money are counted against (baseline unless said)."""
    for name in ("money", "differences"):
        table = tables.get(name)
        if table is not None and "against" in table and len(table):
            return str(table["against"].iloc[0])
    return "baseline"


def _differences(
    diff: pd.DataFrame | None,
    against: str,
    order: list[str],
    currency: str,
    titles: Mapping[str, str],
) -> str:
    if diff is None or diff.empty:
        return ""
    wide = analysis.differences_table(diff, order=order, currency=currency, titles=dict(titles))
    return (
        f"<h2>Difference from {esc(against)}</h2>\n<p class=note>Each design minus "
        f"{esc(against)} on the same seeds: mean [95% interval; for shares and rates on "
        "the logit scale of their possible range, -1 to 1]; turnover in percentage points "
        "(pp).</p>\n" + table_html(wide)
    )


def _money(money: pd.DataFrame | None, scenario: Scenario, order: list[str]) -> str:
    if money is None or money.empty:
        return ""
    currency = scenario.costs.currency
    horizon = analysis.Horizon.of(scenario)
    against = str(money["against"].iloc[0])
    n = int(money["n"].min())
    titles = analysis.design_titles(scenario)
    wide = analysis.money_display(money, currency, horizon, order, titles)
    lines = "".join(
        f"<li>{esc(line)}</li>" for line in analysis.break_even_lines(money, currency, titles)
    )
    note = analysis.horizon_note(money)
    return (
        "<h2>Costs and benefits</h2>\n"
        f"<p class=note>Over {esc(horizon)}, in {esc(currency)}: each design minus "
        f"{esc(titles.get(against, against))} on the same seeds, over {n} paired runs. Amounts: "
        "the median [80% predictive interval: what one organisation may see; it does not "
        "narrow with more runs]; then the mean [95% interval of the mean: how precisely the "
        "average is known]. Turnover cost = exits x replacement factor x salary; program cost "
        "= mentoring hours x salaries + administration per pair. Return on investment = net "
        "benefit / program cost, from the same runs and resamples as net benefit, so their "
        "signs agree. The chance that the net benefit is positive is the share of paired runs "
        "(simulated futures) in which it is. Payback is the first week after launch from which "
        "the mean cumulative net benefit stays positive, given only when the chance is at "
        "least one half; in brackets, the same week for the bounds of its 95% band.</p>\n"
        + table_html(wide)
        + (f"\n<p class=note>{esc(note)}.</p>" if note else "")
        + f"\n<h3>Break-even</h3>\n<ul>{lines}</ul>"
    )


def _targets(targets: pd.DataFrame | None) -> str:
    if targets is None or targets.empty:
        return ""
    rows = [
        "<tr><th>outcome</th><th>design</th><th>target</th><th>simulated</th>"
        "<th>verdict</th><th>note</th></tr>"
    ]
    for t in targets.itertuples():
        verdict = "within tolerance" if t.within_tolerance else "off target"
        css = "ok" if t.within_tolerance else "off"
        interval = analysis.format_outcome(t.outcome, t.simulated, t.ci_low, t.ci_high)
        target = analysis.format_outcome(t.outcome, t.target, float("nan"), float("nan"))
        rows.append(
            f"<tr><td>{esc(t.outcome)}</td><td>{esc(t.design)}</td>"
            f"<td class=num>{esc(target)}</td><td class=num>{esc(interval)}</td>"
            f"<td class={css}>{esc(verdict)}</td><td class=note>{esc(t.note)}</td></tr>"
        )
    return (
        "<h2>Case targets</h2>\n<p class=note>What the case reports beside the simulated mean "
        "and its 95% interval. Targets are shown as they stand, not tuned into the model.</p>\n"
        "<table>\n" + "\n".join(rows) + "\n</table>"
    )


def _explain(summary: pd.DataFrame | None) -> str:
    """The pathway split of `sim compare --explain`, from its summary table."""
    if summary is None or summary.empty:
        return ""
    parts = [
        "<h2>Which pathway carries the effect</h2>",
        f"<p class=note>{esc(explain_plot.NOTE)}</p>",
    ]
    notes = explain_plot.explain_notes(summary)
    for design, table in explain_plot.explain_tables(summary).items():
        parts.append(f"<h3>{esc(design)}</h3>\n" + table_html(table))
        parts += [f"<p class=note>{esc(line)}</p>" for line in notes.get(design, [])]
    parts.append(
        f'<figure><img alt="Pathway shares of each design\'s effect" '
        f'src="{figure_data_uri(explain_plot.explain_figure(summary))}">'
        "<figcaption>Waterfall: each pathway's share starts where the previous one ended; the "
        "dashed line and the last bar are the total effect; whiskers are 95% intervals over "
        "replicates.</figcaption></figure>"
    )
    return "\n".join(parts)


@dataclass(frozen=True)
class ReportFigure:
    """One of the report's figures, with the file stem it is saved under."""

    stem: str
    figure: Figure
    alt: str
    caption: str


def report_figures(
    scenario: Scenario,
    series: pd.DataFrame | None,
    summary: pd.DataFrame,
    against: str | None = None,
    money: pd.DataFrame | None = None,
) -> list[ReportFigure]:
    """The report's key figures, drawn from the tables (never by re-running a model).

    Args:
        scenario: the scenario the results came from.
        series: the weekly series (None: no weekly figures).
        summary: a row per run.
        against: the design differences are taken from (default: the baseline); with a
            series, also a figure of the cumulative net benefit against it.
        money: `sim.analysis.money_table`, for the payback weeks marked on that figure.
    """
    out = []
    if series is not None and not series.empty:
        launch = scenario.launch_date if scenario.launch_week > 0 else None
        out.append(
            ReportFigure(
                "series",
                plots.series_figure(
                    series, launch_date=launch, titles=analysis.design_titles(scenario)
                ),
                "Weekly outcomes by design",
                "Weekly junior turnover (trailing 52 weeks), engagement of Millennials and Gen Z, "
                "leadership digital fluency and active mentoring pairs: each design's mean over "
                "replicates with its 95% band.",
            )
        )
    outcomes = {k: v for k, v in plots.COMPARISON_OUTCOMES.items() if k in summary}
    if "program_cost" in outcomes:
        outcomes["program_cost"] = f"Program cost ({scenario.costs.currency})"
    reference = against or "baseline"
    if outcomes:
        out.append(
            ReportFigure(
                "designs",
                plots.comparison_figure(
                    summary, outcomes, reference, analysis.design_titles(scenario)
                ),
                "Designs compared",
                "Each design's mean and 95% interval; on the right, its difference from "
                f"{reference} on the same seeds.",
            )
        )
    designs = set(summary["design"])
    if against is not None and series is not None and against in designs and len(designs) > 1:
        weekly = analysis.net_benefit_by_week(series, scenario.launch_week, against)
        payback = {}
        if money is not None and not money.empty:
            at = money[money["measure"] == "payback_week"]
            payback = dict(zip(at["design"], at["value"], strict=True))
        currency = scenario.costs.currency
        titles = analysis.design_titles(scenario)
        out.append(
            ReportFigure(
                "net_benefit",
                plots.net_benefit_figure(weekly, currency, against, payback, titles),
                "Cumulative net benefit by week",
                f"Turnover cost avoided minus program cost against {against}, over "
                f"{analysis.Horizon.of(scenario)}, in {currency}: each design's mean over "
                "paired runs with the 95% band of the mean; a dot marks the payback week, shown "
                "only where net benefit is positive in at least half of the runs.",
            )
        )
    return out


def save_figures(folder: str | Path, figures: list[ReportFigure], fmt: str) -> list[Path]:
    """Save each figure as figures/STEM.FMT (png, svg or pdf) inside a results folder."""
    target = Path(folder) / "figures"
    target.mkdir(exist_ok=True)
    paths = []
    for f in figures:
        path = target / f"{f.stem}.{fmt}"
        f.figure.savefig(path, format=fmt, dpi=150)
        paths.append(path)
    return paths


def _figures(figures: list[ReportFigure]) -> str:
    parts = ["<h2>Figures</h2>"]
    for f in figures:
        parts.append(
            f'<figure><img alt="{esc(f.alt)}" src="{figure_data_uri(f.figure)}">'
            f"<figcaption>{esc(f.caption)}</figcaption></figure>"
        )
    return "\n".join(parts)


def _parameters(scenario: Scenario) -> str:
    changed = changed_parameters(scenario)
    if changed.empty:
        return "<h2>Parameters</h2>\n<p>Every parameter is at its default.</p>"
    return (
        "<h2>Parameters that differ from the defaults</h2>\n<p class=note>Everything else is at "
        "the default of <code>sim scenario --template</code>.</p>\n"
        + table_html(changed, index=False)
    )


def _provenance(scenario: Scenario, summary: pd.DataFrame, meta: Mapping[str, Any]) -> str:
    org = (
        f"imported org chart ({Path(scenario.org.chart).name})"
        if scenario.org.chart
        else f"{scenario.org.size} people (generated)"
    )
    if scenario.org.ties_file:
        org += f", imported informal network ({Path(scenario.org.ties_file).name})"
    seeds = summary["seed"].drop_duplicates().tolist() if "seed" in summary else []
    shown = ", ".join(str(s) for s in seeds[:10]) + (" ..." if len(seeds) > 10 else "")
    first = lambda col: summary[col].iloc[0] if col in summary and len(summary) else ""  # noqa: E731
    items = {
        "organisation": org,
        "time": f"start {scenario.start_date}, launch week {scenario.launch_week}, "
        f"{scenario.weeks} weeks",
        "designs": ", ".join(scenario.design_names),
        "replicate seeds": f"{len(seeds)}: {shown} (base seed {scenario.seed})",
        "scenario hash": meta.get("scenario_hash") or first("scenario_hash"),
        "sim version": meta.get("sim_version") or first("sim_version"),
        "git commit": meta.get("git_commit") or first("git_commit") or "none",
        "command": meta.get("command", ""),
        "uncertainty shown": uncertainty_shown(summary),
        "created": meta.get("created", dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
    }
    rows = "\n".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items.items())
    return f'<h2>Provenance</h2>\n<dl class="prov">\n{rows}\n</dl>'


def report_html(
    scenario: Scenario,
    tables: Mapping[str, pd.DataFrame | None],
    meta: Mapping[str, Any] | None = None,
    figures: list[ReportFigure] | None = None,
) -> str:
    """The whole report as one HTML string.

    Args:
        scenario: the scenario the results came from.
        tables: the results tables by name: "summary" (required), "series", and, when
            present, "differences", "money" (`sim.analysis.money_table`), "ranking"
            (`sim.analysis.ranking_table`: with the money, the decision box on top), "targets",
            "explain_summary" (`sim compare --explain`: the pathway split, never re-run here).
        meta: the manifest (command, time, versions, scenario hash), if any.
        figures: the figures to embed; default: `report_figures` of the tables.
    """
    summary = tables.get("summary")
    if summary is None or summary.empty:
        raise ValueError("a report needs the summary table")
    meta = meta or {}
    money = tables.get("money")
    against = _against(tables)
    order = list(dict.fromkeys(summary["design"]))
    titles = analysis.design_titles(scenario)
    if figures is None:
        compared = tables.get("differences") is not None or money is not None
        figures = report_figures(
            scenario, tables.get("series"), summary, against if compared else None, money
        )
    targets = tables.get("targets")
    if targets is None and scenario.targets:
        targets = analysis.target_table(summary, scenario.targets)
    body = [
        f"<h1>{esc(scenario.name)}</h1>",
        f"<p class=lead>{esc(scenario.description)}</p>" if scenario.description else "",
        f"<p><strong>Source:</strong> {esc(scenario.provenance)}</p>"
        if scenario.provenance
        else "",
        _decision(money, tables.get("ranking"), scenario),
        _headline(summary, scenario.costs.currency, titles),
        _differences(tables.get("differences"), against, order, scenario.costs.currency, titles),
        _money(money, scenario, order),
        _targets(targets),
        _explain(tables.get("explain_summary")),
        _figures(figures),
        _parameters(scenario),
        _provenance(scenario, summary, meta),
        "<p class=note>Written by the reverse-mentoring simulation (orgculture-sim). Single-case "
        "targets are patterns to compare with, not laws; intervals are over replicates.</p>",
    ]
    title = f"{scenario.name}: reverse-mentoring simulation report"
    return (
        "<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
        '<meta name=viewport content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(part for part in body if part)
        + "\n</body>\n</html>\n"
    )


def write_report(
    folder: str | Path,
    scenario: Scenario,
    tables: Mapping[str, pd.DataFrame | None],
    meta: Mapping[str, Any] | None = None,
    figures: list[ReportFigure] | None = None,
) -> Path:
    """Write report.html into a results folder (call it inside the temporary folder)."""
    path = Path(folder) / REPORT_NAME
    path.write_text(report_html(scenario, tables, meta, figures), encoding="utf-8")
    return path
