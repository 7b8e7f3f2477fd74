"""What the dashboard shows of a week, made once per week: the frame, and its components.

A `Frame` is everything the page shows of one week (the picture as JPEG, the live charts,
the numbers and the week line), made by whoever stepped the model (the play loop's thread,
or a Step or Reset), outside of Solara's rendering. A tab's `FrameView` holds the widgets
that show it and puts each new frame straight into them: one message per widget, no
re-render of the page. Handing the frame to a reactive variable instead made Solara
re-render the components every week, which took as long as drawing the frame
(docs/app.md, "Speed").
"""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass

import solara

from sim.app.charts import LiveCharts
from sim.app.dashboard import WorkshopModel


@dataclass(frozen=True)
class Frame:
    """One week as the page shows it."""

    week: int
    picture: bytes
    charts: bytes
    numbers: str
    status: str


def make_frame(model: WorkshopModel, charts: LiveCharts, numbers_html) -> Frame:
    """The frame of the model's current week."""
    return Frame(
        week=model.steps,
        picture=model.jpeg(),
        charts=charts.jpeg(),
        numbers=numbers_html(model),
        status=model.status(),
    )


class FrameView:
    """The widgets of one tab that show the frame, and the frame they show.

    Each component below registers the widget it made; `show(frame)` sets every registered
    widget's content (from any thread), and a widget registered later starts from the
    latest frame. The components' own arguments never change, so a re-render of the page
    never puts an older frame back.
    """

    # part of the page -> (the widget's trait, what of the frame it shows)
    PARTS = {
        "picture": ("value", lambda f: f.picture),
        "charts": ("value", lambda f: f.charts),
        "numbers": ("unsafe_innerHTML", lambda f: f.numbers),
        "week": ("unsafe_innerHTML", lambda f: html.escape(f.status)),
    }

    def __init__(self, frame: Frame) -> None:
        self.first = frame
        self.frame = frame
        self._widgets: dict[str, set] = {part: set() for part in self.PARTS}
        self._lock = threading.Lock()

    def show(self, frame: Frame) -> None:
        """Show `frame` in every widget of the tab."""
        with self._lock:
            self.frame = frame
            for part, widgets in self._widgets.items():
                for widget in widgets:
                    self._set(widget, part, frame)

    def _set(self, widget, part: str, frame: Frame) -> None:
        trait, value = self.PARTS[part]
        setattr(widget, trait, value(frame))

    def use(self, element, part: str) -> None:
        """Register the widget of `element` (in a component) while it is on the page."""

        def attach():
            widget = solara.get_widget(element)
            with self._lock:
                self._widgets[part].add(widget)
                if self.frame is not self.first:
                    self._set(widget, part, self.frame)

            def detach() -> None:
                with self._lock:
                    self._widgets[part].discard(widget)

            return detach

        solara.use_effect(attach, [])


@solara.component
def OrgChart(view: FrameView):
    """The animation's frame of this week: both org charts, colours = engagement."""
    image = solara.Image(view.first.picture, format="jpeg", width="100%", classes=["sim-picture"])
    view.use(image, "picture")


@solara.component
def Charts(view: FrameView):
    """The live charts, dates on the x axis, the picture's fixed scales."""
    image = solara.Image(view.first.charts, format="jpeg", width="100%", classes=["sim-charts"])
    view.use(image, "charts")


@solara.component
def Numbers(view: FrameView):
    """The week and the headline numbers of both runs and their difference."""
    text = solara.HTML(tag="div", unsafe_innerHTML=view.first.numbers, classes=["sim-now"])
    view.use(text, "numbers")


@solara.component
def WeekText(view: FrameView):
    """The week, its date and where it is against the launch."""
    first = html.escape(view.first.status)
    text = solara.HTML(tag="p", unsafe_innerHTML=first, classes=["sim-week"])
    view.use(text, "week")
