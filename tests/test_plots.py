"""Static figures from stored results: what they draw, the files they write, bad input."""

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from helpers import small_scenario
from sim import analysis
from sim.errors import InputError
from sim.runs.replicates import run_scenario
from sim.viz import plots


@pytest.fixture(scope="module")
def results():
    """Stored-shape results read back from CSV, as plots meet them (dates as text)."""
    res = run_scenario(small_scenario(size=80, years=0.5), seeds=[1, 2, 3])
    series = pd.read_csv(pd.io.common.StringIO(res.series.to_csv(index=False)))
    return series, res.summary


def test_bands_are_the_mean_interval_of_each_week(results):
    series, _ = results
    bands = plots.series_bands(series, "leadership_fluency")
    row = bands[(bands["design"] == "program") & (bands["week"] == 20)].iloc[0]
    values = series.loc[
        (series["design"] == "program") & (series["week"] == 20), "leadership_fluency"
    ]
    assert (row["mean"], row["ci_low"], row["ci_high"]) == pytest.approx(
        analysis.mean_interval(values)
    )
    assert row["n"] == 3 and isinstance(row["date"], pd.Timestamp)


def test_series_figure_has_four_dated_panels_with_a_band_per_design(results):
    series, _ = results
    fig = plots.series_figure(series)
    axes = [ax for ax in fig.axes if ax.get_title(loc="left")]
    titles = [ax.get_title(loc="left") for ax in axes]
    assert titles == [t for t, _, _ in plots.SERIES_PANELS.values()]
    for ax in axes:
        assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)
        assert ax.get_ylabel()
    fluency = axes[2]
    assert len(fluency.collections) >= 2  # one 95% band per design
    assert {line.get_label() for line in fluency.lines} >= {"baseline", "program"}


def test_comparison_points_are_the_design_means_and_paired_differences(results):
    _, summary = results
    fig = plots.comparison_figure(summary, {"leadership_fluency_end": "fluency"})
    left, right = fig.axes[:2]
    means = analysis.summarise_designs(summary, ["leadership_fluency_end"]).set_index("design")
    drawn = sorted(line.get_xdata()[0] for line in left.lines if len(line.get_xdata()) == 1)
    assert drawn == pytest.approx(sorted(means["mean"]))
    diff = analysis.paired_differences(summary, ["leadership_fluency_end"])
    points = [line.get_xdata()[0] for line in right.lines if line.get_marker() == "o"]
    assert points == pytest.approx(list(diff["difference"]))


def test_heatmap_cells_are_means_over_replicates():
    table = pd.DataFrame(
        [
            {"cadence": c, "coverage": v, "replicate": r, "turnover": c + 10 * v + r}
            for c in (1, 2, 4)
            for v in (0.5, 1.0)
            for r in (0, 1)
        ]
    )
    fig = plots.heatmap_figure(table, "cadence", "coverage", "turnover", label="turnover")
    image = fig.axes[0].images[0].get_array()
    # Rows top to bottom: coverage 1.0 then 0.5; columns: cadence 1, 2, 4; replicates average.
    assert np.allclose(image, [[11.5, 12.5, 14.5], [6.5, 7.5, 9.5]])
    assert fig.axes[1].get_ylabel() == "turnover"  # the colour bar


def test_sensitivity_bars_are_sorted_with_their_intervals():
    sobol = pd.DataFrame(
        {
            "parameter": ["a", "b", "c"],
            "S1": [0.1, 0.5, 0.2],
            "S1_conf": [0.01] * 3,
            "ST": [0.2, 0.7, 0.3],
            "ST_conf": [0.02] * 3,
        }
    )
    ax = plots.sensitivity_figure(sobol).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "c", "b"]
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths == pytest.approx(sorted([0.1, 0.5, 0.2, 0.2, 0.7, 0.3]))
    morris = pd.DataFrame(
        {
            "parameter": ["a", "b"],
            "mu_star": [0.3, 0.1],
            "mu_star_conf": [0.05, 0.02],
            "sigma": [0.1, 0.2],
        }
    )
    ax = plots.sensitivity_figure(morris).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["b", "a"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: plots.heatmap_figure(pd.DataFrame({"a": [1]}), "a", "b", "y"), "missing column b"),
        (
            lambda: plots.sensitivity_figure(pd.DataFrame({"parameter": ["a"], "S1": [0.1]})),
            "expected columns S1",
        ),
        (lambda: plots.series_bands(pd.DataFrame({"design": []}), "x"), "missing column week"),
    ],
)
def test_bad_tables_are_one_line_errors(call, message):
    with pytest.raises(InputError, match=message):
        call()


def test_save_figure_writes_png_and_svg(results, tmp_path):
    series, summary = results
    for name, fig in (
        ("series", plots.series_figure(series)),
        ("compare", plots.comparison_figure(summary)),
    ):
        paths = plots.save_figure(fig, tmp_path / "figs" / name)
        assert [p.suffix for p in paths] == [".png", ".svg"]
        with Image.open(paths[0]) as png:
            assert png.format == "PNG" and png.size[0] > 800
        assert "<svg" in paths[1].read_text()[:2000]


def test_colours_are_okabe_ito_with_a_grey_baseline_and_no_pyplot_state(results):
    colours = plots.design_colours(["baseline", "a", "b"])
    assert colours["baseline"] == plots.BASELINE_COLOUR
    assert {colours["a"], colours["b"]} <= set(plots.OKABE_ITO.values())
    plt.close("all")
    plots.series_figure(results[0])
    assert plt.get_fignums() == []
