"""The dashboard's live charts: dates on the x axis, fixed scales, the design by its label.

One matplotlib figure of three charts (junior turnover, junior engagement, leadership
fluency), no program beside the design: axes drawn once on the server, lines drawn
by the page each week (`sim.app.canvas`). Its scales are the
picture's: fluency and engagement 0 to 1, turnover 0-40% unless the picture raises it; the
x axis is the calendar from the start date to the scenario's end, with the launch marked.
The axes, ticks and titles are drawn once and cached; a week redraws only the lines.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter
from PIL import Image

from sim.app.canvas import FigureLayers, Layers
from sim.viz.animation.frame import TURNOVER_FROM_WEEK, week_date
from sim.viz.animation.sizing import fit_text
from sim.viz.animation.stage import rgb_image
from sim.viz.plots import design_colours

CHARTS = (
    ("turnover_junior", "Junior turnover (last 52 weeks)"),
    ("engagement_junior", "Junior engagement"),
    ("leadership_fluency", "Leadership fluency"),
)
SIZE = (1200, 330)  # pixels of the figure (three charts side by side)
DPI = 100.0
_LAYOUTS: dict[tuple, dict[str, float]] = {}  # tight layouts already computed (`_lay_out`)


class LiveCharts:
    """The three charts of one dashboard model; `picture()` gives the weeks run so far.

    Args:
        model: the `WorkshopModel` (its two runs, its scenario and its labels).
        size: the figure's pixels.
        font_px: the smallest text's height in pixels.
    """

    def __init__(self, model, size: tuple[int, int] = SIZE, font_px: float = 13.0) -> None:
        self.model = model
        scenario = model.config
        self.font_px = font_px
        points = font_px * 72 / DPI
        self.fig = Figure(figsize=(size[0] / DPI, size[1] / DPI), dpi=DPI)
        FigureCanvasAgg(self.fig)
        self.axes = self.fig.subplots(1, 3)
        self.dates = np.array(
            [np.datetime64(week_date(scenario, w)) for w in range(scenario.weeks + 1)]
        )
        colours = design_colours(["baseline", "program"])
        titles = model.side_titles()
        self.lines = {}
        launch = np.datetime64(week_date(scenario, scenario.launch_week))
        for ax, (column, title) in zip(self.axes, CHARTS, strict=True):
            ax.set_title(title, loc="left", fontweight="bold", fontsize=points * 1.15)
            ax.set_xlim(self.dates[0], self.dates[-1])
            ax.set_ylim(0, 1)
            ax.grid(True, color="#e0e0e0", linewidth=0.6)
            ax.spines[["top", "right"]].set_visible(False)
            ax.tick_params(labelsize=points)
            locator = mpl.dates.AutoDateLocator(minticks=3, maxticks=5)
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mpl.dates.ConciseDateFormatter(locator))
            if scenario.launch_week > 0:
                ax.axvline(launch, color="#777777", linestyle=":", linewidth=1.1)
            for side in ("baseline", "program"):
                (line,) = ax.plot([], [], color=colours[side], linewidth=2, label=titles[side])
                self.lines[column, side] = line
        self.axes[0].yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        self.turnover_top = 0.0
        self._lay_out(size, font_px, scenario)
        # The key after the layout, each label fitted to the first chart's width: a long
        # design label would otherwise push the charts apart (or run over the next one).
        renderer = self.fig.canvas.get_renderer()
        room = self.axes[0].get_position().width * size[0] / DPI - 3.5 * points / 72
        handles = [self.lines["turnover_junior", side] for side in ("baseline", "program")]
        labels = [fit_text(renderer, titles[s], points, room) for s in ("baseline", "program")]
        self.axes[0].legend(handles, labels, loc="upper left", fontsize=points, frameon=False)
        self._background = None
        self.layers = FigureLayers(self.fig, list(self.lines.values()))

    def _lay_out(self, size: tuple[int, int], font_px: float, scenario) -> None:
        """Margins and gaps by matplotlib's tight layout, once per size, type and calendar.

        It takes 0.11 s, a tenth of a Reset's second; the charts are the same but for their
        lines and key, which the layout leaves out.
        """
        key = (size, font_px, str(self.dates[0]), str(self.dates[-1]), scenario.launch_week > 0)
        margins = _LAYOUTS.get(key)
        if margins is None:
            self.fig.tight_layout(pad=0.6)
            p = self.fig.subplotpars
            margins = _LAYOUTS[key] = {
                "left": p.left, "right": p.right, "bottom": p.bottom, "top": p.top,
                "wspace": p.wspace, "hspace": p.hspace,
            }  # fmt: skip
        else:
            self.fig.subplots_adjust(**margins)

    def update(self) -> None:
        """Put the weeks run so far into the lines (and the turnover scale)."""
        top = self.model.stage.turnover_top  # the picture's scale
        if top != self.turnover_top:
            self.turnover_top = top
            self.axes[0].set_ylim(0, top)
            self._background = None
        week = self.model.steps
        for side, run in (("baseline", self.model.baseline), ("program", self.model.program)):
            series = run.recorder.finish_columns()
            for column, _title in CHARTS:
                values = np.asarray(series[column], dtype=float)[: min(week + 1, len(self.dates))]
                if column == "turnover_junior":
                    values = values.copy()
                    values[:TURNOVER_FROM_WEEK] = np.nan  # annualised from too few weeks to show
                self.lines[column, side].set_data(self.dates[: len(values)], values)

    def image(self) -> Image.Image:
        """The charts as they are this week (background cached, lines redrawn)."""
        self._draw()
        return rgb_image(self.fig.canvas)

    def _draw(self) -> None:
        self.update()
        canvas = self.fig.canvas
        lines = list(self.lines.values())
        if self._background is None:
            for line in lines:
                line.set_visible(False)
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.fig.bbox)
            for line in lines:
                line.set_visible(True)
        canvas.restore_region(self._background)
        for line in lines:
            line.axes.draw_artist(line)

    def picture(self) -> Layers:
        """The charts as the page draws them: axes once, this week's lines as shapes."""
        self.update()
        return self.layers.layers()
