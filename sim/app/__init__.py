"""`sim app` and `sim workshop`: the browser pages of a workshop (the optional `app` extra).

`sim app` is a dashboard that steps two models live: `dashboard.WorkshopModel` (a Mesa
model: the no-program run and a program run on one seed), `controls` (the knobs, as `--set`
overrides), `charts`, `pictures` and `player` (each week's frame and the play loop),
`compare` (replicates on demand), `present` (the projector's mode) and `page` (the Solara
page), served offline by `server`; `mesa_page` is Mesa's own SolaraViz page of the model.
`sim workshop` is a room where participants propose designs from their phones: `room` (the
session, its checks and its folder), `room_runs` (the rounds' runs in a process pool),
`room_server` and `room_pages` (a Starlette server and two plain pages). This package sits
above `sim.viz` (the animation's picture), `sim.runs`, `sim.calibration` (the posterior) and
`sim.studies` (explain): see the layer contract in pyproject.toml.
"""
