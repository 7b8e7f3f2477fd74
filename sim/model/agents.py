"""Employees as Mesa agents: `Junior` and `Senior`, each fixed to one position (cell).

The agents carry no state of their own: their person attributes are `PersonState`
descriptors, one per registered attribute (`sim.model.attributes`), that read and write the
model's per-position arrays (`model.people`), so the weekly submodels can update everyone at
once with numpy while `agent.engagement`, `model.agents_by_type[Junior]` and Mesa's
AgentSet methods keep working.

An agent is bound to the person it was made for, (position, k): the k-th occupant of the
position (`People.occupant`). When that person leaves, the model removes the agent; a
reference kept to it then raises `StaleAgentError` when read, rather than showing the
values of whoever holds the position later. The model makes its agents when they are first
read (`OrgCultureModel.make_agents`): a run nobody watches makes none.
"""

from __future__ import annotations

import contextlib
from typing import Any

import mesa
import numpy as np
from mesa.discrete_space import FixedAgent
from mesa.experimental.mesa_signals import ModelSignals

from sim.model import attributes
from sim.model.attributes import Attribute


class StaleAgentError(AttributeError):
    """An agent's person has left: its attributes are nobody's any more."""


class PersonState:
    """Descriptor: an agent attribute stored in one of the model's per-position arrays."""

    def __init__(self, entry: Attribute) -> None:
        self.name = entry.name
        self.labels = entry.labels
        kind = np.dtype(entry.dtype).kind
        self.cast: type = bool if kind == "b" else int if kind in "iu" else float

    def __get__(self, agent: Employee | None, owner: type) -> Any:
        if agent is None:
            return self
        people = agent.model.people
        position = agent.position
        if agent.left_week is not None or people.occupant[position] != agent.occupant:
            raise StaleAgentError(agent.stale_message())
        value = getattr(people, self.name)[position]
        return self.labels[value] if self.labels else self.cast(value)

    def __set__(self, agent: Employee, value: Any) -> None:
        if self.labels:
            raise AttributeError(f"{self.name} is read-only: it follows the other attributes")
        people = agent.model.people
        if agent.left_week is not None or people.occupant[agent.position] != agent.occupant:
            raise StaleAgentError(agent.stale_message())
        getattr(people, self.name)[agent.position] = value


class Employee(FixedAgent):
    """A person holding one position of the org graph.

    Attributes:
        position: the position (the cell's coordinate).
        occupant: k, which occupant of the position this person is (0: the first).
        left_week: the week the person left (the agent was removed), None while here.
    """

    model: mesa.Model

    def __init__(self, model: mesa.Model, cell: Any, occupant: int = 0) -> None:
        if _plain_registry(model, type(self)):
            # What Mesa's Agent.__init__ and register_agent do, without their wrapper and
            # debug-log calls (a hire is a new agent: a few dozen a week at 10,000 people).
            self.model = model
            self.pos = None
            model._all_agents.add(self)
            self.unique_id = model.agent_id_counter
            model.agent_id_counter += 1
            model._agents_by_type[type(self)].add(self)
            model.notify("agents", ModelSignals.AGENT_ADDED, args=(self,))
        else:
            super().__init__(model)
        self.cell = cell
        self.position: int = cell.coordinate
        self.occupant = occupant
        self.left_week: int | None = None

    def remove(self) -> None:
        """The person leaves: the agent leaves the model and its cell (Mesa), and is stale."""
        model = self.model
        self.left_week = model.steps
        if not _plain_registry(model, type(self)):
            super().remove()
            return
        # What Mesa's FixedAgent.remove, Agent.remove and deregister_agent do (as in
        # __init__): out of the model's agent sets (if there), signalled, out of the cell.
        with contextlib.suppress(KeyError):
            model._agents_by_type[type(self)].remove(self)
            model._all_agents.remove(self)
            model.notify("agents", ModelSignals.AGENT_REMOVED, args=(self,))
        self.cell.remove_agent(self)
        self._mesa_cell = None

    def stale_message(self) -> str:
        """What a read of a departed person's attribute says."""
        people = self.model.people
        position = self.position
        left = "has left" if self.left_week is None else f"left in week {self.left_week}"
        if people.filled[position] and people.occupant[position] != self.occupant:
            now = "its position is now held by another person"
        else:
            now = "its position is vacant"
        return f"{self.role} at position {position} {left}; {now}"

    def _here(self) -> None:
        if self.left_week is not None or self.model.people.occupant[self.position] != self.occupant:
            raise StaleAgentError(self.stale_message())

    @property
    def role(self) -> str:
        """Junior or Senior."""
        return type(self).__name__

    @property
    def level(self) -> int:
        """Depth of the position from the top (0)."""
        return int(self.model.org.level[self.position])

    @property
    def department(self) -> int:
        """Department code of the position."""
        return int(self.model.org.department[self.position])

    @property
    def manager(self) -> Employee | None:
        """The person in the manager's position, if the root is not here and it is filled."""
        self._here()
        boss = self.model.org.parent[self.position]
        return self.model.agent_at(int(boss)) if boss >= 0 else None

    @property
    def mentoring_partner(self) -> Employee | None:
        """The person this one is paired with in the program, if any."""
        self._here()
        program = self.model.program
        if program is None or program.partner[self.position] < 0:
            return None
        return self.model.agent_at(int(program.partner[self.position]))

    def __repr__(self) -> str:
        gone = "" if self.left_week is None else f", left in week {self.left_week}"
        return f"{type(self).__name__}(position={self.position}, level={self.level}{gone})"


class Junior(Employee):
    """An employee in a position without reports: a potential mentor."""


class Senior(Employee):
    """An employee in a position with reports: a potential mentee."""


_CLASSES = {"Junior": Junior, "Senior": Senior}

# The Mesa release whose agent registration `Employee` repeats inline
# (tests/test_agent_registration.py checks that both paths leave the same state and send the
# same signals); with any other, agents register through Mesa's own methods.
_INLINE_MESA = mesa.__version__ == "3.5.1"
_MESA_REGISTER = (mesa.Model.register_agent, mesa.Model.deregister_agent)
_PLAIN_MODELS: dict[type, bool] = {}


def _plain_registry(model: mesa.Model, cls: type) -> bool:
    """Whether an agent of `cls` can register inline: Mesa's own methods, no datasets.

    True for the tested Mesa release when the model does not override Mesa's register and
    deregister methods, the class feeds no Mesa dataset and the model already has a set for
    agents of `cls` (the first of a type is made by Mesa's path, which creates the set).
    """
    kind = type(model)
    plain = _PLAIN_MODELS.get(kind)
    if plain is None:
        methods = (kind.register_agent, kind.deregister_agent)
        plain = _PLAIN_MODELS[kind] = _INLINE_MESA and methods == _MESA_REGISTER
    return plain and not cls._datasets and cls in model._agents_by_type


def _install_person_states() -> None:
    """A `PersonState` per registered attribute, on the classes of the roles that carry it."""
    wanted: dict[type, dict[str, Attribute]] = {Employee: {}, Junior: {}, Senior: {}}
    for entry in attributes.registry():
        owners = [Employee] if len(entry.roles) == 2 else [_CLASSES[r] for r in entry.roles]
        for cls in owners:
            wanted[cls][entry.name] = entry
    for cls, entries in wanted.items():
        for name, value in list(vars(cls).items()):
            if isinstance(value, PersonState) and name not in entries:
                delattr(cls, name)
        for name, entry in entries.items():
            setattr(cls, name, PersonState(entry))


attributes.on_change(_install_person_states)
