"""The org drawn by Mesa's own draw_space and SpaceRenderer (matplotlib backend, Agg)."""

import numpy as np
import pytest

from helpers import design, small_scenario
from sim import OrgCultureModel

pytest.importorskip("solara", reason="Mesa's visualization needs the mesa-viz extra")

from matplotlib.collections import LineCollection, PathCollection  # noqa: E402
from mesa.visualization import SpaceRenderer, draw_space  # noqa: E402

from sim.viz.org_space import org_chart_layout, org_renderer, portray_employee  # noqa: E402


@pytest.fixture(scope="module")
def model() -> OrgCultureModel:
    """A small org after some exits, so that a few positions are vacant."""
    model = OrgCultureModel(small_scenario(size=80), design(), seed=3)
    model.run_for(20)
    assert not model.people.filled.all()
    return model


def points(ax) -> list[int]:
    """Points drawn by each scatter of an Axes."""
    return [len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection)]


def test_org_chart_layout_puts_every_position_on_its_levels_row(model):
    pos = org_chart_layout(model.grid.G)
    assert list(pos) == list(range(model.org.size))  # node order, as Mesa indexes it
    y = np.array([pos[p][1] for p in pos])
    level = model.org.level
    assert (y[level == 0] > y[level == 1].max()).all()
    assert y[level == 1].min() > y[level == 2].max()


def test_draw_space_draws_each_person_and_each_tie(model):
    ax = draw_space(model.grid, portray_employee, layout_alg=org_chart_layout)
    filled = int(model.people.filled.sum())
    assert sum(points(ax)) == filled  # one point per person; vacancies are empty cells
    assert len(points(ax)) == 2  # juniors as circles, seniors as squares
    (ties,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(ties.get_segments()) == len(model.org.edges)


def test_the_org_renderer_draws_every_position_and_every_person(model):
    renderer = org_renderer(model).setup_agents(portray_employee).render()
    drawn = points(renderer.canvas)
    assert drawn[0] == model.org.size  # the structure: one node per position
    assert sum(drawn[1:]) == int(model.people.filled.sum())


def test_mesas_own_space_renderer_draws_the_org_as_it_is():
    model = OrgCultureModel(small_scenario(size=30), seed=1)
    renderer = SpaceRenderer(model, backend="matplotlib").setup_agents(portray_employee).render()
    assert points(renderer.canvas)[0] == 30
