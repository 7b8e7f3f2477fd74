"""Workshop animations: an organisation changing week by week, with and without a program.

The one picture that steps a model itself (plots and reports read stored results). The org
chart is laid out once (`hierarchical_layout`: levels as rows, departments as groups); each
frame only updates the existing artists: node colours (engagement or digital knowledge),
sizes (an exit empties a node until the position is refilled), the mentoring ties of the
week, the date, the headline numbers and a small live chart of junior turnover and
leadership fluency. `--compare` shows the baseline and a program side by side on the same
seed, so they share the organisation, the people and the exit draws.

Example:
    >>> from sim.viz.animation import animate
    >>> anim = animate(compare=True, years=0.1, weeks_per_frame=2)  # displays in a notebook
    >>> path = anim.save("/tmp/org.gif", progress=False)
"""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib as mpl
import numpy as np
from matplotlib import animation as mpl_animation
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.ticker import PercentFormatter
from PIL import Image
from tqdm.auto import tqdm

from sim.errors import InputError, Problem
from sim.model.model import OrgCultureModel
from sim.scenario.orgchart import load_chart
from sim.scenario.parameters import Scenario
from sim.scenario.seeds import replicate_seeds
from sim.viz.plots import OKABE_ITO, design_colours


# --- the layout, computed once ------------------------------------------------------------
@dataclass(frozen=True)
class OrgLayout:
    """Positions of every node and the geometry of bands and department groups.

    Attributes:
        xy: (n, 2) positions in layout units (one unit between neighbours in a cell grid).
        width: width of the chart in units (x runs from 0 to width).
        height: height in units (y runs from 0 down to -height).
        band_top: y of the first row of each level's band (index = level).
        band_rows: rows in each level's band.
        departments: the department codes that form groups, left to right.
        dept_left: x where each department group starts.
        dept_columns: columns of each department group.
        spacing: room around each node, in units (1 in a full grid, more in a sparse row).
        band_gap: empty rows between level bands.
    """

    xy: np.ndarray
    width: float
    height: float
    band_top: np.ndarray
    band_rows: np.ndarray
    departments: np.ndarray
    dept_left: np.ndarray
    dept_columns: np.ndarray
    spacing: np.ndarray
    band_gap: float

    def band_centre(self, level: int) -> float:
        """The y of the middle of a level's band."""
        return float(self.band_top[level] - (self.band_rows[level] - 1) / 2)


def tree_order(parent: np.ndarray, level: np.ndarray, department: np.ndarray) -> np.ndarray:
    """A rank per node within its level: by department, then the manager's rank, then id."""
    n = len(parent)
    rank = np.zeros(n, dtype=np.int64)
    for lv in range(int(level.max()) + 1 if n else 0):
        at = np.flatnonzero(level == lv)
        manager_rank = np.where(parent[at] >= 0, rank[np.maximum(parent[at], 0)], -1)
        order = np.lexsort((at, manager_rank, department[at]))
        rank[at[order]] = np.arange(len(at))
    return rank


def _geometry(counts: np.ndarray, columns: np.ndarray, band_gap: float, dept_gap: float):
    """Width, height and band rows of a layout with `columns` per department group."""
    rows = np.ceil(counts / columns[:, None]).astype(np.int64)  # (departments, levels)
    band_rows = rows.max(axis=0)
    band_rows[0] = 1
    used = band_rows > 0
    height = band_rows.sum() + band_gap * (used.sum() - 1)
    width = columns.sum() + dept_gap * (len(columns) - 1)
    return width, height, band_rows


def hierarchical_layout(
    parent: np.ndarray,
    level: np.ndarray,
    department: np.ndarray,
    aspect: float = 1.5,
    band_gap: float = 1.2,
    dept_gap: float = 1.5,
) -> OrgLayout:
    """Levels as rows, departments as column groups, teams together (see the module docstring).

    Args:
        parent: each position's manager, -1 for the root.
        level: depth from the root.
        department: department code of each position.
        aspect: width / height of the area the chart will be drawn in.
        band_gap: empty rows between level bands.
        dept_gap: empty columns between department groups.
    """
    n = len(parent)
    level = np.asarray(level, dtype=np.int64)
    top = parent < 0
    if n == 0:
        raise ValueError("an organisation needs at least one position")
    n_levels = int(level.max()) + 1
    depts, dept_index = np.unique(department[~top], return_inverse=True)
    if len(depts) == 0:  # a one-person organisation
        depts, dept_index = np.array([0]), np.empty(0, dtype=np.int64)
    group = np.full(n, -1, dtype=np.int64)
    group[~top] = dept_index
    counts = np.zeros((len(depts), n_levels), dtype=np.int64)
    np.add.at(counts, (group[~top], level[~top]), 1)

    # Choose the rows a band may take; each department then gets the fewest columns that fit
    # its largest level in that many rows; keep the choice closest to the wanted aspect ratio.
    best = None
    for rows in range(1, int(counts.max()) + 1):
        columns = np.maximum(1, np.ceil(counts / rows).max(axis=1)).astype(np.int64)
        width, height, band_rows = _geometry(counts, columns, band_gap, dept_gap)
        score = abs(np.log(width / max(height, 1.0)) - np.log(aspect))
        if best is None or score < best[0]:
            best = (score, columns, width, height, band_rows)
    _, columns, width, height, band_rows = best
    band_top = np.zeros(n_levels)
    y = 0.0
    for lv in range(n_levels):
        band_top[lv] = -y
        if band_rows[lv] > 0:
            y += band_rows[lv] + band_gap
    dept_left = np.r_[0, np.cumsum(columns + dept_gap)[:-1]].astype(float)

    # Place each (department, level) cell's members in a grid, in tree order.
    rank = tree_order(parent, level, department)
    xy = np.zeros((n, 2))
    members = np.flatnonzero(~top)
    cell = group[members] * n_levels + level[members]
    order = members[np.lexsort((rank[members], cell))]
    cell = group[order] * n_levels + level[order]
    first = np.r_[True, cell[1:] != cell[:-1]]
    starts = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
    i = np.arange(len(order)) - starts  # index within the cell
    g, lv = group[order], level[order]
    cols = columns[g]
    size = counts[g, lv]
    row, col = i // cols, i % cols
    in_row = np.minimum(cols, size - row * cols)  # people in this row of the cell
    one_row = size <= cols
    # A single row is spread evenly across the group; a fuller grid keeps unit spacing,
    # its last row centred.
    x_spread = (col + 0.5) * cols / in_row
    x_grid = col + 0.5 + (cols - in_row) / 2
    xy[order, 0] = dept_left[g] + np.where(one_row, x_spread, x_grid)
    xy[order, 1] = band_top[lv] - row
    xy[top, 0] = width / 2
    xy[top, 1] = band_top[0]
    spacing = np.full(n, 1.0)
    spacing[order] = np.where(one_row, cols / in_row, 1.0)
    spacing[top] = width
    return OrgLayout(
        xy=xy,
        width=float(width),
        height=float(height),
        band_top=band_top,
        band_rows=band_rows,
        departments=depts,
        dept_left=dept_left,
        dept_columns=columns,
        spacing=spacing,
        band_gap=band_gap,
    )


# --- what a frame shows -----------------------------------------------------------------
# colour-by choice -> (colour-bar label, value at the bottom of the scale, at the top)
COLOUR_BY = {
    "engagement": ("engagement (0-1; engaged from {engaged:g})", 0.3, 0.9),
    "digital": ("digital knowledge (0-1)", 0.0, 1.0),
}
COLOUR_MAP = mpl.colormaps["viridis"].resampled(12)  # steps: calmer frames, smaller GIFs
TIE_COLOUR = OKABE_ITO["vermillion"]
ENDED_COLOUR = "#7a7a7a"
VACANT_FACE = np.array([1.0, 1.0, 1.0, 1.0])
VACANT_EDGE = np.array([0.45, 0.45, 0.45, 1.0])
SENIOR_EDGE = np.array([0.1, 0.1, 0.1, 1.0])
JUNIOR_EDGE = np.array([1.0, 1.0, 1.0, 0.8])
# Marker diameter per level, in grid spacings (the top of the organisation is drawn largest).
LEVEL_DIAMETER = (2.4, 1.8, 1.25, 0.95, 0.8)
TURNOVER_FROM_WEEK = 8  # earlier trailing turnover is annualised from too few weeks to show


def frame_weeks(weeks: int, weeks_per_frame: int) -> list[int]:
    """The week each frame shows: week 0, every `weeks_per_frame` weeks, and the last week."""
    shown = list(range(0, weeks + 1, weeks_per_frame))
    if shown[-1] != weeks:
        shown.append(weeks)
    return shown


def week_date(scenario: Scenario, week: int) -> dt.date:
    """Calendar date of a week (docs/ODD.md section 2: start date + 7 days per week)."""
    return scenario.start_date + dt.timedelta(weeks=week)


def design_title(name: str) -> str:
    """A panel's title for a design."""
    return "No program (baseline)" if name == "baseline" else f"Program: {name}"


@dataclass
class Panel:
    """One organisation on screen: its model and the artists a frame updates."""

    name: str
    model: OrgCultureModel
    ax: Axes
    nodes: PathCollection
    ties: LineCollection
    ended: LineCollection
    headline: Text
    turnover_line: Line2D
    fluency_line: Line2D
    tie_pairs: list[tuple[int, int]] = field(default_factory=list)


class Stage:
    """The figure of an animation and its models; `show(week)` steps them and updates artists.

    Args:
        scenario: the validated scenario.
        designs: one design name, or two (shown side by side on the same seed).
        seed: the run's integer seed (common to every panel).
        color_by: "engagement" or "digital".
        org_chart: an imported org chart, if the scenario uses one.
        dpi: pixels per inch of rendered frames.
    """

    def __init__(
        self,
        scenario: Scenario,
        designs: Sequence[str],
        seed: int,
        color_by: str = "engagement",
        org_chart: object | None = None,
        dpi: int = 90,
    ) -> None:
        if color_by not in COLOUR_BY:
            raise ValueError(f"color_by must be one of {', '.join(COLOUR_BY)}")
        self.scenario = scenario
        self.color_by = color_by
        self.seed = seed
        self.weeks = scenario.weeks
        models = [
            OrgCultureModel(scenario, scenario.design(name), seed, org_chart=org_chart)
            for name in designs
        ]
        org = models[0].org
        self.is_senior = org.is_senior
        self.level = org.level
        label, lo, hi = COLOUR_BY[color_by]
        label = label.format(engaged=scenario.dynamics.engagement.engaged_threshold)
        self.norm = Normalize(lo, hi, clip=True)
        with mpl.rc_context({"font.size": 11}):
            size = (14.0, 7.6) if len(models) > 1 else (12.0, 7.2)
            self.fig = Figure(figsize=size, dpi=dpi)
            FigureCanvasAgg(self.fig)
            self._build(models, list(designs), label)
        self.turnover_top = 0.4
        self._background = None
        # What changes from frame to frame, in drawing order (ties under people).
        self.dynamic = [a for p in self.panels for a in (p.ties, p.ended, p.nodes, p.headline)]
        self.dynamic += [p.turnover_line for p in self.panels]
        self.dynamic += [p.fluency_line for p in self.panels]
        self.dynamic += [self.date_text, self.week_text]

    # --- building the figure once ------------------------------------------------------
    def _build(self, models: list[OrgCultureModel], names: list[str], label: str) -> None:
        fig, k = self.fig, len(models)
        left, right, bottom, top, gap = 0.045, 0.705, 0.2, 0.86, 0.035
        w = (right - left - gap * (k - 1)) / k
        w_in, h_in = fig.get_size_inches()
        org = models[0].org
        self.layout = hierarchical_layout(
            org.parent, org.level, org.department, aspect=(w * w_in) / ((top - bottom) * h_in)
        )
        colours = design_colours(names)
        self.chart_turnover = fig.add_axes((0.775, 0.56, 0.205, 0.28))
        self.chart_fluency = fig.add_axes((0.775, 0.2, 0.205, 0.28))
        self._style_charts(models[0])
        self.panels = []
        for i, (name, model) in enumerate(zip(names, models, strict=True)):
            ax = fig.add_axes((left + i * (w + gap), bottom, w, top - bottom))
            self.panels.append(self._panel(ax, name, model, colours[name]))
        self.title = fig.text(
            0.01, 0.965, self._title(names), fontsize=15, fontweight="bold", va="center"
        )
        fig.text(
            0.01,
            0.925,
            f"Scenario {self.scenario.name!r}, seed {self.seed}: colour = {self.color_by}; "
            "the panels share the organisation, its people and every exit draw"
            if k > 1
            else f"Scenario {self.scenario.name!r}, seed {self.seed}: colour = {self.color_by}",
            fontsize=10,
            color="#333333",
            va="center",
        )
        self.date_text = fig.text(
            0.985, 0.965, "", fontsize=15, fontweight="bold", ha="right", va="center"
        )
        self.week_text = fig.text(0.985, 0.925, "", fontsize=10, ha="right", va="center")
        cax = fig.add_axes((0.045, 0.055, 0.2, 0.022))
        bar = fig.colorbar(
            ScalarMappable(self.norm, COLOUR_MAP), cax=cax, orientation="horizontal", extend="both"
        )
        bar.set_label(label, fontsize=9)
        bar.ax.tick_params(labelsize=8)
        handles = [
            Line2D([], [], color=TIE_COLOUR, linewidth=2.6, label="mentoring pair (thick: new)"),
            Line2D([], [], color=ENDED_COLOUR, linewidth=1.2, linestyle="--", label="pair ended"),
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markerfacecolor="white",
                markeredgecolor=VACANT_EDGE,
                markersize=7,
                label="vacant: someone left",
            ),
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markerfacecolor="#bbbbbb",
                markeredgecolor=SENIOR_EDGE,
                markersize=7,
                label="manager (ringed)",
            ),
        ]
        fig.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(0.27, 0.012),
            ncols=2,
            fontsize=9,
            frameon=False,
        )

    def _title(self, names: list[str]) -> str:
        if len(names) > 1:
            return f"{design_title(names[1])} vs {design_title(names[0]).lower()}"
        return design_title(names[0])

    def _style_charts(self, model: OrgCultureModel) -> None:
        start = np.datetime64(self.scenario.start_date)
        end = np.datetime64(week_date(self.scenario, self.weeks))
        launch = np.datetime64(week_date(self.scenario, self.scenario.launch_week))
        for ax, title in (
            (self.chart_turnover, "Junior turnover (52 weeks)"),
            (self.chart_fluency, "Leadership fluency (0-1)"),
        ):
            ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
            ax.set_xlim(start, end)
            ax.spines[["top", "right"]].set_visible(False)
            ax.grid(True, color="#e0e0e0", linewidth=0.6)
            ax.tick_params(labelsize=8)
            locator = mpl.dates.AutoDateLocator(minticks=3, maxticks=7)
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mpl.dates.ConciseDateFormatter(locator))
            if self.scenario.launch_week > 0:
                ax.axvline(launch, color="#777777", linestyle=":", linewidth=1.1)
                ax.text(
                    launch,
                    1.0,
                    " launch",
                    transform=ax.get_xaxis_transform(),
                    fontsize=8,
                    color="#555555",
                    va="top",
                )
        self.chart_turnover.set_ylim(0, 0.4)  # raised in `show` if turnover gets there
        self.chart_turnover.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        self.chart_fluency.set_ylim(0, 1)

    def _panel(self, ax: Axes, name: str, model: OrgCultureModel, colour: str) -> Panel:
        lay, org = self.layout, model.org
        xy = lay.xy
        # Equal scale across and down: widen whichever range has room to spare.
        box = ax.get_position()
        w_in, h_in = box.width * self.fig.get_figwidth(), box.height * self.fig.get_figheight()
        x_range, y_range = lay.width + 2.0, lay.height + 4.0
        self.unit_pt = 72 * min(w_in / x_range, h_in / y_range)
        half_w, half_h = 36 * w_in / self.unit_pt, 36 * h_in / self.unit_pt
        ax.set_xlim(lay.width / 2 - half_w, lay.width / 2 + half_w)
        ax.set_ylim(-lay.height / 2 - 0.2 - half_h, -lay.height / 2 - 0.2 + half_h)
        for side in ("top", "right", "bottom", "left"):
            ax.spines[side].set_visible(False)
        ax.set_xticks([])
        levels = range(len(lay.band_top))
        ax.set_yticks(
            [lay.band_centre(lv) for lv in levels],
            ["top" if lv == 0 else f"level {lv}" for lv in levels],
            fontsize=8,
        )
        ax.tick_params(axis="y", length=0, labelcolor="#555555")
        ax.set_title(design_title(name), fontsize=13, fontweight="bold", color=colour)
        names = org.department_names
        for g, (code, x0, cols) in enumerate(
            zip(lay.departments, lay.dept_left, lay.dept_columns, strict=True)
        ):
            if g % 2 == 0:
                ax.fill_between(
                    [x0 - 0.5, x0 + cols + 0.5],
                    lay.band_top[1] + 0.8,
                    -lay.height - 0.6,
                    color="#f2f2f2",
                    linewidth=0,
                    zorder=0,
                )
            text = names[code] if 0 <= code < len(names) and names[code] else f"dept {code}"
            ax.text(
                x0 + cols / 2,
                -lay.height - 1.1,
                text,
                ha="center",
                va="top",
                fontsize=7 if cols < 4 else 8,
                color="#555555",
                clip_on=False,
            )
        child = np.flatnonzero(org.parent >= 0)
        reports = np.stack([xy[child], xy[org.parent[child]]], axis=1)
        ax.add_collection(LineCollection(reports, colors="#d4d4d4", linewidths=0.3, zorder=1))
        ties = LineCollection([], colors=TIE_COLOUR, linewidths=1.2, zorder=2, alpha=0.9)
        ended = LineCollection(
            [], colors=ENDED_COLOUR, linewidths=1.2, linestyles="--", zorder=2, alpha=0.8
        )
        ax.add_collection(ties)
        ax.add_collection(ended)
        self.sizes = self._sizes()
        self.tie_width = float(np.clip(0.2 * self.unit_pt, 0.5, 1.1))  # thinner when crowded
        nodes = ax.scatter(xy[:, 0], xy[:, 1], s=self.sizes, zorder=3)
        headline = ax.text(
            0.5,
            -0.015,
            "",
            transform=ax.transAxes,
            ha="center",
            va="top",
            fontsize=9.5,
            linespacing=1.5,
        )
        (turnover_line,) = self.chart_turnover.plot([], [], color=colour, linewidth=2, label=name)
        (fluency_line,) = self.chart_fluency.plot([], [], color=colour, linewidth=2, label=name)
        self.chart_turnover.legend(loc="lower left", fontsize=8, frameon=False)
        return Panel(name, model, ax, nodes, ties, ended, headline, turnover_line, fluency_line)

    def _sizes(self) -> np.ndarray:
        """Marker areas (points^2) by level, from the grid spacing on screen."""
        lay = self.layout
        spacing = np.ones(len(self.level))
        for lv in range(len(lay.band_top)):
            here = self.level == lv
            room = lay.spacing[here].min() if here.any() else 1.0
            if lay.band_rows[lv] == 1:
                room = min(room, 1.0 + lay.band_gap)
            spacing[here] = min(LEVEL_DIAMETER[min(lv, len(LEVEL_DIAMETER) - 1)], room * 0.95)
        return (0.8 * self.unit_pt * spacing) ** 2

    # --- each frame ------------------------------------------------------------------------
    def show(self, week: int) -> list:
        """Step every model to `week` and update the artists; returns the artists changed."""
        changed = []
        for panel in self.panels:
            model = panel.model
            if week < model.steps:
                raise ValueError(f"week {week} is in the past: the models are at {model.steps}")
            if week > model.steps:
                model.run_for(week - model.steps)
            changed += self._update(panel)
        date = week_date(self.scenario, week)
        self.date_text.set_text(f"{date:%a %d %b %Y}")
        self.week_text.set_text(self._week_status(week))
        top = max(np.nanmax(p.turnover_line.get_ydata(), initial=0) for p in self.panels)
        if top > 0.95 * self.turnover_top:  # rare: rescale, and redraw the background once
            self.turnover_top = np.ceil(top / 0.95 * 10) / 10
            self.chart_turnover.set_ylim(0, self.turnover_top)
            self._background = None
        return [*changed, self.date_text, self.week_text]

    def frames(self, weeks: Iterable[int]) -> Iterator[Image.Image]:
        """Show each week in turn and yield its rendered frame."""
        for week in weeks:
            self.show(week)
            yield self.render()

    def render(self) -> Image.Image:
        """The current frame as an RGB image, drawing only what changes on a cached background."""
        canvas = self.fig.canvas
        if self._background is None:
            for artist in self.dynamic:
                artist.set_visible(False)
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.fig.bbox)
            for artist in self.dynamic:
                artist.set_visible(True)
        canvas.restore_region(self._background)
        for artist in self.dynamic:
            self.fig.draw_artist(artist)
        return Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3])

    def _week_status(self, week: int) -> str:
        since = week - self.scenario.launch_week
        if since == 0 and self.scenario.launch_week > 0:
            when = "launch week"
        elif since < 0:
            when = f"warm-up: launch in {-since} weeks"
        else:
            when = f"{since} weeks after launch"
        return f"week {week} of {self.weeks} ({when})"

    def _update(self, panel: Panel) -> list:
        model, people = panel.model, panel.model.people
        filled = people.filled
        values = getattr(people, self.color_by)
        face = COLOUR_MAP(self.norm(values))
        face[~filled] = VACANT_FACE
        edge = np.where(self.is_senior[:, None], SENIOR_EDGE, JUNIOR_EDGE)
        edge[~filled] = VACANT_EDGE
        panel.nodes.set_facecolor(face)
        panel.nodes.set_edgecolor(edge)
        panel.nodes.set_linewidths(np.where(filled & ~self.is_senior, 0.3, 0.9))
        full = self.sizes
        panel.nodes.set_sizes(np.where(filled, full, 0.6 * full))
        before = set(panel.tie_pairs)
        pairs = []
        if model.program is not None:
            pairs = sorted((min(a, b), max(a, b)) for a, b in model.program.ties.edges())
        new = np.array([p not in before for p in pairs], dtype=bool)
        ended = sorted(before - set(pairs))
        xy = self.layout.xy
        panel.ties.set_segments(xy[np.array(pairs, dtype=np.int64).reshape(-1, 2)])
        width = self.tie_width
        panel.ties.set_linewidths(np.where(new, 2.3 * width, width) if len(pairs) else width)
        panel.ended.set_segments(xy[np.array(ended, dtype=np.int64).reshape(-1, 2)])
        panel.tie_pairs = pairs
        series = model.series()
        last = series.iloc[-1]
        dates = np.array(series["date"], dtype="datetime64[D]")
        turnover = series["turnover_junior"].to_numpy(dtype=float).copy()
        turnover[series["week"].to_numpy() < TURNOVER_FROM_WEEK] = np.nan
        panel.turnover_line.set_data(dates, turnover)
        panel.fluency_line.set_data(dates, series["leadership_fluency"].to_numpy(dtype=float))
        vacant = int(last["vacancies_junior"] + last["vacancies_senior"])
        exits = int(series["exits_junior"].sum() + series["exits_senior"].sum())
        t = last["turnover_junior"]
        t_text = f"{t:.0%}" if int(last["week"]) >= TURNOVER_FROM_WEEK else "n/a yet"
        panel.headline.set_text(
            f"junior turnover {t_text}  ·  leadership fluency {last['leadership_fluency']:.2f}\n"
            f"junior engagement {last['engagement_junior']:.2f}  ·  "
            f"pairs {int(last['pairs_active'])}  ·  vacant {vacant}  ·  exits so far {exits}"
        )
        return [
            panel.nodes,
            panel.ties,
            panel.ended,
            panel.headline,
            panel.turnover_line,
            panel.fluency_line,
        ]


# --- the animation: save, or show in a notebook ---------------------------------------------
@dataclass
class OrgAnimation:
    """An animation of one run (or a baseline/program pair on one seed), rendered on demand.

    Each rendering builds fresh models, so `save` and notebook display can be repeated.

    Attributes:
        scenario: the validated scenario.
        designs: one design name, or (baseline, program) for a side-by-side comparison.
        seed: the run's integer seed.
        color_by: "engagement" or "digital".
        weeks_per_frame: simulated weeks per frame (1 = every week).
        fps: frames per second.
        dpi: pixels per inch of the frames (the figure is 14 x 7.6 inches, 12 x 7.2 single).
        org_chart: an imported org chart, if the scenario uses one.
    """

    scenario: Scenario
    designs: tuple[str, ...]
    seed: int
    color_by: str = "engagement"
    weeks_per_frame: int = 1
    fps: float = 8.0
    dpi: int = 90
    org_chart: object | None = None

    @property
    def weeks(self) -> list[int]:
        """The week each frame shows."""
        return frame_weeks(self.scenario.weeks, self.weeks_per_frame)

    def stage(self) -> Stage:
        """A fresh figure with models at week 0."""
        return Stage(
            self.scenario, self.designs, self.seed, self.color_by, self.org_chart, self.dpi
        )

    def save(self, path: str | Path, progress: bool = True) -> Path:
        """Render every frame to a GIF (Pillow) or an MP4 (ffmpeg), by the file's suffix.

        The file is written under a temporary name and renamed when complete.
        """
        path = Path(path)
        suffix = path.suffix.lower()
        ffmpeg = ffmpeg_path() if suffix == ".mp4" else None
        if suffix == ".mp4" and ffmpeg is None:
            raise InputError([Problem(str(path), "ffmpeg not found; write a .gif instead")])
        if suffix not in (".gif", ".mp4"):
            raise InputError([Problem(str(path), "unknown animation format; use .gif or .mp4")])
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.partial{path.suffix}")
        stage = self.stage()
        weeks = tqdm(self.weeks, desc="frames", unit="frame", disable=not progress)
        try:
            if suffix == ".gif":
                write_gif(stage.frames(weeks), tmp, self.fps)
            else:
                write_mp4(stage.frames(weeks), tmp, self.fps, ffmpeg, name=path)
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
        return path

    def to_funcanimation(self) -> mpl_animation.FuncAnimation:
        """A matplotlib FuncAnimation over fresh models (for notebooks and custom writers)."""
        stage = self.stage()
        anim = mpl_animation.FuncAnimation(
            stage.fig,
            stage.show,
            frames=self.weeks,
            init_func=lambda: [],
            interval=1000 / self.fps,
            repeat=False,
            cache_frame_data=False,
        )
        anim.stage = stage  # keep the models reachable while the animation lives
        return anim

    def to_jshtml(self) -> str:
        """The animation as an HTML/JavaScript player (what a notebook shows)."""
        with mpl.rc_context({"animation.embed_limit": 200.0, "savefig.dpi": 60}):
            return self.to_funcanimation().to_jshtml(fps=self.fps)

    def _repr_html_(self) -> str:
        return self.to_jshtml()


def ffmpeg_path() -> str | None:
    """The ffmpeg that MP4 output uses, or None: matplotlib's setting, PATH, then imageio-ffmpeg.

    `rcParams["animation.ffmpeg_path"]` (default "ffmpeg") comes first, then an ffmpeg on
    PATH, then the binary of the `video` extra (`pip install "orgculture-sim[video]"`, part
    of `dev`): imageio-ffmpeg, a wheel that carries its own ffmpeg.
    """
    for candidate in (mpl.rcParams["animation.ffmpeg_path"], "ffmpeg"):
        found = shutil.which(candidate)
        if found:
            return found
    try:
        import imageio_ffmpeg
    except ImportError:
        return None
    try:
        exe = imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError:  # the package is there but its binary is not (an unusual platform)
        return None
    # IMAGEIO_FFMPEG_EXE is returned as set, unchecked: make sure it runs.
    return shutil.which(exe)


def gif_palette(first: Image.Image) -> Image.Image:
    """A 256-colour palette: the animation's own colours exactly, the rest from the first frame."""
    exact = [COLOUR_MAP(i)[:3] for i in range(COLOUR_MAP.N)]
    exact += [mpl.colors.to_rgb(c) for c in (TIE_COLOUR, ENDED_COLOUR, *OKABE_ITO.values())]
    exact += [mpl.colors.to_rgb(c) for c in design_colours(["baseline", "a", "b"]).values()]
    exact += [(g, g, g) for g in np.linspace(0, 1, 18)]
    fixed = (np.round(np.array(exact) * 255)).astype(np.uint8)
    fixed = np.unique(fixed, axis=0)
    adaptive = first.quantize(colors=256 - len(fixed), method=Image.Quantize.MEDIANCUT)
    rest = np.array(adaptive.getpalette()[: 3 * (256 - len(fixed))], dtype=int).reshape(-1, 3)
    # Pillow matches colours approximately: drop near-copies of exact colours, so that white
    # stays white rather than becoming the off-white next to it.
    distance = np.abs(rest[:, None, :] - fixed[None, :, :].astype(int)).max(axis=2).min(axis=1)
    rest = rest[distance > 8].astype(np.uint8)
    palette = Image.new("P", (1, 1))
    palette.putpalette(np.concatenate([fixed.ravel(), rest.ravel()]).tolist())
    return palette


def write_gif(frames: Iterable[Image.Image], path: Path, fps: float) -> None:
    """Write RGB frames as a looping GIF with one palette for every frame.

    One palette (`gif_palette`) for all frames, applied without dithering, so colours do
    not flicker between frames and flat areas compress well.
    """
    frames = iter(frames)
    first = next(frames)
    palette = gif_palette(first)
    quantized = [first.quantize(palette=palette, dither=Image.Dither.NONE)]
    quantized += [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    quantized[0].save(
        path,
        format="GIF",
        save_all=True,
        append_images=quantized[1:],
        duration=round(1000 / fps),
        loop=0,
    )


def write_mp4(
    frames: Iterable[Image.Image], path: Path, fps: float, ffmpeg: str, name: Path | None = None
) -> None:
    """Pipe RGB frames to ffmpeg as raw video; H.264 in an MP4 that browsers and slides play.

    The frames are the same blitted renders as the GIF's (matplotlib's FFMpegWriter would
    redraw the whole figure for every frame, several times slower). `name` is the file the
    user asked for, named in messages (`path` may be a temporary name).
    """
    frames = iter(frames)
    first = next(frames)
    width, height = first.size
    command = [
        ffmpeg, "-y", "-loglevel", "error",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", f"{fps:g}",
        "-i", "-",
        "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2:color=white",  # H.264 wants even sizes
        # h264: ffmpeg's preferred H.264 encoder (libx264 when built in, else e.g. openh264).
        "-c:v", "h264", "-pix_fmt", "yuv420p", "-movflags", "+faststart",
        str(path),
    ]  # fmt: skip
    # ffmpeg's messages go to a file, not a pipe: a full pipe would stall it mid-video.
    shown = str(name or path)
    with tempfile.TemporaryFile() as log:
        try:
            proc = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=log)
        except OSError as err:
            raise InputError(
                [Problem(shown, f"could not start ffmpeg ({ffmpeg}): {err.strerror}; try a .gif")]
            ) from None
        try:
            for frame in itertools.chain([first], frames):
                proc.stdin.write(frame.convert("RGB").tobytes())
        except BrokenPipeError:
            pass  # ffmpeg stopped early; its message says why
        finally:
            proc.stdin.close()
            code = proc.wait()
        log.seek(0)
        message = log.read().decode(errors="replace").strip().splitlines()
    if code != 0:
        why = message[-1] if message else f"exit code {code}"
        raise InputError([Problem(shown, f"ffmpeg ({ffmpeg}) failed: {why}; try a .gif")])


def resolve_designs(scenario: Scenario, design: str | None, compare: bool) -> tuple[str, ...]:
    """The design names to animate: the chosen (or first program) design, after the baseline."""
    known = [d.name for d in scenario.designs]
    if design is None:
        if not known:
            raise InputError([Problem("--design", "the scenario has no program design")])
        design = known[0]
    if design != "baseline" and design not in known:
        raise InputError(
            [Problem(f"--design {design}", f"no such design; designs: {', '.join(known)}")]
        )
    if compare:
        if design == "baseline":
            raise InputError(
                [
                    Problem(
                        "--design baseline",
                        "--compare shows a program beside the baseline; "
                        f"choose a program design: {', '.join(known)}",
                    )
                ]
            )
        return ("baseline", design)
    return (design,)


def default_seed(scenario: Scenario) -> int:
    """The seed of replicate 0 of `sim run` on this scenario."""
    return replicate_seeds(scenario.seed, 1)[0]


def animate(
    scenario: Scenario | str | Path | None = None,
    design: str | None = None,
    compare: bool = False,
    seed: int | None = None,
    color_by: str = "engagement",
    weeks_per_frame: int = 1,
    fps: float = 8.0,
    years: float | None = None,
) -> OrgAnimation:
    """An animation of a scenario; in a notebook it displays inline as a player.

    Args:
        scenario: a Scenario, a TOML path, or None for the telecom case.
        design: the program design (default: the scenario's first).
        compare: show the baseline beside the program on the same seed.
        seed: the run's seed (default: replicate 0 of `sim run`).
        color_by: "engagement" or "digital".
        weeks_per_frame: simulated weeks per frame.
        fps: frames per second.
        years: years after the launch (default: the scenario's).
    """
    if scenario is None or isinstance(scenario, str | Path):
        from sim.scenario.cases import DEFAULT_CASE
        from sim.scenario.loading import load_scenario

        scenario = load_scenario(scenario or DEFAULT_CASE)
    if years is not None:
        scenario = scenario.with_changes(years=years)
    check_options(color_by, weeks_per_frame, fps)
    return OrgAnimation(
        scenario=scenario,
        designs=resolve_designs(scenario, design, compare),
        seed=default_seed(scenario) if seed is None else seed,
        color_by=color_by,
        weeks_per_frame=weeks_per_frame,
        fps=fps,
        org_chart=load_chart(scenario),
    )


def check_options(color_by: str, weeks_per_frame: int, fps: float) -> None:
    """One problem per bad option value."""
    problems = []
    if color_by not in COLOUR_BY:
        problems.append(Problem(f"--color-by {color_by}", f"allowed: {', '.join(COLOUR_BY)}"))
    if weeks_per_frame < 1:
        problems.append(Problem(f"--weeks-per-frame {weeks_per_frame}", "must be at least 1"))
    if not fps > 0 or fps > 60:
        problems.append(Problem(f"--fps {fps:g}", "must be above 0 and at most 60"))
    if problems:
        raise InputError(problems)
