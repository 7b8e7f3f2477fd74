"""Report figures and tables read alike: distinct tick labels, legends that cover nothing,
turnover in percent in tables as in figures, designs in the scenario's order."""

import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from helpers import small_scenario
from sim import analysis
from sim.cli.main import main
from sim.runs.replicates import run_scenario
from sim.viz import plots


def drawn(fig):
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def visible_tick_labels(ax) -> list[str]:
    lo, hi = sorted(ax.get_xlim())
    return [t.get_text() for t in ax.get_xticklabels() if lo <= t.get_position()[0] <= hi]


def test_a_narrow_turnover_axis_repeats_no_tick_label():
    # Junior turnover between about 20% and 22%: ticks every 0.4 or 0.5 points.
    rows = [
        {"design": d, "seed": s, "turnover_junior_y1": mu + 0.004 * np.sin(s)}
        for d, mu in (("baseline", 0.216), ("program", 0.206))
        for s in range(10)
    ]
    fig = plots.comparison_figure(pd.DataFrame(rows), {"turnover_junior_y1": "turnover"})
    drawn(fig)
    means, differences = fig.axes[:2]
    for ax in (means, differences):
        labels = visible_tick_labels(ax)
        assert len(labels) >= 3 and len(set(labels)) == len(labels), labels
    assert all(label.endswith("%") for label in visible_tick_labels(means))
    assert all(label.endswith(" pp") for label in visible_tick_labels(differences))
    assert not [t for t in visible_tick_labels(differences) if re.match(r"^[+-]0(\.0+)? pp$", t)]


@pytest.fixture(scope="module")
def results():
    return run_scenario(small_scenario(size=80, years=1.0), seeds=[1, 2, 3])


def test_the_series_legend_covers_no_panel_and_no_title(results):
    fig = plots.series_figure(results.series)
    renderer = drawn(fig)
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
    assert len(legends) == 1
    box = legends[0].get_window_extent(renderer)
    for ax in fig.axes:
        assert not box.overlaps(ax.get_window_extent(renderer)), ax.get_title(loc="left")
    assert not box.overlaps(fig._suptitle.get_window_extent(renderer))
    labels = [t.get_text() for t in legends[0].get_texts()]
    assert labels == ["baseline", "program", "Millennials (engagement)", "Gen Z (engagement)"]


def test_tables_show_turnover_in_percent_like_the_figures(results):
    table = analysis.headline_table(results.summary, currency="USD")
    percent = re.compile(r"^\d+\.\d% \[-?\d+\.\d%, \d+\.\d%\]$")
    for label in ("junior turnover, year 1",):
        assert all(percent.match(cell) for cell in table.loc[label]), table.loc[label]
    assert table.loc["program cost (USD)", "baseline"] == "0 [0, 0]"
    assert table.loc["junior engagement, end", "baseline"].startswith("0.")  # a 0-1 scale
    diff = analysis.paired_differences(results.summary, list(analysis.HEADLINE))
    wide = analysis.differences_table(diff)
    assert re.match(
        r"^[+-]?\d+\.\d pp \[[+-]?\d+\.\d, [+-]?\d+\.\d\]$",
        wide.loc["junior turnover, year 1", "program"],
    )


SCENARIO = """
name = "order"
years = 0.5
replicates = 2

[org]
size = 60

[designs.zeta]
cadence_weeks = 2

[designs.alpha]
cadence_weeks = 4

[designs.mid]
cadence_weeks = 8
"""


def test_differences_list_designs_in_the_scenario_order_not_alphabetically(tmp_path, capsys):
    path = tmp_path / "order.toml"
    path.write_text(SCENARIO)
    assert main(["compare", str(path), "--quiet", "--out", str(tmp_path / "o")]) == 0
    text = capsys.readouterr().out
    differences = text.split("Difference from No program (baseline)")[1].split("\n")[1]
    assert re.findall(r"\((\w+)\)", differences) == ["zeta", "alpha", "mid"]  # Label (name)
    page = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    section = page.split("<h2>Difference from baseline</h2>")[1].split("</tr>")[0]
    assert re.findall(r"<th>([^<]*)</th>", section) == [
        "outcome",
        "Zeta (zeta)",
        "Alpha (alpha)",
        "Mid (mid)",
    ]
