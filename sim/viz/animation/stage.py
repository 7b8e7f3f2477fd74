"""The figure of an animation: its panels and charts built once, then updated frame by frame.

`Stage` owns the models (one per design, on one seed) and the artists; `show(week)` steps
the models and updates what changed, `render()` draws only that on a cached background.
The layout is computed in inches from the type sizes (`sizing.Typography`), so the same
picture works at any frame size: margins grow with the text, never the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import matplotlib as mpl
import numpy as np
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

from sim.errors import InputError, Problem
from sim.model.model import OrgCultureModel
from sim.scenario.design import readable_name
from sim.scenario.parameters import Scenario
from sim.viz.animation.frame import (
    COLOUR_BY,
    COLOUR_MAP,
    ENDED_COLOUR,
    JUNIOR_EDGE,
    LEVEL_DIAMETER,
    SENIOR_EDGE,
    TIE_COLOUR,
    TURNOVER_FROM_WEEK,
    VACANT_EDGE,
    VACANT_FACE,
    design_title,
    week_date,
)
from sim.viz.animation.layout import hierarchical_layout
from sim.viz.animation.sizing import FrameSize, Typography, fit_text, frame_size, text_width
from sim.viz.plots import design_colours

PT = 1 / 72  # inches per point
GREY_TEXT = "#555555"
DEPT_LINE = 1.3  # a row of department names, in units of the smallest type size


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
    node_widths: np.ndarray | None = None  # the markers' edge widths last set


def canvas_view(canvas: FigureCanvasAgg) -> Image.Image:
    """The canvas's pixels as an RGBX image sharing the canvas's memory (no copy).

    Valid until the canvas is drawn again: encode it (JPEG takes RGBX as it is) or copy it.
    """
    rgba = np.asarray(canvas.buffer_rgba())
    height, width = rgba.shape[:2]
    return Image.frombuffer("RGBX", (width, height), rgba, "raw", "RGBX", 0, 1)


def rgb_image(canvas: FigureCanvasAgg) -> Image.Image:
    """The canvas's pixels as an RGB image (a copy).

    Read straight from the RGBA buffer: slicing the buffer to RGB in numpy first made a
    strided copy that took 10-30 ms a frame at 1920x1080 (docs/performance.md).
    """
    return canvas_view(canvas).convert("RGB")


class Stage:
    """The figure of an animation and its models; `show(week)` steps them and updates artists.

    Args:
        scenario: the validated scenario.
        designs: one design name, or two (shown side by side on the same seed).
        seed: the run's integer seed (common to every panel; shown in the footer).
        color_by: "engagement" or "digital".
        org_chart: an imported org chart, if the scenario uses one.
        dpi: dots per inch when `size` is not given (the design's size at this dpi).
        size: the frame's pixels and dpi (default: `sizing.frame_size` from `dpi`).
        fonts: type sizes (default: `Typography.scaled(1)`).
        first_week: the week of the first frame (the charts still show every week run).

    Raises:
        InputError: when the text at this size and dpi leaves no room for the org chart.
    """

    def __init__(
        self,
        scenario: Scenario,
        designs: Sequence[str],
        seed: int,
        color_by: str = "engagement",
        org_chart: object | None = None,
        dpi: float | None = None,
        *,
        size: FrameSize | None = None,
        fonts: Typography | None = None,
        first_week: int = 0,
    ) -> None:
        if color_by not in COLOUR_BY:
            raise ValueError(f"color_by must be one of {', '.join(COLOUR_BY)}")
        self.scenario = scenario
        self.color_by = color_by
        self.seed = seed
        self.weeks = scenario.weeks
        self.first_week = first_week
        self.size = size or frame_size(len(designs), None, dpi)
        self.fonts = fonts or Typography.scaled(1.0)
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
        self.fig = Figure(figsize=self.size.inches, dpi=self.size.dpi)
        FigureCanvasAgg(self.fig)
        self._renderer = self.fig.canvas.get_renderer()
        self._build(models, list(designs), label)
        self.turnover_top = 0.4
        self._background = None
        # What changes from frame to frame, in drawing order (ties under people).
        self.dynamic = [a for p in self.panels for a in (p.ties, p.ended, p.nodes, p.headline)]
        self.dynamic += [p.turnover_line for p in self.panels]
        self.dynamic += [p.fluency_line for p in self.panels]
        self.dynamic += [self.date_text, self.week_text]

    # --- building the figure once ------------------------------------------------------
    def _width(self, text: str, points: float, bold: bool = False) -> float:
        return text_width(self._renderer, text, points, bold)

    def _fit(self, text: str, points: float, width_in: float, bold: bool = False) -> str:
        return fit_text(self._renderer, text, points, width_in, bold)

    def _fit_first(
        self, texts: list[str], points: float, width_in: float, bold: bool = False
    ) -> str:
        """The first of `texts` that fits, else the last one shortened to fit."""
        for text in texts:
            if self._width(text, points, bold) <= width_in:
                return text
        return self._fit(texts[-1], points, width_in, bold)

    def _build(self, models: list[OrgCultureModel], names: list[str], label: str) -> None:
        fig, k, f = self.fig, len(models), self.fonts
        W, H = fig.get_size_inches()  # noqa: N806 - the figure's width and height
        pad = 0.7 * f.small * PT
        frac = lambda x0, y0, w, h: (x0 / W, y0 / H, w / W, h / H)  # noqa: E731

        header_h = self._header(names)
        bottom_block = self._footer(label)

        # Across: level names, the panels, then the charts column on the right.
        level_w = self._width(f"level {int(self.level.max())}", f.small) + 8 * PT
        chart_col = (0.26 if k > 1 else 0.3) * W
        chart_left = W - chart_col + self._width("100%", f.small) + 10 * PT
        chart_w = W - pad - 0.8 * self._width("May", f.small) - chart_left
        panel_gap = 1.2 * f.heading * PT
        panels_left = pad + level_w
        panel_w = (W - chart_col - panel_gap * k - panels_left) / k

        # Down: under each panel the department names (one row, or two if staggered),
        # then the headline numbers; the org chart's layout fills what is left.
        lines = self._headline_lines(panel_w)
        headline_h = (len(lines) * 1.35 * f.body + 0.4 * f.body) * PT
        heading_room = (0.5 * f.heading + 1.25 * f.heading + 6) * PT  # the panel title above
        axes_top = H - header_h - heading_room
        org = models[0].org
        names_shown = self._department_texts(org)
        for dept_rows in (1, 2):
            self.dept_block = (0.5 + DEPT_LINE * dept_rows) * f.small
            axes_bottom = bottom_block + headline_h + self.dept_block * PT
            panel_h = axes_top - axes_bottom
            if panel_w < 1.2 or panel_h < 0.3 * H:
                self._too_crowded("the text leaves too little room for the org chart")
            self.layout = hierarchical_layout(
                org.parent, org.level, org.department, aspect=panel_w / panel_h
            )
            self.unit_pt, self.xlim, self.ylim = self._chart_scale(panel_w, panel_h)
            rooms = self._name_rooms(dept_rows)
            widths = [self._width(t, f.small) for t in names_shown]
            if all(w <= r for w, r in zip(widths, rooms, strict=True)):
                break
        self.dept_rows = dept_rows
        self.department_labels: list[Text] = []  # every panel's, left to right
        chart_gap = (2.4 * f.small + 1.25 * f.heading + 18) * PT
        chart_h = (panel_h - chart_gap) / 2
        if chart_h < 0.5 or chart_w < 1.0:
            self._too_crowded("the text leaves too little room for the charts")

        colours = design_colours(names)
        self.chart_turnover = fig.add_axes(
            frac(chart_left, axes_bottom + chart_h + chart_gap, chart_w, chart_h)
        )
        self.chart_fluency = fig.add_axes(frac(chart_left, axes_bottom, chart_w, chart_h))
        self.chart_title_w = W - pad - chart_left
        self._style_charts(chart_h)
        self.panels = []
        for i, (name, model) in enumerate(zip(names, models, strict=True)):
            x0 = panels_left + i * (panel_w + panel_gap)
            ax = fig.add_axes(frac(x0, axes_bottom, panel_w, panel_h))
            self.panels.append(self._panel(ax, name, model, colours[name], i == 0, panel_w, lines))
        if k > 1:  # the key to the charts' colours, under them, clear of the lines
            self._chart_key(chart_left, axes_bottom - (1.9 * f.small + 8) * PT, bottom_block)

    def _chart_key(self, left: float, top: float, floor: float) -> None:
        """The charts' key (no program, program) with its top left at (`left`, `top`) inches."""
        f, dpi = self.fonts, self.size.dpi
        W, H = self.fig.get_size_inches()  # noqa: N806 - the figure's width and height
        right = W - 0.7 * f.small * PT
        for ncols in (2, 1):
            key = self.fig.legend(
                handles=[p.turnover_line for p in self.panels],
                loc="upper left",
                bbox_to_anchor=(left / W, top / H),
                ncols=ncols,
                fontsize=f.small,
                frameon=False,
                borderaxespad=0,
                borderpad=0,
                handlelength=1.5,
            )
            box = key.get_window_extent(self._renderer)
            if box.x1 <= right * dpi and box.y0 >= floor * dpi:
                return
            key.remove()
        self._too_crowded("the charts' key does not fit under them")

    def _header(self, names: list[str]) -> float:
        """The title and the date, then the subtitle and the week; returns their height."""
        fig, f = self.fig, self.fonts
        W, H = fig.get_size_inches()  # noqa: N806 - the figure's width and height
        pad = 0.7 * f.small * PT
        title_row, sub_row = 1.25 * f.title * PT, 1.4 * f.body * PT
        title_y, sub_y = H - pad - title_row / 2, H - pad - title_row - sub_row / 2
        date_w = 1.08 * self._width("Wed 28 May 2022", f.title, bold=True)
        status_w = max(self._width(self._week_status(w), f.body) for w in self._sample_weeks())
        self.title = fig.text(
            pad / W,
            title_y / H,
            self._fit_first(
                self._titles(names), f.title, W - 2 * pad - date_w - 2 * f.body * PT, True
            ),
            fontsize=f.title,
            fontweight="bold",
            va="center",
        )
        what = f"{readable_name(self.scenario.name)}: colour = {self.color_by}"
        same = "; same organisation, people and luck: only the program differs"
        fig.text(
            pad / W,
            sub_y / H,
            self._fit_first(
                [what + same, what] if len(names) > 1 else [what],
                f.body,
                W - 2 * pad - status_w - 2 * f.body * PT,
            ),
            fontsize=f.body,
            color="#333333",
            va="center",
        )
        right = {"ha": "right", "va": "center"}
        self.date_text = fig.text(
            (W - pad) / W, title_y / H, "", fontsize=f.title, fontweight="bold", **right
        )
        self.week_text = fig.text((W - pad) / W, sub_y / H, "", fontsize=f.body, **right)
        return pad + title_row + sub_row

    def _footer(self, label: str) -> float:
        """The colour scale, the legend and the seed in small grey type; returns their height."""
        fig, f = self.fig, self.fonts
        W, H = fig.get_size_inches()  # noqa: N806 - the figure's width and height
        pad = 0.7 * f.small * PT
        frac = lambda x0, y0, w, h: (x0 / W, y0 / H, w / W, h / H)  # noqa: E731
        footer = fig.text(
            (W - pad) / W,
            pad / H,
            f"seed {self.seed} · scenario {self.scenario.name}",
            fontsize=f.small,
            color=GREY_TEXT,
            ha="right",
            va="bottom",
        )
        footer_w = self._width(footer.get_text(), f.small)
        bar_w = max(2.2, 1.05 * self._width(label, f.small))
        bar_h = 0.9 * f.small * PT
        bar_y = pad + (2.4 * f.small + 9) * PT  # tick labels and the label go below the bar
        cax = fig.add_axes(frac(pad + 0.3 * f.small * PT, bar_y, bar_w, bar_h))
        bar = fig.colorbar(
            ScalarMappable(self.norm, COLOUR_MAP), cax=cax, orientation="horizontal", extend="both"
        )
        bar.set_label(label, fontsize=f.small, labelpad=2)
        bar.ax.tick_params(labelsize=f.small)
        legend_x = pad + bar_w + 1.5 * f.body * PT
        room = W - pad - footer_w - 1.0 * f.body * PT - legend_x
        legend = None
        for ncols in (2, 1):
            if legend is not None:
                legend.remove()
            legend = self._legend(legend_x / W, pad / H, ncols)
            box = legend.get_window_extent(self._renderer)
            if box.width / self.size.dpi <= room:
                break
        legend_h = box.height / self.size.dpi
        if box.width / self.size.dpi > room:
            self._too_crowded("the legend and the footer do not fit across the frame")
        return max(legend_h, bar_y + bar_h) + 0.5 * f.small * PT

    def _sample_weeks(self) -> list[int]:
        """Weeks whose status line is among the widest: first, before launch, launch, last."""
        launch = self.scenario.launch_week
        weeks = {self.first_week, self.weeks, launch}
        if launch - 1 >= self.first_week:
            weeks.add(launch - 1)
        return sorted(w for w in weeks if 0 <= w <= self.weeks)

    def _too_crowded(self, what: str) -> None:
        s = self.size
        raise InputError(
            [
                Problem(
                    f"--size {s.width}x{s.height} at {s.dpi:g} dpi",
                    f"{what}; use a larger --size, a lower --dpi or a smaller --font-scale",
                )
            ]
        )

    def _legend(self, x: float, y: float, ncols: int):
        f = self.fonts
        mark = 0.65 * f.small
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
                markersize=mark,
                label="vacant: someone left",
            ),
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markerfacecolor="#bbbbbb",
                markeredgecolor=SENIOR_EDGE,
                markersize=mark,
                label="manager (ringed)",
            ),
        ]
        return self.fig.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(x, y),
            ncols=ncols,
            fontsize=f.small,
            frameon=False,
            borderaxespad=0,
            borderpad=0,
            columnspacing=1.5,
        )

    def _headline_lines(self, width_in: float) -> list[tuple[str, ...]]:
        """The headline's items per line: two lines if the widest numbers fit, else four."""
        two = [("turnover", "engagement"), ("fluency", "pairs")]
        widest = self._headline_text(two, "100%", "0.00", "0.00", "9" * len(str(len(self.level))))
        if max(self._width(line, self.fonts.body) for line in widest.split("\n")) <= width_in:
            return two
        return [(item,) for line in two for item in line]

    @staticmethod
    def _headline_text(lines, turnover, engagement, fluency, pairs) -> str:
        items = {
            "turnover": f"junior turnover {turnover}",
            "engagement": f"engagement {engagement}",
            "fluency": f"leadership fluency {fluency}",
            "pairs": f"pairs {pairs}",
        }
        return "\n".join("  ·  ".join(items[i] for i in line) for line in lines)

    def _titles(self, names: list[str]) -> list[str]:
        """The figure's title, longest first: "Program vs no program", then the program's."""
        titles = [design_title(self.scenario, n) for n in names]
        if len(names) > 1:
            return [f"{titles[1]} vs {titles[0][:1].lower()}{titles[0][1:]}", titles[1]]
        return titles

    def _style_charts(self, chart_h: float) -> None:
        f = self.fonts
        start = np.datetime64(self.scenario.start_date)
        end = np.datetime64(week_date(self.scenario, self.weeks))
        launch = np.datetime64(week_date(self.scenario, self.scenario.launch_week))
        for ax, title in (
            (self.chart_turnover, "Junior turnover"),
            (self.chart_fluency, "Leadership fluency"),
        ):
            ax.set_title(
                self._fit(title, f.heading, self.chart_title_w, bold=True),
                loc="left",
                fontsize=f.heading,
                fontweight="bold",
            )
            ax.set_xlim(start, end)
            ax.spines[["top", "right"]].set_visible(False)
            ax.grid(True, color="#e0e0e0", linewidth=0.6)
            ax.tick_params(labelsize=f.small)
            ax.tick_params(axis="x", pad=0.7 * f.small)  # clear of the lowest y label
            locator = mpl.dates.AutoDateLocator(minticks=3, maxticks=5)
            ax.xaxis.set_major_locator(locator)
            formatter = mpl.dates.ConciseDateFormatter(locator, show_offset=False)
            ax.xaxis.set_major_formatter(formatter)
            # as many value labels as fit down the chart, with a line of space between them
            bins = int(np.clip(chart_h / PT / (2.2 * f.small), 1, 4))
            ax.yaxis.set_major_locator(mpl.ticker.MaxNLocator(bins))
            if self.scenario.launch_week > 0:
                ax.axvline(launch, color="#777777", linestyle=":", linewidth=1.1)
                ax.text(
                    launch,
                    1.0,
                    " launch",
                    transform=ax.get_xaxis_transform(),
                    fontsize=f.small,
                    color=GREY_TEXT,
                    va="top",
                )
        self.chart_turnover.set_ylim(0, 0.4)  # raised in `show` if turnover gets there
        self.chart_turnover.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        self.chart_fluency.set_ylim(0, 1)

    def _panel(
        self,
        ax: Axes,
        name: str,
        model: OrgCultureModel,
        colour: str,
        first: bool,
        width_in: float,
        lines: list[tuple[str, ...]],
    ) -> Panel:
        f, lay, org = self.fonts, self.layout, model.org
        xy = lay.xy
        ax.set_xlim(*self.xlim)
        ax.set_ylim(*self.ylim)
        for side in ("top", "right", "bottom", "left"):
            ax.spines[side].set_visible(False)
        ax.set_xticks([])
        levels = range(len(lay.band_top))
        if first:  # the level names once, left of the first panel
            shown, last = [], None
            for lv in levels:  # skip a level whose name would touch the one above
                y = lay.band_centre(lv)
                if last is None or (last - y) * self.unit_pt >= 1.15 * f.small:
                    shown.append(lv)
                    last = y
            ax.set_yticks(
                [lay.band_centre(lv) for lv in shown],
                ["top" if lv == 0 else f"level {lv}" for lv in shown],
                fontsize=f.small,
            )
            ax.tick_params(axis="y", length=0, labelcolor=GREY_TEXT)
        else:
            ax.set_yticks([])
        ax.set_title(
            self._fit(design_title(self.scenario, name), f.heading, width_in, bold=True),
            fontsize=f.heading,
            fontweight="bold",
            color=colour,
        )
        self._department_names(ax, org)
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
        headline = ax.annotate(
            "",
            xy=(0.5, 0),
            xycoords="axes fraction",
            xytext=(0, -(self.dept_block + 0.2 * f.body)),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=f.body,
            linespacing=1.35,
        )
        headline.lines = lines  # which items go on which line
        label = "no program" if name == "baseline" else "program"
        (turnover_line,) = self.chart_turnover.plot([], [], color=colour, linewidth=2, label=label)
        (fluency_line,) = self.chart_fluency.plot([], [], color=colour, linewidth=2, label=label)
        return Panel(name, model, ax, nodes, ties, ended, headline, turnover_line, fluency_line)

    def _chart_scale(self, w_in: float, h_in: float) -> tuple[float, tuple, tuple]:
        """Points per layout unit, and the x and y limits, of a panel `w_in` by `h_in`.

        Equal scale across and down: whichever range has room to spare is widened.
        """
        lay = self.layout
        x_range, y_range = lay.width + 2.0, lay.height + 2.2
        unit_pt = 72 * min(w_in / x_range, h_in / y_range)
        half_w, half_h = 36 * w_in / unit_pt, 36 * h_in / unit_pt
        y_mid = -lay.height / 2 + 0.2
        xlim = (lay.width / 2 - half_w, lay.width / 2 + half_w)
        return unit_pt, xlim, (y_mid - half_h, y_mid + half_h)

    def _department_texts(self, org) -> list[str]:
        """Each department group's name: the HR export's, else "dept N"."""
        names = org.department_names
        codes = np.unique(org.department[org.parent >= 0])
        if len(codes) == 0:
            codes = np.array([0])
        return [names[c] if 0 <= c < len(names) and names[c] else f"dept {c}" for c in codes]

    def _name_rooms(self, rows: int) -> np.ndarray:
        """The width (inches) each department name may take when names alternate over `rows`.

        A name may reach halfway to the next name on its own row (or to the panel's edge).
        """
        lay, (x_lo, x_hi) = self.layout, self.xlim
        centre = lay.dept_left + lay.dept_columns / 2
        room = np.empty(len(centre))
        for g, c in enumerate(centre):
            left = c - centre[g - rows] if g - rows >= 0 else 2 * (c - x_lo)
            right = centre[g + rows] - c if g + rows < len(centre) else 2 * (x_hi - c)
            room[g] = min(left, right)
        return room * self.unit_pt * PT - 0.5 * self.fonts.small * PT

    def _department_names(self, ax: Axes, org) -> None:
        """Grey bands behind alternate departments, and each one's name under its group.

        Names come from the HR export when it has them ("dept N" otherwise). Where one row
        of names does not fit, alternate names drop to a second row; a name still too wide
        is shortened with an ellipsis: type never goes below the smallest size.
        """
        f, lay = self.fonts, self.layout
        centre = lay.dept_left + lay.dept_columns / 2
        for g, (x0, cols) in enumerate(zip(lay.dept_left, lay.dept_columns, strict=True)):
            if g % 2 == 0:
                ax.fill_between(
                    [x0 - 0.5, x0 + cols + 0.5],
                    lay.band_top[1] + 0.8,
                    -lay.height - 0.6,
                    color="#f2f2f2",
                    linewidth=0,
                    zorder=0,
                )
        texts = self._department_texts(org)
        rooms = self._name_rooms(self.dept_rows)
        for g, (text, room) in enumerate(zip(texts, rooms, strict=True)):
            code = str(lay.departments[g])
            label = ax.annotate(
                self._fit(text, f.small, room) or self._fit(code, f.small, room),
                xy=(centre[g], 0),
                xycoords=("data", "axes fraction"),
                xytext=(0, -(0.3 + (g % self.dept_rows) * DEPT_LINE) * f.small),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=f.small,
                color=GREY_TEXT,
                annotation_clip=False,
            )
            self.department_labels.append(label)

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
        self.draw()
        return rgb_image(self.fig.canvas)

    def draw(self) -> None:
        """Draw the current frame into the figure's canvas.

        The cached background, then only the artists that change; the background is drawn
        once, and again only when the turnover chart's scale grows.
        """
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
        widths = np.where(filled & ~self.is_senior, 0.3, 0.9)
        if not np.array_equal(widths, panel.node_widths):  # setting them costs, even unchanged
            panel.nodes.set_linewidths(widths)
            panel.node_widths = widths
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
        # numpy columns, not a DataFrame a week: the same numbers at a fraction of the cost
        series = model.recorder.finish_columns()
        last = {name: column[-1] for name, column in series.items()}
        dates = np.asarray(series["date"], dtype="datetime64[D]")
        turnover = np.array(series["turnover_junior"], dtype=float)
        turnover[np.asarray(series["week"]) < TURNOVER_FROM_WEEK] = np.nan
        panel.turnover_line.set_data(dates, turnover)
        panel.fluency_line.set_data(dates, np.asarray(series["leadership_fluency"], dtype=float))
        t = last["turnover_junior"]
        t_text = f"{t:.0%}" if int(last["week"]) >= TURNOVER_FROM_WEEK else "n/a yet"
        panel.headline.set_text(
            self._headline_text(
                panel.headline.lines,
                t_text,
                f"{last['engagement_junior']:.2f}",
                f"{last['leadership_fluency']:.2f}",
                int(last["pairs_active"]),
            )
        )
        return [
            panel.nodes,
            panel.ties,
            panel.ended,
            panel.headline,
            panel.turnover_line,
            panel.fluency_line,
        ]
