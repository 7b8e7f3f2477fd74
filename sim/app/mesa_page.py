"""Mesa's own SolaraViz page of one OrgCultureModel: Mesa's controls, Reset and all.

The example docs/mesa.md shows, served by `sim.app.server.serve(..., app="sim.app.mesa_page")`
so that the browser test drives Mesa's page itself (not the project's dashboard): Mesa's
ModelController (Reset, Play, Step), its sliders (ModelCreator), its org renderer and a live
plot. The project scenario is given as ``config`` so that Mesa's Reset, which passes its
own ``scenario=``, keeps it (`sim.model.mesa_scenario`).
"""

from __future__ import annotations

import solara
from mesa.visualization import Slider, SolaraViz, make_plot_component
from mesa.visualization.utils import update_counter

from sim.app.dashboard import load
from sim.model.model import OrgCultureModel
from sim.viz.org_space import org_renderer, portray_employee


def _settings() -> dict:
    from sim.app.page import config

    return config()


@solara.component
def RunText(model: OrgCultureModel):
    """Which run is on screen: its design's knobs and seed (what Reset changed)."""
    update_counter.get()
    design = model.design
    text = (
        "no program"
        if design is None
        else (f"cadence {design.cadence_weeks} weeks, commitment {design.commitment:g}")
    )
    solara.Text(f"{text}; seed {model.seed}; week {model.steps}", classes=["sim-mesa-run"])


def build_page():
    """Mesa's SolaraViz of the configured scenario (`sim app`'s settings)."""
    settings = _settings()
    scenario = load(settings.get("source"), settings.get("sets", []))
    model = OrgCultureModel(config=scenario, cadence_weeks=2, commitment=0.9, rng=1)
    renderer = org_renderer(model).setup_agents(portray_employee).render()
    params = {
        "config": scenario,  # fixed: passed through Reset untouched
        "cadence_weeks": Slider("Weeks between sessions", 2, 1, 13, 1),
        "commitment": Slider("Commitment", 0.9, 0.0, 1.0, 0.05),
        "rng": Slider("Seed", 1, 0, 99, 1),
    }
    return SolaraViz(
        model,
        renderer,
        components=[make_plot_component("leadership_fluency"), (RunText, 0)],
        model_params=params,
        name="OrgCultureModel in Mesa's SolaraViz",
    )


page = build_page()
