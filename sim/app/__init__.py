"""`sim app`: the workshop dashboard, a browser page that steps two models live.

Built on Mesa's SolaraViz controls (the optional `app` extra). `WorkshopModel` (a Mesa model:
the no-program run and a program run on one seed) and the controls need no browser and no
Solara; `page` is the Solara page and `server` serves it offline. This package sits above
`sim.viz` (it shows the animation's org chart), `sim.runs` (its compare button runs
replicates) and `sim.studies` (its explain): see the layer contract in pyproject.toml.
"""
