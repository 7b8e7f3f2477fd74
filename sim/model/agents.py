"""Employees as Mesa agents: `Junior` and `Senior`, each fixed to one position (cell).

The agents carry no state of their own: their attributes read and write the model's
per-position arrays (`model.people`), so the weekly submodels can update everyone at once
with numpy while `agent.engagement`, `model.agents_by_type[Junior]` and Mesa's AgentSet
methods keep working.
"""

from __future__ import annotations

from typing import Any

import mesa
from mesa.discrete_space import FixedAgent

from sim.model.people import GENERATIONS


class PersonState:
    """Descriptor: an agent attribute stored in one of the model's per-position arrays."""

    def __init__(self, cast: type = float) -> None:
        self.cast = cast

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, agent: Employee | None, owner: type) -> Any:
        if agent is None:
            return self
        return self.cast(getattr(agent.model.people, self.name)[agent.position])

    def __set__(self, agent: Employee, value: Any) -> None:
        getattr(agent.model.people, self.name)[agent.position] = value


class Employee(FixedAgent):
    """A person holding one position of the org graph."""

    model: mesa.Model
    digital = PersonState()
    business = PersonState()
    engagement = PersonState()
    exit_risk = PersonState()
    openness = PersonState()
    tenure = PersonState(int)
    birth_year = PersonState(int)

    def __init__(self, model: mesa.Model, cell: Any) -> None:
        super().__init__(model)
        self.cell = cell
        self.position: int = cell.coordinate

    @property
    def role(self) -> str:
        """Junior or Senior."""
        return type(self).__name__

    @property
    def generation(self) -> str:
        """Boomer, Gen X, Millennial or Gen Z, from the birth year."""
        return GENERATIONS[self.model.people.generation[self.position]]

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
        boss = self.model.org.parent[self.position]
        return self.model.agent_at(int(boss)) if boss >= 0 else None

    @property
    def mentoring_partner(self) -> Employee | None:
        """The person this one is paired with in the program, if any."""
        program = self.model.program
        if program is None or program.partner[self.position] < 0:
            return None
        return self.model.agent_at(int(program.partner[self.position]))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(position={self.position}, level={self.level})"


class Junior(Employee):
    """An employee in a position without reports: a potential mentor."""


class Senior(Employee):
    """An employee in a position with reports: a potential mentee."""
