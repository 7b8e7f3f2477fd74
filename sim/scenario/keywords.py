"""Keyword parameters of one model run: Python names for design knobs and scenario keys.

Mesa passes a model's parameters as constructor keywords (`mesa.batch_run` does nothing
else), so `OrgCultureModel` takes every parameter of a run as a scalar keyword:

- a design knob by its own name: ``cadence_weeks=4``, ``commitment=0.5``, ``formal=False``;
- any other scenario key (a ``--set`` key) by its dotted path with ``__`` for each dot:
  ``years=3``, ``org__size=2000``, ``dynamics__exits__beta_e=1.2``.

Values are what a scenario file holds (None, or the key's word for it such as "ongoing",
where a key allows none) and are checked by `Scenario.with_overrides` (the loader's own
checks), so a keyword is refused exactly as the same ``--set`` would be. Keys that are
not a parameter of one run (`NOT_RUN_KEYS`) have no keyword.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
from collections.abc import Mapping
from typing import Any

from sim.errors import InputError, Problem
from sim.scenario.design import ProgramDesign
from sim.scenario.loading import RESERVED_DESIGN
from sim.scenario.overrides import SEPARATOR, override
from sim.scenario.parameters import Scenario
from sim.scenario.schema import FieldInfo, field_infos

# Scenario keys without a keyword, and why: they describe a set of runs or its files, or
# name a file, never a value of one run.
NOT_RUN_KEYS: dict[str, str] = {
    "name": "the scenario's name",
    "description": "text",
    "provenance": "text",
    "seed": "the base seed of replicates; a run's own seed is the model's seed (or rng)",
    "replicates": "a number of runs",
    "include_baseline": "which runs a scenario makes",
    "org.chart": "a file; pass the imported chart as org_chart",
    "observation.mentor_counterfactual": "a second run that sim.runs makes",
    "outputs": "files a command writes",
}


@dataclasses.dataclass(frozen=True)
class Keyword:
    """One keyword parameter: its name, the scenario key it sets, and the key's schema."""

    name: str
    key: str
    info: FieldInfo

    @property
    def is_knob(self) -> bool:
        """A design knob (it sets the model's program design)."""
        return self.key.startswith("designs.")


def keyword_of(key: str) -> str:
    """A dotted scenario key's keyword: ``dynamics.exits.beta_e`` -> ``dynamics__exits__beta_e``."""
    return key.replace(".", SEPARATOR)


@functools.cache
def model_keywords() -> dict[str, Keyword]:
    """Every keyword parameter, design knobs first, by name."""
    out = {
        info.name: Keyword(info.name, f"designs.<design>.{info.name}", info)
        for info in field_infos(ProgramDesign)
        if info.name != "name"
    }

    def walk(cls: type, prefix: str) -> None:
        for info in field_infos(cls):
            key = prefix + info.name
            if key in NOT_RUN_KEYS or info.name in ("designs", "targets"):
                continue
            if info.is_group:
                walk(info.type, key + ".")
            else:
                out[keyword_of(key)] = Keyword(keyword_of(key), key, info)

    walk(Scenario, "")
    return out


def keyword_table() -> str:
    """The Markdown table of every keyword, its ``--set`` key and meaning (docs/mesa.md)."""
    lines = ["| keyword | `--set` key | meaning |", "| --- | --- | --- |"]
    for k in model_keywords().values():
        meaning = k.info.help.replace("|", "\\|")
        lines.append(f"| `{k.name}` | `{k.key}` | {meaning} |")
    return "\n".join(lines) + "\n"


def run_inputs(
    scenario: Scenario,
    design: ProgramDesign | str | None,
    keywords: Mapping[str, Any],
    source: str = "OrgCultureModel",
) -> tuple[Scenario, ProgramDesign | None]:
    """The scenario and design of one run, with its keyword parameters applied and checked.

    Args:
        scenario: the validated base scenario.
        design: a design, a design name of the scenario ("baseline" for none), or None.
        keywords: keyword parameters (`model_keywords`). Design knobs change `design`; with
            no design they change the scenario's first one (the built-in program if it has
            none): knobs ask for a program. The baseline has no program, so they change
            nothing in it (and its runs stay those of the baseline on the same seed).
        source: how problems name the caller.

    Returns:
        The scenario (its own designs kept) and the run's design (None for no program).
        Without keywords both come back unchanged, the very same objects.

    Raises:
        InputError: an unknown keyword (with close matches), a value the key does not
            allow, an unknown design name -- every problem at once.
    """
    _check_kinds(scenario, design, source)
    baseline = False
    if isinstance(design, str):
        baseline = design == RESERVED_DESIGN
        design = None if baseline else _named_design(scenario, design, source)
    if not keywords:
        return scenario, design
    known = model_keywords()
    problems = [
        _unknown(name, value, source) for name, value in keywords.items() if name not in known
    ]
    if problems:
        raise InputError(problems)
    knobs = {k: v for k, v in keywords.items() if known[k].is_knob}
    if design is None and knobs:
        design = scenario.designs[0] if scenario.designs else ProgramDesign()
    # Knobs change the run's design alone: it stands in for the scenario's designs while
    # they are checked (the baseline's knobs are checked against the first design).
    base = scenario.with_changes(designs=(design,)) if knobs else scenario
    values: dict[str, Any] = {}
    shown: dict[str, str] = {}
    for name, value in keywords.items():
        kw = known[name]
        path = kw.key.replace("<design>", design.name) if kw.is_knob else kw.key
        values[path] = value
        shown[path] = f"{source}({name}={value!r})"
    checked = override(base, values, lambda path: shown.get(path, f"{source}: {path}"))
    if knobs:
        design = checked.designs[0]
    return checked.with_changes(designs=scenario.designs), None if baseline else design


def _check_kinds(scenario: Any, design: Any, source: str) -> None:
    """Refuse a scenario that is no `Scenario`, a design that is no design or name."""
    if not isinstance(scenario, Scenario):
        raise InputError(
            [
                Problem(
                    f"{source}(scenario={scenario!r})",
                    "allowed: a Scenario, e.g. sim.load_scenario('telecom') or "
                    "sim.default_scenario()",
                )
            ]
        )
    if design is not None and not isinstance(design, ProgramDesign | str):
        raise InputError(
            [
                Problem(
                    f"{source}(design={design!r})",
                    "allowed: a ProgramDesign, a design's name in the scenario, "
                    '"baseline" or None',
                )
            ]
        )


def _named_design(scenario: Scenario, name: str, source: str) -> ProgramDesign:
    for d in scenario.designs:
        if d.name == name:
            return d
    names = [RESERVED_DESIGN, *(d.name for d in scenario.designs)]
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    raise InputError(
        [
            Problem(
                f"{source}(design={name!r})",
                f"no design of that name; designs: {', '.join(names)}{hint}",
            )
        ]
    )


def _unknown(name: str, value: Any, source: str) -> Problem:
    """An unknown keyword, with the keywords it may have meant."""
    known = model_keywords()
    dotted = name.replace(".", SEPARATOR)  # the key itself, dots and all
    # A key's last part alone (beta_e) names the full keyword (dynamics__exits__beta_e).
    ends = [k for k in known if k.endswith(SEPARATOR + name)]
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    matches = [dotted] if dotted in known else list(dict.fromkeys(ends + close))[:3]
    if matches:
        hint = f"; did you mean {' or '.join(matches)}?"
    else:
        knobs = [k for k, kw in known.items() if kw.is_knob]
        hint = (
            f"; allowed: a design knob ({', '.join(knobs)}) or a scenario key with {SEPARATOR} "
            "for its dots (e.g. dynamics__exits__beta_e; all in docs/mesa.md)"
        )
    return Problem(f"{source}({name}={value!r})", f"unknown keyword{hint}")
