"""The picture and the week line: what the dashboard and its presenter mode both show."""

from __future__ import annotations

import html

import solara
from mesa.visualization.utils import update_counter

from sim.app.dashboard import WorkshopModel


@solara.component
def OrgChart(model: WorkshopModel):
    """The animation's frame of this week: both org charts, colours = engagement."""
    update_counter.get()
    solara.Image(model.png(), width="100%", classes=["sim-picture"])


@solara.component
def WeekText(model: WorkshopModel):
    """The week, its date and where it is against the launch."""
    update_counter.get()
    solara.HTML(tag="p", unsafe_innerHTML=html.escape(model.status()), classes=["sim-week"])
