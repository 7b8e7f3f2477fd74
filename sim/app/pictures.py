"""What the dashboard shows of a week, made once per week: the frame, and its components.

A `Frame` is everything the page shows of one week (the picture as JPEG, the live charts,
the numbers and the week line), made by whoever stepped the model (the play loop's thread,
or a Step or Reset), outside of Solara's rendering. The components below only hand the
ready bytes and text to the page, so a render is cheap and the page keeps up with play
(docs/app.md, "Speed").
"""

from __future__ import annotations

import html
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
        charts=charts.png(),
        numbers=numbers_html(model),
        status=model.status(),
    )


@solara.component
def OrgChart(frame: solara.Reactive[Frame]):
    """The animation's frame of this week: both org charts, colours = engagement."""
    solara.Image(frame.value.picture, format="jpeg", width="100%", classes=["sim-picture"])


@solara.component
def Charts(frame: solara.Reactive[Frame]):
    """The live charts, dates on the x axis, the picture's fixed scales."""
    solara.Image(frame.value.charts, width="100%", classes=["sim-charts"])


@solara.component
def Numbers(frame: solara.Reactive[Frame]):
    """The week and the headline numbers of both runs and their difference."""
    solara.HTML(tag="div", unsafe_innerHTML=frame.value.numbers, classes=["sim-now"])


@solara.component
def WeekText(frame: solara.Reactive[Frame]):
    """The week, its date and where it is against the launch."""
    solara.HTML(tag="p", unsafe_innerHTML=html.escape(frame.value.status), classes=["sim-week"])
