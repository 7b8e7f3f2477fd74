"""What the dashboard shows of a week, made once per week: the frame, and its components.

A `Frame` is everything the page shows of one week (the picture and the live charts as
`Layers` that the page's canvas draws, the numbers and the week line), made by whoever
stepped the model (the play loop's thread, or a Step or Reset), outside of Solara's
rendering. A tab's `FrameView` holds the widgets that show it and puts each new frame
straight into them: one message per widget, no re-render of the page. Handing the frame to
a reactive variable instead made Solara re-render the components every week, which took as
long as drawing the frame (docs/app.md, "Speed").

The page's canvases say which frame they have drawn (`drawn`), and the play loop waits for
that before it sends the next (`FrameView.wait_drawn`): a server that outran the browser
filled the browser's queue with frames it could not draw, and a click on Pause then waited
behind them for seconds.
"""

from __future__ import annotations

import html
import threading
import time
from dataclasses import dataclass

import solara

from sim.app.canvas import FigureCanvas, Layers
from sim.app.charts import LiveCharts
from sim.app.dashboard import WorkshopModel


def _canvas(layers: Layers, week: int, serial: int) -> dict:
    """A `FigureCanvas`'s traits for one frame (the background first: it may be new)."""
    return {
        "background": layers.background,
        "width": layers.width,
        "height": layers.height,
        "week": week,
        "serial": serial,
        "shapes": layers.shapes,
    }


@dataclass(frozen=True)
class Frame:
    """One week as the page shows it."""

    week: int
    picture: Layers
    charts: Layers
    numbers: str
    status: str


def make_frame(model: WorkshopModel, charts: LiveCharts, numbers_html) -> Frame:
    """The frame of the model's current week."""
    return Frame(
        week=model.steps,
        picture=model.picture(),
        charts=charts.picture(),
        numbers=numbers_html(model),
        status=model.status(),
    )


class FrameView:
    """The widgets of one tab that show the frame, and the frame they show.

    Each component below registers the widget it made; `show(frame)` sets every registered
    widget's content (from any thread), and a widget registered later starts from the
    latest frame. The components never pass the frame's content as an argument of their
    element: on a re-render of the page (Pause, a slider) Solara sets every argument of an
    element on its widget again, so content given there would be put back. (Given there, a
    Pause put week 0 back on screen while the model stood at week 15.)
    """

    # part of the page -> what of the frame (and its serial number) it shows, as traits
    PARTS = {
        "picture": lambda f, n: _canvas(f.picture, f.week, n),
        "charts": lambda f, n: _canvas(f.charts, f.week, n),
        "numbers": lambda f, n: {"unsafe_innerHTML": f.numbers},
        "week": lambda f, n: {"unsafe_innerHTML": html.escape(f.status)},
    }
    CANVASES = ("picture", "charts")

    def __init__(self, frame: Frame, source: object = None) -> None:
        self.frame = frame
        self.source = source  # the run the frames come from (None: any)
        self.serial = 0  # frames shown so far: what a canvas says it has drawn
        self._widgets: dict[str, set] = {part: set() for part in self.PARTS}
        self._lock = threading.RLock()  # restart() shows under it
        self._drawn = threading.Condition()

    def restart(self, frame: Frame, source: object) -> int:
        """Show the first frame of a new run (a Reset); frames of any other run are dropped."""
        with self._lock:
            self.source = source
            return self.show(frame, source)

    def show(self, frame: Frame, source: object = None) -> int:
        """Show `frame` in every widget of the tab; returns its serial number.

        A frame of a run that is no longer the tab's (`source`, when given) is dropped: the
        play loop may finish a week of the old run just after a Reset showed the new one.
        """
        with self._lock:
            if source is not None and self.source is not None and source is not self.source:
                return self.serial
            self.frame = frame
            self.serial += 1
            for part, widgets in self._widgets.items():
                for widget in widgets:
                    self._set(widget, part)
            return self.serial

    def _set(self, widget, part: str) -> None:
        with widget.hold_sync():  # one message per widget and frame
            for trait, value in self.PARTS[part](self.frame, self.serial).items():
                setattr(widget, trait, value)

    def wait_drawn(self, serial: int, timeout: float = 1.0) -> bool:
        """Wait until every canvas on the page has drawn frame `serial` (False: timed out).

        Returns at once when no canvas is on the page.
        """
        deadline = time.monotonic() + timeout

        def drawn() -> bool:
            with self._lock:
                canvases = [w for part in self.CANVASES for w in self._widgets[part]]
            return all((w.drawn or 0) >= serial for w in canvases)

        with self._drawn:
            while not drawn():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._drawn.wait(left)
        return True

    def _on_drawn(self, _change) -> None:
        with self._drawn:
            self._drawn.notify_all()

    def use(self, element, part: str) -> None:
        """Register the widget of `element` (in a component) while it is on the page."""

        def attach():
            widget = solara.get_widget(element)
            if part in self.CANVASES:
                widget.observe(self._on_drawn, "drawn")
            with self._lock:
                self._widgets[part].add(widget)
                self._set(widget, part)

            def detach() -> None:
                with self._lock:
                    self._widgets[part].discard(widget)
                if part in self.CANVASES:
                    widget.unobserve(self._on_drawn, "drawn")
                self._on_drawn(None)  # a loop waiting on this canvas goes on

            return detach

        solara.use_effect(attach, [])


@solara.component
def OrgChart(view: FrameView):
    """The animation's frame of this week: both org charts, colours = engagement."""
    canvas = FigureCanvas(
        kind="sim-picture", label="The two org charts this week; colour = engagement"
    )
    view.use(canvas, "picture")


@solara.component
def Charts(view: FrameView):
    """The live charts, dates on the x axis, the picture's fixed scales."""
    canvas = FigureCanvas(
        kind="sim-charts",
        label="Junior turnover, junior engagement and leadership fluency, week by week",
    )
    view.use(canvas, "charts")


@solara.component
def Numbers(view: FrameView):
    """The week and the headline numbers of both runs and their difference."""
    text = solara.widgets.HTML.element(tag="div", attributes={"class": "sim-now"})
    view.use(text, "numbers")


@solara.component
def WeekText(view: FrameView):
    """The week, its date and where it is against the launch."""
    text = solara.widgets.HTML.element(tag="p", attributes={"class": "sim-week"})
    view.use(text, "week")
