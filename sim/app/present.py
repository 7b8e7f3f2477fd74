"""Presenter mode: the picture fills a projector's screen, the controls wait in a drawer.

`?present=1` in the address (or the Present button) shows a thin bar (the week, Reset,
Play and Step, Controls, Exit) over the picture, which already holds both org charts, their
headline numbers and the live charts of turnover and fluency (the animation's frame). The
picture is drawn at 1920x1080 (`sim.app.dashboard.FRAME`) and scaled by the browser to
the space under the bar, keeping its shape, so nothing scrolls at 1920x1080 or 1280x720. Type
sizes follow the screen's height: the bar's text is 2.3% of it (25 px at 1080, 16.6 px at 720).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs

import solara

from sim.app.pictures import OrgChart, WeekText

BAR_VH = 5.2  # the bar's height, percent of the screen's height
TEXT_VH = 2.3  # the bar's text, percent of the screen's height

STYLE = f"""
.sim-present {{position: fixed; inset: 0; background: white; display: flex;
 flex-direction: column; overflow: hidden; z-index: 5}}
.sim-present-bar {{height: {BAR_VH}vh; min-height: {BAR_VH}vh; display: flex;
 align-items: center; gap: 1.2vw; padding: 0 1vw; font-size: max(16px, {TEXT_VH}vh)}}
.sim-present-bar * {{font-size: max(16px, {TEXT_VH}vh) !important}}
.sim-present-bar .v-btn {{height: {BAR_VH * 0.8}vh !important; text-transform: none}}
.sim-present-bar .sim-week {{margin: 0; white-space: nowrap; overflow: hidden}}
.sim-present > * {{margin: 0 !important}}
.sim-present-stage {{flex: 1 1 0; min-height: 0; display: flex; justify-content: center;
 align-items: center; overflow: hidden}}
.sim-present-stage canvas {{height: 100% !important; width: 100% !important;
 object-fit: contain; margin: 0 !important}}
.sim-drawer {{position: fixed; top: {BAR_VH}vh; left: 0; bottom: 0; width: 380px;
 overflow-y: auto; background: white; box-shadow: 2px 0 8px rgba(0,0,0,.3); padding: 8px;
 z-index: 10}}
"""


def wanted(search: str | None) -> bool:
    """Whether the address asks for presenter mode (`?present=1`, `yes` or `true`)."""
    values = parse_qs(search or "").get("present", [])
    return any(v.strip().lower() in ("1", "yes", "true", "on") for v in values)


@solara.component
def Presenter(view, presenting, drawer, buttons: Callable[[], None], controls: Callable[[], None]):
    """The projector's page: the bar, the picture, and the controls' drawer."""
    with solara.Column(classes=["sim-present"], gap="0px"):
        with solara.Row(classes=["sim-present-bar"]):
            WeekText(view)
            buttons()
            solara.Button(
                "Hide controls" if drawer.value else "Controls",
                on_click=lambda: drawer.set(not drawer.value),
                classes=["sim-drawer-btn"],
            )
            solara.Button("Exit", on_click=lambda: presenting.set(False), text=True)
        with solara.Column(classes=["sim-present-stage"]):
            OrgChart(view)
        if drawer.value:
            with solara.Column(classes=["sim-drawer"]):
                controls()
