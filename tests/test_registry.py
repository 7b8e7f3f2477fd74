"""One registry of per-person attributes drives People, hires, agents and observation.

A throw-away attribute registered for a test (`loyalty`: the share of ten years served at
the start, a fixed value for a hire, reset when a person leaves) must appear on agents, in
the weekly series under its column, in the people table and in the Mesa DataCollector, and
change no existing number. Agents are bound to their person: one kept after its person
left says so when read.
"""

import copy
import dataclasses as dc

import numpy as np
import pandas as pd
import pytest

from helpers import design
from sim import OrgCultureModel
from sim.model import attributes
from sim.model import people as people_module
from sim.model.agents import Employee, Junior, Senior, StaleAgentError
from sim.model.attributes import Attribute, Fixed, registered
from sim.model.collector import usual_agent_reporters
from sim.model.people import Hiring, hire_into
from sim.scenario.calendar import WEEKS_PER_YEAR
from sim.scenario.parameters import Observation, OrgSpec, Scenario

LOYALTY = Attribute(
    "loyalty",
    np.float64,
    initial_from=lambda v: np.minimum(v["tenure"] / (10 * WEEKS_PER_YEAR), 1.0),
    hire=Fixed(lambda wf: 0.2),
    on_leave=0.0,
    series="loyalty",
    reported=True,
)


def busy(size: int = 150, weeks: int = 30, **changes) -> Scenario:
    """A small org with many exits and quick hires."""
    base = Scenario(org=OrgSpec(size=size), years=weeks / WEEKS_PER_YEAR, **changes)
    dyn = base.dynamics
    exits = dc.replace(dyn.exits, base_junior=0.5, base_senior=0.3)
    hiring = dc.replace(dyn.hiring, time_to_fill=2)
    return base.with_changes(dynamics=dc.replace(dyn, exits=exits, hiring=hiring))


@pytest.fixture
def loyalty():
    """`loyalty` registered for one test, removed after it."""
    with registered(LOYALTY) as entry:
        yield entry


def test_a_registered_attribute_is_on_agents_in_the_series_the_people_table_and_the_collector(
    loyalty,
):
    observation = Observation(record_people=True)
    # No warm-up: loyalty is drawn from the initial tenure, which position 5 still holds.
    scenario = busy(observation=observation, warmup_weeks=0)
    model = OrgCultureModel(scenario, design(), 2, agent_reporters=True)
    p = model.people
    assert p.loyalty.dtype == np.float64 and "loyalty" in p.attributes
    agent = model.agent_at(5)
    assert agent.loyalty == p.loyalty[5] == min(p.tenure[5] / 520, 1.0)
    agent.loyalty = 0.75  # an agent writes the array
    assert p.loyalty[5] == 0.75
    model.run_model()
    hired = p.filled & (p.occupant > 0)
    assert hired.any() and (p.loyalty[hired] == 0.2).all()
    series = model.series()
    filled_juniors = p.filled & ~model.org.is_senior
    assert series["loyalty_junior"].iloc[-1] == p.loyalty[filled_juniors].mean()
    assert series["loyalty_senior"].iloc[-1] == p.loyalty[p.filled & model.org.is_senior].mean()
    # Its role means come after the published per-role columns.
    columns = list(series.columns)
    assert columns.index("loyalty_junior") == columns.index("business_junior") + 1
    table = model.people_table()
    assert list(table.columns).index("loyalty") == list(table.columns).index("tenure") + 1
    agents = model.datacollector.get_agent_vars_dataframe()
    assert "loyalty" in usual_agent_reporters() and "loyalty" in agents.columns
    last = agents.xs(float(model.steps), level="Step")["loyalty"]
    assert sorted(last.tolist()) == sorted(p.loyalty[p.filled].tolist())


def test_registering_an_attribute_changes_no_existing_number():
    scenario = busy()
    before = OrgCultureModel(scenario, design(two_way=True), 4)
    before.run_model()
    with registered(LOYALTY):
        after = OrgCultureModel(scenario, design(two_way=True), 4)
        after.run_model()
    old, new = before.series(), after.series()
    assert set(new.columns) - set(old.columns) == {"loyalty_junior", "loyalty_senior"}
    pd.testing.assert_frame_equal(new[old.columns], old, check_exact=True)
    for name, array in before.people.arrays().items():
        assert np.array_equal(getattr(after.people, name), array), name


def test_an_unobserved_attribute_is_on_agents_but_not_in_the_series_or_the_collector():
    quiet = dc.replace(LOYALTY, name="grit", series=None, reported=False)
    with registered(quiet):
        model = OrgCultureModel(busy(weeks=4), None, 1, agent_reporters=True)
        model.run_model()
        assert not any(c.startswith("grit") for c in model.series().columns)
        assert "grit" not in usual_agent_reporters()
        assert "grit" not in model.datacollector.get_agent_vars_dataframe().columns
        agent = next(iter(model.agents))
        assert agent.grit == model.people.grit[agent.position]
    # Removed from the registry, it is gone from the agents too.
    assert not hasattr(Employee, "grit")
    assert "grit" not in OrgCultureModel(busy(weeks=1), None, 1).people.attributes


def test_an_attribute_of_one_role_is_on_its_agents_and_observed_for_that_role_only():
    mentees_only = dc.replace(LOYALTY, name="patience", roles=("Senior",), series="patience")
    with registered(mentees_only):
        model = OrgCultureModel(busy(weeks=3), None, 1)
        model.run_model()
        columns = set(model.series().columns)
        assert "patience_senior" in columns and "patience_junior" not in columns
        senior = next(iter(model.agents_by_type[Senior]))
        junior = next(iter(model.agents_by_type[Junior]))
        assert senior.patience == model.people.patience[senior.position]
        with pytest.raises(AttributeError) as caught:
            _ = junior.patience
        assert not isinstance(caught.value, StaleAgentError)


def test_the_listening_and_voice_stocks_belong_to_mentees_and_mentors():
    model = OrgCultureModel(busy(weeks=2), design(), 1)
    senior = next(iter(model.agents_by_type[Senior]))
    junior = next(iter(model.agents_by_type[Junior]))
    assert senior.listening == 0.0 and junior.voice == 0.0
    assert not hasattr(junior, "listening") and not hasattr(senior, "voice")


def test_an_agent_kept_after_its_person_left_says_so_instead_of_showing_the_next_hire():
    model = OrgCultureModel(busy(), None, 3)
    kept = {agent.position: agent for agent in model.agents}
    while True:
        model.step()
        gone = [a for pos, a in kept.items() if model.agent_at(pos) is not a]
        if gone:
            break
    agent = gone[0]
    week, position = model.steps, agent.position
    assert agent not in model.agents  # removed from Mesa's registry of agents
    with pytest.raises(StaleAgentError, match=f"left in week {week}; its position is vacant"):
        _ = agent.engagement
    with pytest.raises(StaleAgentError):
        agent.digital = 0.5
    with pytest.raises(StaleAgentError):
        _ = agent.manager
    while model.agent_at(position) is None:  # until the position is filled again
        model.step()
    successor = model.agent_at(position)
    assert successor.occupant == agent.occupant + 1
    assert successor.engagement == model.people.engagement[position]
    message = f"{agent.role} at position {position} left in week {week}; "
    message += "its position is now held by another person"
    with pytest.raises(StaleAgentError, match=message):
        _ = agent.engagement
    assert not hasattr(agent, "tenure")  # a StaleAgentError is an AttributeError


@pytest.mark.parametrize("registry", ["as it is", "with loyalty"])
def test_both_hiring_paths_give_every_registered_attribute_the_same_values(registry):
    # Up to FEW_HIRES hires are filled one at a time with Python numbers, more as arrays:
    # the same rules, bit for bit (tests/test_keyed.py checks the usual ones by hypothesis).
    entry = LOYALTY if registry == "with loyalty" else None
    with registered(entry) if entry else _nothing():
        model = OrgCultureModel(busy(), None, 6)
        hiring = Hiring(model.org, model.config.workforce, model.keys["hiring"])
        hired = np.array([3, 40, 77])
        one_by_one, as_arrays = copy.deepcopy(model.people), copy.deepcopy(model.people)
        hire_into(one_by_one, hiring, hired, 2030)
        few = people_module.FEW_HIRES
        try:
            people_module.FEW_HIRES = 0
            hire_into(as_arrays, hiring, hired, 2030)
        finally:
            people_module.FEW_HIRES = few
        names = [e.name for e in attributes.registry()]
        assert ("loyalty" in names) == (entry is not None)
        for name, array in one_by_one.arrays().items():
            other = getattr(as_arrays, name)
            assert array.dtype == other.dtype and np.array_equal(array, other), name


def test_the_registry_refuses_a_name_it_cannot_give():
    with pytest.raises(ValueError, match="registered already"):
        attributes.register(dc.replace(LOYALTY, name="digital"))
    with pytest.raises(ValueError, match="not a free Python name"):
        Attribute("filled", bool, initial=lambda s: np.ones(s.org.size, dtype=bool))
    with pytest.raises(ValueError, match="initial or initial_from"):
        Attribute("both", float)


class _nothing:  # noqa: N801 - a do-nothing context manager, as `registered` is used
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False
