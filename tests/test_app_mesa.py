"""Mesa's SolaraViz Reset without a browser: Mesa's own rebuild of an OrgCultureModel.

Mesa 3.5's Reset calls `_build_model_init_kwargs` and then ``type(model)(**kwargs)``: the
kwargs carry ``scenario=<Mesa's Scenario>``, which the model used to refuse.
"""

import pandas as pd
import pytest

from helpers import small_scenario
from sim import OrgCultureModel
from sim.errors import InputError

solara_viz = pytest.importorskip("mesa.visualization.solara_viz", reason="needs mesa-viz")
from mesa.experimental.scenarios import Scenario as MesaScenario  # noqa: E402


def reset(model, params):
    """What Mesa's Reset button does with the page's parameters."""
    kwargs = solara_viz._build_model_init_kwargs(
        model, params, add_scenario_when_empty=True, require_model_accepts_scenario=True
    )
    assert isinstance(kwargs["scenario"], MesaScenario)  # what Mesa passes
    return type(model)(**kwargs)


def test_reset_rebuilds_the_model_with_the_sliders_and_keeps_the_scenario():
    scenario = small_scenario(size=40, years=0.2)
    model = OrgCultureModel(config=scenario, cadence_weeks=2, rng=1)
    again = reset(model, {"config": scenario, "cadence_weeks": 4, "commitment": 0.5, "rng": 3})
    assert (again.design.cadence_weeks, again.design.commitment, again.seed) == (4, 0.5, 3)
    direct = OrgCultureModel(scenario, cadence_weeks=4, commitment=0.5, rng=3)
    assert again.config == direct.config and again.config.org.size == 40  # not the default's
    for m in (again, direct):
        m.run_model()
    pd.testing.assert_frame_equal(again.series(), direct.series(), check_exact=True)


def test_a_mesa_scenarios_parameters_are_keywords_and_its_rng_the_seed():
    scenario = small_scenario(size=40, years=0.2)
    mesa_scenario = MesaScenario(rng=7, cadence_weeks=3, org__span=4)
    model = OrgCultureModel(mesa_scenario, config=scenario)
    assert (model.seed, model.design.cadence_weeks, model.config.org.span) == (7, 3, 4)
    assert OrgCultureModel(MesaScenario(), config=scenario).seed == 0  # rng None: ours


def test_the_project_scenario_is_given_once_and_a_parameter_once():
    scenario = small_scenario(size=40, years=0.2)
    with pytest.raises(InputError, match="give the project's scenario once"):
        OrgCultureModel(scenario, config=scenario)
    with pytest.raises(InputError, match=r"cadence_weeks=...\): given both"):
        OrgCultureModel(MesaScenario(cadence_weeks=3), config=scenario, cadence_weeks=4)
    with pytest.raises(InputError, match="unknown keyword"):
        OrgCultureModel(MesaScenario(colour="red"), config=scenario)
