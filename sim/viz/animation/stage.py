"""The figure of an animation: its panels and charts built once, then updated frame by frame.

`Stage` owns the models (one per design, on one seed) and the artists; `show(week)` steps
the models and updates what changed, `render()` draws only that on a cached background.
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

from sim.model.model import OrgCultureModel
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
from sim.viz.plots import design_colours


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
