"""Reset, Play/Pause and Step: the dashboard's own run controls and its play loop.

Mesa's `ModelController` steps the model in a thread and asks Solara to re-render the
components, which then draw the picture while rendering; with a short pause between steps
a render took longer than the pause and the page showed nothing until the run's end (seen
with 0 to 100 ms at 1920x1080). Here the play loop's thread steps the model and makes the
week's `Frame` itself, then puts it into the tab's widgets (`FrameView.show`, no re-render
of the page), and the next week starts once the frame is handed over: every week is drawn.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import solara

from sim.app.pictures import Frame, FrameView


@solara.component
def RunButtons(
    step: Callable[[], None],
    reset: Callable[[], None],
    playing: solara.Reactive[bool],
    running: bool,
):
    """Reset, Play/Pause and Step, in a row."""
    with solara.Row(classes=["sim-run-buttons"]):
        solara.Button("Reset", on_click=reset, color="primary", classes=["sim-reset"])
        solara.Button(
            "Pause" if playing.value else "Play",
            on_click=lambda: playing.set(not playing.value),
            color="primary",
            disabled=not running,
            classes=["sim-play"],
        )
        solara.Button("Step", on_click=step, color="primary", disabled=playing.value or not running)


def use_player(
    model: solara.Reactive,
    view: FrameView,
    make: Callable[[Any], Frame],
    weeks_per_step: solara.Reactive[int],
    pause_ms: solara.Reactive[int],
) -> tuple[Callable[[], None], solara.Reactive[bool]]:
    """The Step action and the playing flag; while playing, a thread steps and shows weeks."""
    playing = solara.use_reactive(False)

    def advance(run=None) -> int:
        m = run if run is not None else model.value  # the play loop's own run, or Step's
        for _ in range(weeks_per_step.value):
            if not m.running:
                break
            m.step()
        return view.show(make(m), source=m)  # dropped if a Reset replaced `m` meanwhile

    def loop() -> None:
        if not playing.value:
            return
        m = model.value
        while playing.value and m.running and model.value is m:
            shown = advance(m)
            # the next week once the page has drawn this one (or after a second): never
            # faster than the browser paints, so a click waits behind no backlog of frames
            view.wait_drawn(shown, timeout=1.0)
            time.sleep(pause_ms.value / 1000)
        if model.value is m:  # after a Reset, the new run's Play is not this loop's to stop
            playing.set(False)

    # Not intrusive: Solara's intrusive cancel traces every line the thread runs (sys.settrace),
    # which tripled the CPU a week took; the loop checks `playing` itself each week instead.
    solara.use_thread(loop, dependencies=[playing.value, id(model.value)], intrusive_cancel=False)
    return advance, playing
