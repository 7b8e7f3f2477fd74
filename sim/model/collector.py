"""The model's `mesa.DataCollector`: the weekly series as model reporters, collected on demand.

Observation (`sim.model.observe`) already reads the arrays once a week; the collector reads
its numbers rather than the arrays again. A run that never asks for `model.datacollector`
(every run of `sim run`, a sweep, a benchmark) pays nothing: the collector is made on first
use and then collects, through Mesa's own `collect`, each week not yet collected, the next
time it is read (`mesa.batch_run` reads it once, after the run). So its model variables are
the series' numbers, week by week, from week 0.

Per-agent reporters cost a Python call per agent and reporter each week, and an agent's
state of a past week is gone, so they are collected live, at the end of every week, and
only when the model is built with `agent_reporters`; the usual ones (``True``) are the
position's and the attributes the registry marks `reported` (`sim.model.attributes`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

import mesa

from sim.errors import InputError, Problem, did_you_mean
from sim.model.attributes import reported

if TYPE_CHECKING:
    from sim.model.model import OrgCultureModel

SERIES_ONLY = ("digital_relevance",)
"""Series columns that are no model reporter: digital_relevance is measured from the launch
week's leadership fluency, which a week before the launch does not know yet."""

POSITION_REPORTERS = ("position", "role", "level", "department")
"""The first per-agent reporters of ``agent_reporters=True``: where the person sits."""


def usual_agent_reporters() -> tuple[str, ...]:
    """The per-agent reporters of ``agent_reporters=True``: Employee attribute names.

    `POSITION_REPORTERS`, then every attribute the registry marks `reported`, in registry
    order (`sim.model.attributes`).
    """
    return (*POSITION_REPORTERS, *(entry.name for entry in reported()))


class SeriesCollection:
    """Keeps a `mesa.DataCollector` level with the weekly series of one model.

    Attributes:
        datacollector: the DataCollector; one model reporter per series column (except
            `SERIES_ONLY`), each a `partial` that reads that column's value of the week
            being collected.
        live: collect at the end of every week (when there are per-agent reporters).
    """

    def __init__(self, model: OrgCultureModel, agent_reporters: Any = None) -> None:
        agents = agent_reporters_of(agent_reporters)
        columns = [c for c in model.recorder.finish().columns if c not in SERIES_ONLY]
        self.datacollector = mesa.DataCollector(
            model_reporters={c: partial(self.value, c) for c in columns},
            agent_reporters=agents or None,
        )
        self.live = bool(agents)
        self.collected = 0  # weeks collected so far (weeks 0..collected-1)
        self._values: dict[str, list[Any]] = {}

    def value(self, column: str, model: mesa.Model) -> Any:
        """A model reporter: the column's value in the week being collected."""
        return self._values[column][int(model.time)]

    def catch_up(self, model: OrgCultureModel) -> mesa.DataCollector:
        """Collect every week recorded since the last call; returns the DataCollector.

        Mesa stamps a collection with `model.time`; a week collected late is stamped with
        its own week, so the collector reads as if it had collected every week on time.
        """
        series = model.recorder.finish()
        recorded = len(series)
        if self.collected == recorded:
            return self.datacollector
        self._values = {c: series[c].tolist() for c in self.datacollector.model_reporters}
        now = model.time
        try:
            for week in range(self.collected, recorded):
                model.time = float(week)
                self.datacollector.collect(model)
        finally:
            model.time = now
        self.collected = recorded
        return self.datacollector


def agent_reporters_of(spec: Any) -> dict[str, Any]:
    """Mesa agent reporters from a model's ``agent_reporters`` keyword.

    None or False: none; True: `usual_agent_reporters()`; a list of Employee attribute names; or
    a mapping of names to anything Mesa's DataCollector takes as an agent reporter.
    """
    from sim.model.agents import Employee

    if spec is None or spec is False:
        return {}
    usual = usual_agent_reporters()
    if spec is True:
        return {name: name for name in usual}
    if isinstance(spec, Mapping):
        return dict(spec)
    if isinstance(spec, Sequence) and not isinstance(spec, str):
        names = list(spec)
        # The class's attributes, and those each agent sets on itself.
        attributes = set(dir(Employee)) | {"position", "unique_id", "cell"}
        problems = [
            Problem(
                f"OrgCultureModel(agent_reporters=[..., {name!r}, ...])",
                f"not an attribute of an Employee{did_you_mean(str(name), usual)}; "
                f"e.g. {', '.join(usual)}",
            )
            for name in names
            if not isinstance(name, str) or name not in attributes
        ]
        if problems:
            raise InputError(problems)
        return {name: name for name in names}
    raise InputError(
        [
            Problem(
                f"OrgCultureModel(agent_reporters={spec!r})",
                "allowed: True (the usual attributes), a list of Employee attribute names, "
                "or a dict of Mesa agent reporters",
            )
        ]
    )
