"""Mesa's own `Scenario` given where OrgCultureModel takes the project's: what Reset passes.

Mesa 3.5's SolaraViz rebuilds a model on Reset as ``type(model)(**params, scenario=S())``,
with ``S`` Mesa's experimental `Scenario` class, whenever the model accepts a ``scenario``
keyword -- and ours does: it is the project's `Scenario`, the first argument of every call
in the project. So instead of renaming ours, OrgCultureModel accepts either kind there:

- a project `Scenario`, as always;
- a Mesa `Scenario`: its parameters (other than ``rng``) are keyword parameters of the run,
  as if given as keywords, and its ``rng``, when not None, is the run's rng. The project
  scenario then comes from ``config=`` (the attribute's name, `model.config`), which Mesa
  passes through Reset untouched; without it, `default_scenario()`.

A Reset therefore keeps a SolaraViz page's scenario when it is given as ``config``
(docs/mesa.md, "Mesa's SolaraViz page").
"""

from __future__ import annotations

from typing import Any

from mesa.experimental.scenarios import Scenario as MesaScenario

from sim.errors import InputError, Problem
from sim.scenario.parameters import Scenario
from sim.scenario.seeds import NOT_GIVEN


def scenario_inputs(
    scenario: Any, config: Scenario | None, keywords: dict[str, Any], rng: Any
) -> tuple[Any, dict[str, Any], Any]:
    """The project scenario, the keywords and the rng of a run, Mesa's Scenario unpacked.

    Args:
        scenario: OrgCultureModel's ``scenario`` argument (either kind, or None).
        config: OrgCultureModel's ``config`` argument (a project Scenario, or None).
        keywords: the run's other keyword parameters.
        rng: OrgCultureModel's ``rng`` argument.

    Raises:
        InputError: both ``scenario`` and ``config`` name a project scenario, or a Mesa
            Scenario's parameter is also given as a keyword.
    """
    if not isinstance(scenario, MesaScenario):
        if config is not None and scenario is not None:
            raise InputError(
                [
                    Problem(
                        "OrgCultureModel(scenario=..., config=...)",
                        "give the project's scenario once: as scenario, or as config when "
                        "scenario is Mesa's own Scenario",
                    )
                ]
            )
        return (scenario if scenario is not None else config), keywords, rng
    params = {k: v for k, v in scenario if k != "rng"}
    twice = sorted(set(params) & set(keywords))
    if twice:
        raise InputError(
            [
                Problem(
                    f"OrgCultureModel({name}=...)",
                    "given both as a keyword and in Mesa's scenario; give it once",
                )
                for name in twice
            ]
        )
    if scenario.rng is not None and rng is NOT_GIVEN:
        rng = scenario.rng
    return config, {**keywords, **params}, rng
