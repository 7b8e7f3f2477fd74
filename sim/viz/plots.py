"""Static figures from stored results: series with bands, design comparisons, sweeps, sensitivity.

Every function here reads tidy tables (the weekly series, a row per run and week; the
summary, a row per run; or a sweep or sensitivity table) and returns a
`matplotlib.figure.Figure` made with the object API, never pyplot state, so figures work
on a headless server and inside other programs. No model is run. Colours are the Okabe-Ito
palette (distinguishable with the common colour-vision deficiencies); time axes show dates.

Example:
    >>> from sim import default_scenario, run_scenario
    >>> from sim.viz.plots import save_figure, series_figure
    >>> results = run_scenario(default_scenario().with_changes(years=0.5), seeds=[1, 2])
    >>> paths = save_figure(series_figure(results.series), "/tmp/series")
    >>> [p.suffix for p in paths]
    ['.png', '.svg']
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation
from matplotlib.ticker import Formatter, FuncFormatter, MaxNLocator
from matplotlib.transforms import Bbox
from scipy import stats

from sim import analysis
from sim.errors import InputError, Problem

# Okabe & Ito (2008): black, orange, sky blue, bluish green, yellow, blue, vermillion,
# reddish purple. Yellow is last in design order: it is hard to see on white.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
DESIGN_COLOURS = tuple(
    OKABE_ITO[c]
    for c in ("blue", "vermillion", "bluish_green", "orange", "reddish_purple", "sky_blue")
)
BASELINE_COLOUR = "#555555"

# Weekly series panels: column -> (title, y-axis label, kind of number).
SERIES_PANELS = {
    "turnover_junior": ("Junior turnover", "exits per year / headcount", "percent"),
    "engagement_generation": ("Engagement by generation", "mean engagement (0-1)", "unit"),
    "leadership_fluency": ("Leadership digital fluency", "mean digital knowledge (0-1)", "unit"),
    "pairs_active": ("Active mentoring pairs", "pairs", "count"),
}
GENERATION_STYLES = {"engagement_millennial": "Millennials", "engagement_gen_z": "Gen Z"}
GENERATION_LINES = ("-", "--")

# Summary outcomes in comparisons: column -> label with unit.
COMPARISON_OUTCOMES = {
    "turnover_junior_y1": "Junior turnover, year 1 (per year)",
    "engagement_junior_end": "Junior engagement at the end (0-1)",
    "leadership_fluency_end": "Leadership fluency at the end (0-1)",
    "program_cost": "Program cost",
}

STYLE = {
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "legend.fontsize": 9,
}


def styled[**P, R](func: Callable[P, R]) -> Callable[P, R]:
    """Run a figure function with the project's style (rcParams are read as artists are made)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with mpl.rc_context(STYLE):
            return func(*args, **kwargs)

    return wrapper


def new_figure(width: float = 10.0, height: float = 6.0) -> Figure:
    """A figure laid out with constrained layout (object API; no pyplot state)."""
    return Figure(figsize=(width, height), layout="constrained")


def _style_axes(ax: Axes) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def save_figure(
    fig: Figure,
    path_without_ext: str | Path,
    formats: Sequence[str] = ("png", "svg"),
    dpi: int = 150,
) -> list[Path]:
    """Save a figure once per format beside each other; returns the paths written.

    Args:
        fig: the figure.
        path_without_ext: the file path without a suffix, e.g. ``results/x/series``.
        formats: file formats understood by matplotlib ("png", "svg", "pdf").
        dpi: resolution of raster formats.
    """
    base = Path(path_without_ext)
    base.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        path = base.with_name(f"{base.name}.{fmt}")
        fig.savefig(path, format=fmt, dpi=dpi)
        paths.append(path)
    return paths


def design_colours(designs: Sequence[str]) -> dict[str, str]:
    """A colour per design: grey for the baseline, Okabe-Ito colours for the others in order."""
    out, i = {}, 0
    for name in designs:
        if name == "baseline":
            out[name] = BASELINE_COLOUR
        else:
            out[name] = DESIGN_COLOURS[i % len(DESIGN_COLOURS)]
            i += 1
    return out


def _require(table: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(
            [
                Problem(what, f"missing column {c}; columns: {', '.join(map(str, table.columns))}")
                for c in missing
            ]
        )


# --- weekly series --------------------------------------------------------------------------
def series_bands(series: pd.DataFrame, column: str, level: float = 0.95) -> pd.DataFrame:
    """Mean and t interval over replicates of one weekly column, per design and week.

    The same interval as `sim.analysis.mean_interval`, computed for every week at once.

    Returns:
        A table with columns design, week, date, mean, ci_low, ci_high, n.
    """
    _require(series, ["design", "week", "date", column], "series")
    grouped = series.groupby(["design", "week"], sort=False)[column]
    out = grouped.agg(["mean", "std", "count"]).reset_index()
    dates = series.groupby(["design", "week"], sort=False)["date"].first().to_numpy()
    out.insert(2, "date", pd.to_datetime(dates))
    n = out["count"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = stats.t.ppf(0.5 + level / 2, np.where(n > 1, n - 1, np.nan))
        half = t * out["std"].to_numpy() / np.sqrt(n)
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    return out.rename(columns={"count": "n"}).drop(columns="std")


def _date_axis(ax: Axes) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _launch_line(ax: Axes, launch_date: object | None) -> None:
    if launch_date is None:
        return
    x = pd.Timestamp(launch_date)
    ax.axvline(x, color="#777777", linestyle=":", linewidth=1.2, zorder=1)
    ax.annotate(
        "launch",
        (x, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(3, -3),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=8,
        color="#555555",
    )


def _unit_axis(ax: Axes, kind: str) -> None:
    if kind == "percent":
        ax.yaxis.set_major_formatter(DistinctFormatter(_percent))
        ax.set_ylim(bottom=0)
    elif kind == "count":
        ax.yaxis.set_major_formatter(FuncFormatter(compact_number))
        ax.set_ylim(bottom=0)


def plot_band(
    ax: Axes,
    series: pd.DataFrame,
    column: str,
    colours: Mapping[str, str] | None = None,
    linestyle: str = "-",
    label_suffix: str = "",
    mask: str | None = None,
) -> None:
    """Draw one weekly column per design on `ax`: the mean line and its 95% band over replicates.

    Args:
        ax: the axes to draw on.
        series: the tidy weekly series (design, replicate, week, date, ...).
        column: the column to draw.
        colours: design -> colour (default: `design_colours`).
        linestyle: line style of the means.
        label_suffix: appended to each design's legend label.
        mask: a boolean column; weeks where it is true are drawn faint (e.g. annualised).
    """
    bands = series_bands(series, column)
    designs = list(dict.fromkeys(bands["design"]))
    colours = colours or design_colours(designs)
    faint = None
    if mask is not None and mask in series:
        flags = series.groupby(["design", "week"], sort=False)[mask].first()
        faint = flags.astype(bool).to_numpy()
    for design in designs:
        here = (bands["design"] == design).to_numpy()
        b = bands[here]
        colour = colours.get(design, "#000000")
        x = b["date"].to_numpy()
        y = b["mean"].to_numpy()
        strong = np.ones(len(b), dtype=bool) if faint is None else ~faint[here]
        # Faint part first, overlapping the strong part by one point so the line is continuous.
        if not strong.all():
            last_faint = int(np.flatnonzero(~strong).max())
            ax.plot(
                x[: last_faint + 2],
                y[: last_faint + 2],
                color=colour,
                alpha=0.35,
                linestyle=linestyle,
                linewidth=1.6,
            )
        ax.plot(
            x,
            np.where(strong, y, np.nan),
            color=colour,
            linestyle=linestyle,
            linewidth=2.0,
            label=f"{design}{label_suffix}",
        )
        lo, hi = b["ci_low"].to_numpy(), b["ci_high"].to_numpy()
        ax.fill_between(x, lo, hi, where=strong, color=colour, alpha=0.18, linewidth=0)
        if not strong.all():
            joined = ~strong | np.r_[False, ~strong[:-1]]  # no gap where the two parts meet
            ax.fill_between(x, lo, hi, where=joined, color=colour, alpha=0.07, linewidth=0)
    _date_axis(ax)


@styled
def series_figure(
    series: pd.DataFrame,
    launch_date: object | None = None,
    title: str | None = None,
    titles: Mapping[str, str] | None = None,
) -> Figure:
    """Four panels over time: junior turnover, engagement by generation, fluency, active pairs.

    Each line is a design's mean over replicates with its 95% band.

    Args:
        series: the tidy weekly series of one or more designs.
        launch_date: the program's launch date, marked on every panel (default: the first
            date with ``weeks_since_launch == 0`` if the column is there).
        title: the figure's title.
        titles: design -> the name the legend shows ('Label (name)'; default: the name).
    """
    _require(series, ["design", "replicate", "week", "date"], "series")
    if launch_date is None and "weeks_since_launch" in series:
        at = series.loc[series["weeks_since_launch"] == 0, "date"]
        launch_date = at.iloc[0] if len(at) and series["weeks_since_launch"].min() < 0 else None
    designs = list(dict.fromkeys(series["design"]))
    colours = design_colours(designs)
    fig = new_figure(11, 7)
    axes = fig.subplots(2, 2, sharex=True).ravel()
    for ax, (key, (panel_title, ylabel, kind)) in zip(axes, SERIES_PANELS.items(), strict=True):
        if key == "engagement_generation":
            for (col, gen), style in zip(GENERATION_STYLES.items(), GENERATION_LINES, strict=True):
                if col in series:
                    plot_band(ax, series, col, colours, style, f", {gen}")
        elif key in series:
            mask = "turnover_annualised" if key.startswith("turnover") else None
            plot_band(ax, series, key, colours, mask=mask)
        ax.set_title(panel_title, loc="left")
        ax.set_ylabel(ylabel)
        _unit_axis(ax, kind)
        _style_axes(ax)
        _launch_line(ax, launch_date)
    axes[0].text(
        0.99,
        0.02,
        "faint: annualised from under 52 weeks",
        transform=axes[0].transAxes,
        ha="right",
        va="bottom",
        fontsize=8,
        color="#555555",
    )
    # One legend, below the panels, so that it covers no line and no title: the designs'
    # colours, then the generations' line styles (the engagement panel draws both).
    handles, labels = axes[0].get_legend_handles_labels()
    if not handles:  # no turnover column: take the designs from any panel
        handles, labels = axes[2].get_legend_handles_labels()
    labels = [(titles or {}).get(label, label) for label in labels]
    for (col, gen), style in zip(GENERATION_STYLES.items(), GENERATION_LINES, strict=True):
        if col in series:
            handles.append(Line2D([], [], color="#999999", linestyle=style, linewidth=1.6))
            labels.append(f"{gen} (engagement)")
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(handles), 6))
    fig.suptitle(
        title or "Weekly outcomes: mean and 95% interval over replicates",
        x=0.01,
        ha="left",
        fontweight="bold",
    )
    return fig


# --- design comparisons ---------------------------------------------------------------------
def _interval_rows(ax: Axes, names: list[str], mean, lo, hi, colours: list[str]) -> None:
    y = np.arange(len(names))[::-1]
    for yi, m, a, b, c in zip(y, mean, lo, hi, colours, strict=True):
        if np.isfinite(a) and np.isfinite(b):
            ax.plot([a, b], [yi, yi], color=c, linewidth=2.5, solid_capstyle="butt")
        ax.plot([m], [yi], "o", color=c, markersize=7)
    ax.set_yticks(y, names)
    ax.set_ylim(-0.6, len(names) - 0.4)
    ax.margins(x=0.15)


def compact_number(value: float, _pos: object = None) -> str:
    """1234567 -> '1.2M', 125000 -> '125k', 12.5 -> '12.5' (for axis ticks)."""
    a = abs(value)
    if a >= 1e6:
        return f"{value / 1e6:.3g}M"
    if a >= 1e3:
        return f"{value / 1e3:.3g}k"
    return f"{value:.3g}"


class DistinctFormatter(Formatter):
    """Tick labels with the fewest decimals that show every tick exactly and keep them apart.

    A percent axis in steps of 2.5% reads 0.0%, 2.5%, 5.0%, 7.5%, not 0%, 2%, 5%, 8% (fewer
    decimals would round a tick to a value it is not); one from 20% to 22% in steps of 0.5%
    reads 20.0%, 20.5%, ... 22.0%, not 20%, 20%, 21%, 22%, 22%.

    Args:
        fmt: a value and a number of decimals -> the label, e.g. ``"{:.{d}f}%"`` on 100 x v.
        scale: what `fmt` multiplies the value by before showing it (100 for percent).
    """

    MAX_DECIMALS = 6

    def __init__(self, fmt: Callable[[float, int], str], scale: float = 100.0) -> None:
        self.fmt = fmt
        self.scale = scale
        self.decimals = 0

    def _exact(self, values: Sequence[float], decimals: int) -> bool:
        """Every value shown with `decimals` decimals is the value itself (to float noise)."""
        shown = np.asarray(values, dtype=float) * self.scale
        return bool(np.allclose(np.round(shown, decimals), shown, rtol=1e-9, atol=1e-9))

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        """Every tick's label, with the decimals chosen for all of them at once."""
        for decimals in range(self.MAX_DECIMALS + 1):
            self.decimals = decimals
            labels = [self(v) for v in values]
            if len(set(labels)) == len(labels) and self._exact(values, decimals):
                break
        return labels

    def __call__(self, x: float, pos: int | None = None) -> str:
        """One label, with the decimals chosen for the current ticks."""
        return self.fmt(x, self.decimals)


def _percent(v: float, d: int) -> str:
    return f"{round(100 * v, d) + 0.0:.{d}f}%"  # + 0.0: no "-0%"


def _points(v: float, d: int) -> str:
    v = round(100 * v, d) + 0.0
    return f"{v:+.{d}f} pp" if v else f"{v:.{d}f} pp"


def _number_axis(ax: Axes, outcome: str, difference: bool = False) -> None:
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    if analysis.is_percent_outcome(outcome):
        ax.xaxis.set_major_formatter(DistinctFormatter(_points if difference else _percent))
    else:
        ax.xaxis.set_major_formatter(FuncFormatter(compact_number))


@styled
def comparison_figure(
    summary: pd.DataFrame,
    outcomes: Mapping[str, str] | None = None,
    baseline: str = "baseline",
    titles: Mapping[str, str] | None = None,
) -> Figure:
    """Per outcome: each design's mean with its 95% interval, and its paired difference.

    The left column shows each design's mean over replicates with a 95% interval
    (`sim.analysis.summarise_designs`); the right column shows each design minus the
    baseline on the same seeds (`sim.analysis.paired_differences`), when there is one.

    Args:
        summary: the tidy summary (a row per run).
        outcomes: summary column -> label with unit (default: `COMPARISON_OUTCOMES` present).
        baseline: the design the differences are taken from.
        titles: design -> the name shown ('Label (name)'; default: the names).
    """
    _require(summary, ["design", "seed"], "summary")
    outcomes = dict(outcomes or {k: v for k, v in COMPARISON_OUTCOMES.items() if k in summary})
    if not outcomes:
        raise InputError([Problem("summary", "none of the outcomes to compare is a column")])
    _require(summary, list(outcomes), "summary")
    designs = list(dict.fromkeys(summary["design"]))
    colours = design_colours(designs)
    has_base = baseline in designs and len(designs) > 1
    tidy = analysis.summarise_designs(summary, list(outcomes))
    diff = analysis.paired_differences(summary, list(outcomes), baseline) if has_base else None
    ncols = 2 if has_base else 1
    fig = new_figure(11 if has_base else 6.5, 1.0 + 0.55 * len(designs) * len(outcomes) + 0.6)
    axes = np.atleast_2d(fig.subplots(len(outcomes), ncols, squeeze=False))
    for row, (outcome, label) in enumerate(outcomes.items()):
        t = tidy[tidy["outcome"] == outcome].set_index("design").reindex(designs)
        ax = axes[row, 0]
        names = [(titles or {}).get(d, d) for d in designs]
        _interval_rows(
            ax, names, t["mean"], t["ci_low"], t["ci_high"], [colours[d] for d in designs]
        )
        ax.set_title(label, loc="left", fontsize=11)
        _number_axis(ax, outcome)
        _style_axes(ax)
        if diff is not None:
            others = [d for d in designs if d != baseline]
            d = diff[diff["outcome"] == outcome].set_index("design").reindex(others)
            ax = axes[row, 1]
            ax.axvline(0, color="#777777", linewidth=1)
            _interval_rows(
                ax,
                [(titles or {}).get(o, o) for o in others],
                d["difference"],
                d["ci_low"],
                d["ci_high"],
                [colours[o] for o in others],
            )
            ax.set_title(
                f"difference from {(titles or {}).get(baseline, baseline)}, same seeds",
                loc="left",
                fontsize=10,
                fontweight="normal",
            )
            _number_axis(ax, outcome, difference=True)
            _style_axes(ax)
    n = int(summary.groupby("design").size().min())
    fig.suptitle(
        f"Designs compared: mean and 95% interval over {analysis.replicates_text(n)}",
        x=0.01,
        ha="left",
        fontweight="bold",
    )
    return fig


@styled
def net_benefit_figure(
    weekly: pd.DataFrame,
    currency: str = "",
    against: str = "baseline",
    payback: Mapping[str, float] | None = None,
    titles: Mapping[str, str] | None = None,
) -> Figure:
    """Each design's cumulative net benefit from the launch, with its 95% band and payback.

    Payback labels never overlap: one that would is moved down below the other.

    Args:
        weekly: `sim.analysis.net_benefit_by_week` (design, weeks_since_launch, date, mean,
            ci_low, ci_high).
        currency: the currency of the amounts, for the axis label.
        against: the design the net benefit is counted against.
        payback: design -> payback week after launch (NaN: none), marked on each line.
        titles: design -> the name shown ('Label (name)'; default: the name).
    """
    titles = dict(titles or {})
    _require(
        weekly, ["design", "weeks_since_launch", "date", "mean", "ci_low", "ci_high"], "weekly"
    )
    designs = list(dict.fromkeys(weekly["design"]))
    colours = design_colours([against, *designs])
    fig = new_figure(10, 4.2)
    ax = fig.subplots()
    labels = []
    ax.axhline(0, color="#777777", linewidth=1)
    for design in designs:
        w = weekly[weekly["design"] == design]
        x = pd.to_datetime(w["date"]).to_numpy()
        colour = colours[design]
        ax.plot(x, w["mean"], color=colour, linewidth=2.0, label=titles.get(design, design))
        ax.fill_between(x, w["ci_low"], w["ci_high"], color=colour, alpha=0.18, linewidth=0)
        week = (payback or {}).get(design, np.nan)
        if np.isfinite(week):
            at = w[w["weeks_since_launch"] == week]
            if len(at):
                ax.plot(pd.to_datetime(at["date"]), at["mean"], "o", color=colour, markersize=7)
                label = ax.annotate(
                    f"payback: week {week:.0f}",
                    (pd.Timestamp(at["date"].iloc[0]), float(at["mean"].iloc[0])),
                    xytext=(6, -14),
                    textcoords="offset points",
                    fontsize=9,
                    color=colour,
                )
                labels.append(label)
    ax.yaxis.set_major_formatter(FuncFormatter(compact_number))
    ax.set_ylabel(f"cumulative net benefit ({currency})" if currency else "net benefit")
    _date_axis(ax)
    _style_axes(ax)
    ax.set_title(
        f"Cumulative net benefit against {titles.get(against, against)}: turnover cost avoided "
        "minus program cost",
        loc="left",
    )
    fig.legend(loc="outside upper right", ncols=min(len(designs), 4))
    separate_labels(fig, labels)
    return fig


def figure_renderer(fig: Figure) -> RendererAgg:
    """The figure laid out (constrained layout run) and a renderer to measure it with."""
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)  # a figure made without pyplot has a canvas that cannot render
    fig.draw_without_rendering()
    return fig.canvas.get_renderer()


def separate_labels(fig: Figure, labels: Sequence[Annotation], gap: float = 2.0) -> None:
    """Move annotations down (in points) until none overlaps another placed before it.

    Bounding boxes come from the rendered figure, so the check is what a reader sees.
    """
    if len(labels) < 2:
        return
    renderer = figure_renderer(fig)
    placed: list[Bbox] = []
    to_points = 72.0 / fig.dpi
    for label in sorted(labels, key=lambda t: -t.get_window_extent(renderer).y1):
        for _ in range(len(labels) * 4):
            box = label.get_window_extent(renderer)
            hit = next((b for b in placed if box.overlaps(b)), None)
            if hit is None:
                break
            dx, dy = label.xyann
            label.xyann = (dx, dy - (box.y1 - hit.y0 + gap) * to_points)
        placed.append(label.get_window_extent(renderer))


# --- sweeps and sensitivity ------------------------------------------------------------------
@styled
def heatmap_figure(
    table: pd.DataFrame,
    x: str,
    y: str,
    outcome: str,
    label: str | None = None,
    annotate: bool | None = None,
    cmap: str = "cividis",
    fmt: str = "{:.3g}",
) -> Figure:
    """A sweep as a heatmap: two parameter columns, the mean of an outcome in each cell.

    Rows of `table` with the same (x, y) values (replicates) are averaged.

    Args:
        table: a tidy sweep table with columns x, y and outcome (a row per run or per cell).
        x: the parameter on the horizontal axis.
        y: the parameter on the vertical axis.
        outcome: the outcome column.
        label: the colour bar's label (default: the outcome's name).
        annotate: write each cell's value (default: when there are at most 150 cells).
        cmap: a perceptually uniform, colour-blind-safe colour map.
        fmt: format of the cell annotations.
    """
    _require(table, [x, y, outcome], "sweep table")
    grid = table.groupby([y, x])[outcome].mean().unstack(x).sort_index(ascending=False)
    if grid.empty:
        raise InputError([Problem("sweep table", "no rows to draw")])
    fig = new_figure(7.5, 5.5)
    ax = fig.subplots()
    values = grid.to_numpy(dtype=float)
    image = ax.imshow(values, cmap=cmap, aspect="auto", interpolation="nearest")
    ax.set_xticks(
        np.arange(grid.shape[1]),
        [f"{v:g}" if isinstance(v, float) else str(v) for v in grid.columns],
    )
    ax.set_yticks(
        np.arange(grid.shape[0]), [f"{v:g}" if isinstance(v, float) else str(v) for v in grid.index]
    )
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    fig.colorbar(image, ax=ax, label=label or outcome)
    if annotate is None:
        annotate = values.size <= 150
    if annotate:
        finite = values[np.isfinite(values)]
        mid = (finite.min() + finite.max()) / 2 if finite.size else 0.0
        for (i, j), v in np.ndenumerate(values):
            if np.isfinite(v):
                ax.text(
                    j,
                    i,
                    fmt.format(v),
                    ha="center",
                    va="center",
                    fontsize=9,
                    color="black" if v > mid else "white",
                )
    ax.set_title(f"{label or outcome}: mean over replicates", loc="left")
    return fig


SOBOL = ("S1", "S1_conf", "ST", "ST_conf")
MORRIS = ("mu_star", "mu_star_conf", "sigma")


@styled
def sensitivity_figure(indices: pd.DataFrame, title: str | None = None) -> Figure:
    """Sensitivity indices as horizontal bars with their confidence intervals.

    Sobol tables (columns parameter, S1, S1_conf, ST, ST_conf) draw first-order and total
    indices side by side, sorted by the total; Morris tables (parameter, mu_star,
    mu_star_conf, sigma) draw mu* with its interval and sigma as a marker.

    Args:
        indices: a tidy table of indices, one row per parameter.
        title: the figure's title.
    """
    _require(indices, ["parameter"], "sensitivity table")
    if set(SOBOL) <= set(indices.columns):
        kind, order_by = "sobol", "ST"
    elif set(MORRIS) <= set(indices.columns):
        kind, order_by = "morris", "mu_star"
    else:
        raise InputError(
            [
                Problem(
                    "sensitivity table",
                    "expected columns S1, S1_conf, ST, "
                    "ST_conf (Sobol) or mu_star, mu_star_conf, sigma (Morris)",
                )
            ]
        )
    data = indices.sort_values(order_by, ascending=True)
    names = data["parameter"].astype(str).tolist()
    y = np.arange(len(names))
    fig = new_figure(8, 1.2 + 0.38 * len(names))
    ax = fig.subplots()
    if kind == "sobol":
        h = 0.38
        ax.barh(
            y + h / 2,
            data["ST"],
            h,
            xerr=data["ST_conf"],
            color=OKABE_ITO["blue"],
            label="total (ST)",
            error_kw={"ecolor": "#333333", "capsize": 2},
        )
        ax.barh(
            y - h / 2,
            data["S1"],
            h,
            xerr=data["S1_conf"],
            color=OKABE_ITO["orange"],
            label="first order (S1)",
            error_kw={"ecolor": "#333333", "capsize": 2},
        )
        ax.set_xlabel("Sobol index (share of output variance), 95% interval")
        ax.axvline(0, color="#777777", linewidth=0.8)
    else:
        ax.barh(
            y,
            data["mu_star"],
            0.6,
            xerr=data["mu_star_conf"],
            color=OKABE_ITO["blue"],
            label="mu* (mean absolute effect)",
            error_kw={"ecolor": "#333333", "capsize": 2},
        )
        ax.plot(
            data["sigma"],
            y,
            "D",
            color=OKABE_ITO["vermillion"],
            label="sigma (interactions, non-linearity)",
        )
        ax.set_xlabel("Morris elementary effects, 95% interval of mu*")
    ax.set_yticks(y, names)
    ax.legend(loc="lower right")
    _style_axes(ax)
    ax.grid(False, axis="y")
    ax.set_title(title or "Sensitivity of the outcome to each parameter", loc="left")
    return fig
