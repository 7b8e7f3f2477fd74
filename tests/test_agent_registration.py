"""Agents register inline (`Employee.__init__`, `remove`) as Mesa's own methods would.

A hire is a new agent and a leaver's agent is removed, a few dozen a week at 10,000 people,
so `Employee` repeats Mesa's registration without its wrapper calls. Run for run, the
inline path must leave the model's agent sets, ids, cells and signals exactly as Mesa's.
"""

import dataclasses as dc

import pytest

from sim import OrgCultureModel
from sim.model import agents
from sim.model.agents import Junior, Senior
from sim.scenario.calendar import WEEKS_PER_YEAR
from sim.scenario.parameters import OrgSpec, Scenario

SIGNALS = ("agent_added", "agent_removed")


def churning() -> Scenario:
    """A small org with many exits and quick hires, 40 weeks."""
    base = Scenario(org=OrgSpec(size=150), years=40 / WEEKS_PER_YEAR)
    dyn = base.dynamics
    exits = dc.replace(dyn.exits, base_junior=0.5, base_senior=0.3)
    hiring = dc.replace(dyn.hiring, time_to_fill=2)
    return base.with_changes(dynamics=dc.replace(dyn, exits=exits, hiring=hiring))


def run_and_watch(inline: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[list, dict]:
    """Run 40 weeks, logging every agent signal; returns the log and the end state."""
    if not inline:
        monkeypatch.setattr(agents, "_plain_registry", lambda model, cls: False)
    model = OrgCultureModel(churning(), None, 4)
    log = []
    # Mesa keeps weak references to handlers: these live as long as the run.
    handlers = [lambda m, s=s: log.append((s, m.additional_kwargs["args"])) for s in SIGNALS]
    for signal, handler in zip(SIGNALS, handlers, strict=True):
        model.observe("agents", signal, handler)
    used = agents._plain_registry(model, Junior) and agents._plain_registry(model, Senior)
    assert used is inline
    model.run_for(40)
    monkeypatch.undo()
    described = [(s, a.unique_id, type(a).__name__, a.position, a.occupant) for s, (a,) in log]

    def ids(agent_set):
        return [(a.unique_id, a.position, a.occupant, a.left_week) for a in agent_set]

    state = {
        "agents": ids(model.agents),
        "by_type": {cls.__name__: ids(s) for cls, s in model.agents_by_type.items()},
        "cells": [ids(cell.agents) for cell in model.grid.all_cells],
        "next_id": model.agent_id_counter,
        "at": [None if a is None else a.unique_id for a in model._agents_at],
    }
    return described, state


def test_inline_registration_matches_mesas_own(monkeypatch):
    log_inline, state_inline = run_and_watch(True, monkeypatch)
    log_mesa, state_mesa = run_and_watch(False, monkeypatch)
    assert any(s == "agent_removed" for s, *_ in log_inline)  # people left and were hired
    assert any(s == "agent_added" for s, *_ in log_inline)
    assert log_inline == log_mesa
    assert state_inline == state_mesa
    # Every agent in the model is in its cell and at its position, and nowhere else.
    assert len(state_inline["agents"]) == sum(len(c) for c in state_inline["cells"])


# --- agents made when first read ------------------------------------------------------------
def end_state(model: OrgCultureModel) -> dict:
    """Ids, sets, cells (agents and empty flags), counter and positions of a model's agents."""

    def ids(agent_set):
        return [(a.unique_id, type(a).__name__, a.position, a.occupant) for a in agent_set]

    def empty(cell):
        try:
            return cell.empty
        except AttributeError:  # a cell no agent has ever been in
            return None

    return {
        "next_id": model.agent_id_counter,  # read first: a read of the counter makes nothing
        "agents": ids(model.agents),
        "by_type": {cls.__name__: ids(s) for cls, s in model.agents_by_type.items()},
        "cells": [(ids(cell.agents), empty(cell)) for cell in model.grid.all_cells],
        "at": [None if a is None else a.unique_id for a in model._agents_at],
    }


def run_reading(lazy: bool, read_at: tuple[int, ...], monkeypatch) -> tuple[dict, list]:
    """Run 40 weeks of the churning org, reading the agents after the weeks in `read_at`."""
    if not lazy:
        monkeypatch.setattr(OrgCultureModel, "_agents_can_wait", lambda self: False)
    model = OrgCultureModel(churning(), None, 4)
    monkeypatch.undo()
    reads = []
    for week in range(1, 41):
        model.step()
        if week in read_at:
            reads.append(sorted(a.unique_id for a in model.agents))
    return end_state(model), reads


@pytest.mark.parametrize("read_at", [(), (1,), (7, 8, 30), (40,)])
def test_agents_made_when_first_read_are_those_made_as_people_came(read_at, monkeypatch):
    eager, eager_reads = run_reading(False, read_at, monkeypatch)
    lazy, lazy_reads = run_reading(True, read_at, monkeypatch)
    assert lazy == eager
    assert lazy_reads == eager_reads
    assert any(e is True for _, e in eager["cells"])  # some cells were left empty by leavers


def test_a_run_nobody_reads_makes_no_agent_and_takes_the_same_ids(monkeypatch):
    model = OrgCultureModel(churning(), None, 4)
    model.run_for(40)
    assert len(model._mesa_all_agents) == 0  # (Mesa's set itself: reading `agents` makes them)
    counter = model.agent_id_counter
    eager, _ = run_reading(False, (), monkeypatch)
    assert counter == eager["next_id"] > model.org.size  # hires took ids as agents would

    # Any read makes them: a cell of the space, one agent, or a subscription to signals.
    def handler(message):  # (Mesa keeps a weak reference: this one lives to the end)
        return None

    for read in (
        lambda m: m.grid[0],
        lambda m: m.agent_at(0),
        lambda m: m.agent_types,
        lambda m: m.observe("agents", "agent_added", handler),
    ):
        fresh = OrgCultureModel(churning(), None, 4)
        fresh.run_for(40)
        read(fresh)
        assert len(fresh._mesa_all_agents) == int(fresh.people.filled.sum())
        assert end_state(fresh) == eager
