"""The org drawn by Mesa's own tools: a layout, a portrayal and a renderer for `model.grid`.

`OrgCultureModel.grid` is a Mesa `Network` space (one cell per position, org ties as
connections), so `mesa.visualization.draw_space(model.grid, portrayal)` and
`SpaceRenderer(model)` draw it as they are. Their default layout is networkx's spring
layout, slow beyond a few hundred people and not an org chart; this module gives them the
animation's org-chart layout (levels as rows, departments side by side) instead::

    from mesa.visualization import draw_space
    from sim.viz.org_space import org_chart_layout, org_renderer, portray_employee

    ax = draw_space(model.grid, portray_employee, layout_alg=org_chart_layout)
    ax = org_renderer(model).setup_agents(portray_employee).render().canvas

Mesa's visualization package imports solara, so this needs the ``mesa-viz`` extra
(``pip install "orgculture-sim[mesa-viz]"``; `make` installs it). The networkx graph
the drawing reads is built on first use (about 3 s at 300,000 positions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import networkx as nx
import numpy as np

from sim.viz.animation.layout import hierarchical_layout

if TYPE_CHECKING:
    from mesa.visualization import SpaceRenderer

    from sim.model import Employee, OrgCultureModel

ENGAGEMENT_COLOURS = mpl.colormaps["viridis"]
SIZES = {"Junior": 18.0, "Senior": 36.0}
MARKERS = {"Junior": "o", "Senior": "s"}
# Mesa's network drawer passes these to networkx's draw_networkx_nodes / _edges.
POSITION_STYLE = {"node_size": 6, "node_color": "#bbbbbb", "alpha": 1.0}
TIE_STYLE = {"alpha": 0.15, "style": "-", "width": 0.5}
VIZ_EXTRA = 'Mesa\'s drawing needs its viz packages: pip install "orgculture-sim[mesa-viz]"'


def mesa_visualization() -> Any:
    """Mesa's visualization package, or an ImportError that says how to install it."""
    try:
        import mesa.visualization as viz
    except ImportError as err:  # mesa.visualization imports solara and altair
        raise ImportError(f"{VIZ_EXTRA} ({err})") from err
    return viz


def org_chart_layout(graph: nx.Graph, seed: object = None, aspect: float = 1.5) -> dict:
    """A Mesa/networkx layout: each node's (x, y) in the org chart, levels as rows.

    Reads the node attributes `Org.to_networkx` sets (manager, level, department), so it
    works as `layout_alg` wherever Mesa takes one. Deterministic: `seed` (which Mesa
    passes to every layout) is ignored.

    Returns:
        {node: array([x, y])} in node order 0..n-1, as Mesa's network drawing expects.
    """
    n = graph.number_of_nodes()
    nodes = range(n)
    attrs = graph.nodes
    parent = np.array([-1 if attrs[p]["manager"] is None else attrs[p]["manager"] for p in nodes])
    level = np.array([attrs[p]["level"] for p in nodes])
    department = np.array([attrs[p]["department"] for p in nodes])
    xy = hierarchical_layout(parent, level, department, aspect=aspect).xy
    return dict(zip(nodes, xy, strict=True))


def portray_employee(agent: Employee) -> Any:
    """Mesa's portrayal of one employee: colour = engagement (viridis), square = senior."""
    style = mesa_visualization().components.AgentPortrayalStyle
    role = agent.role
    return style(
        color=mpl.colors.to_hex(ENGAGEMENT_COLOURS(agent.engagement)),
        size=SIZES[role],
        marker=MARKERS[role],
    )


def org_renderer(model: OrgCultureModel, backend: str = "matplotlib") -> SpaceRenderer:
    """Mesa's `SpaceRenderer` of the model's org, laid out as an org chart.

    `SpaceRenderer(model)` itself works too, with its spring layout (seeded, but seconds
    for a thousand people). Use it as Mesa's: ``.setup_agents(portray_employee).render()``,
    then ``.canvas`` (a matplotlib Axes with the matplotlib backend). With matplotlib,
    positions are small grey dots (a vacancy shows as one without a person) and ties thin
    lines, so that the people stand out; `setup_structure` changes that as in Mesa.
    """
    viz = mesa_visualization()
    from mesa.visualization.space_drawers import NetworkSpaceDrawer

    class OrgSpaceRenderer(viz.SpaceRenderer):
        """A SpaceRenderer whose network drawer uses the org-chart layout."""

        def _get_space_drawer(self) -> NetworkSpaceDrawer:
            return NetworkSpaceDrawer(self.space, layout_alg=org_chart_layout, layout_kwargs={})

    renderer = OrgSpaceRenderer(model, backend=backend)
    if backend == "matplotlib":
        renderer.setup_structure(node_kwargs=POSITION_STYLE, edge_kwargs=TIE_STYLE)
    return renderer
