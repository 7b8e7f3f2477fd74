"""Scenario files: TOML in, a validated `Scenario` out, every problem reported at once.

The checks read the schema (`sim.scenario.schema` metadata on the dataclasses), so a new
parameter is validated, templated and documented as soon as it is declared.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sim.errors import InputError, Problem, did_you_mean
from sim.safety import toml_text
from sim.scenario.calibrated import own_behaviour, own_behaviour_text, with_calibration
from sim.scenario.checks import Checker, _try_date, check_launch, check_scenario
from sim.scenario.design import ProgramDesign, default_program
from sim.scenario.outcomes import (
    RUN_OUTCOMES,
    YEARLY_OUTCOMES,
    is_summary_outcome,
)
from sim.scenario.parameters import Scenario, Target
from sim.scenario.schema import field_infos

RESERVED_DESIGN = "baseline"

Locate = Callable[..., str]
"""``locate(key, design=None)``: where a key is written, as a problem's `where` (file: path)."""
ScenarioCheck = Callable[[Scenario, Locate], Iterable[Problem]]
"""A check of a valid scenario that needs more than the scenario layer knows (e.g. the org)."""


# --- designs with inheritance -----------------------------------------------------------
def _resolve_designs(raw: Any, check: Checker) -> tuple[ProgramDesign, ...] | None:
    if raw is None:
        return (default_program(),)
    if not isinstance(raw, dict):
        check.problem("designs", "found a value; allowed: tables like [designs.formal]")
        return None
    tables = _DesignTables(raw, check)
    designs = [_build_design(name, tables, check) for name in raw]
    return tuple(d for d in designs if d is not None)


class _DesignTables:
    """Each design's table merged with those it inherits, resolved once, failures reported once.

    Also records in ``check.key_origin`` which table holds each key a design has.
    """

    def __init__(self, raw: dict[str, Any], check: Checker):
        self.raw = raw
        self.check = check
        self.resolved: dict[str, dict[str, Any] | None] = {}

    def resolve(self, name: str, chain: tuple[str, ...]) -> dict[str, Any] | None:
        """The merged table of design `name`; `chain`: the designs inheriting down to it."""
        if name in self.resolved:
            return self.resolved[name]
        self.resolved[name] = None  # a failure below is reported once, here
        table = self.raw[name]
        if not isinstance(table, dict):
            self.check.problem(
                f"designs.{name}", "found a value; allowed: a table of design settings"
            )
            return None
        parent = table.get("inherits")
        own = {k: v for k, v in table.items() if k != "inherits"}
        origin = self.check.key_origin
        if parent is None:
            self.resolved[name] = own
            origin[name] = dict.fromkeys(own, name)
            return own
        base = self._parent(name, parent, chain)
        if base is None:
            return None
        self.resolved[name] = {**base, **own}
        origin[name] = {**origin[parent], **dict.fromkeys(own, name)}
        return self.resolved[name]

    def _parent(self, name: str, parent: Any, chain: tuple[str, ...]) -> dict[str, Any] | None:
        """The merged table a design inherits, or None (a missing or circular parent)."""
        raw, check = self.raw, self.check
        if not isinstance(parent, str) or parent not in raw:
            hint = did_you_mean(str(parent), raw) if isinstance(parent, str) else ""
            hint = hint or f"; designs here: {', '.join(raw)}"
            check.problem(f"designs.{name}.inherits", f"no design named {parent!r}{hint}")
            return None
        if parent in chain or (parent in self.resolved and self.resolved[parent] is None):
            if parent not in chain:
                return None
            loop = " -> ".join((*chain, parent))
            check.problem(
                f"designs.{name}.inherits",
                f"circular inheritance: {loop}; one design must not inherit",
            )
            return None
        return self.resolve(parent, (*chain, parent))


def _build_design(name: str, tables: _DesignTables, check: Checker) -> ProgramDesign | None:
    """One design from its merged table, or None with its problems recorded."""
    if not name.strip():
        check.problem(
            f'designs."{name}"',
            "an empty design name; allowed: a name for tables and figures, e.g. [designs.monthly]",
        )
        return None
    if name == RESERVED_DESIGN:
        check.problem(
            f"designs.{name}",
            '"baseline" is the no-program run and is added for you; rename this design',
        )
        return None
    merged = tables.resolve(name, (name,))
    if merged is None:
        return None
    if "name" in merged:
        check.problem(
            check.design_path(name, "name"),
            "unknown key; the table's name is the design's name",
        )
        return None
    paths = {key: check.design_path(name, key) for key in merged}
    return check.build(
        ProgramDesign, merged, f"designs.{name}", extra={"name": name}, key_paths=paths
    )


# --- --set overrides --------------------------------------------------------------------
def _added_designs(sets: list[str]) -> set[str]:
    """Designs the overrides add explicitly: ``designs.NEW.inherits=DESIGN`` names its parent."""
    added = set()
    for item in sets:
        parts = item.partition("=")[0].strip().split(".")
        if len(parts) == 3 and parts[0] == "designs" and parts[2] == "inherits":
            added.add(parts[1])
    return added


def _unknown_design(raw: dict[str, Any], key: str, item: str, added: set[str]) -> Problem | None:
    """A problem when `key` sets a design the scenario does not have (a typo, usually).

    A scenario without design tables has the built-in design ("program"), which the override
    then changes from its own values (not the design defaults).
    """
    parts = key.split(".")
    if parts[0] != "designs" or len(parts) < 3 or parts[1] in added:
        return None
    designs = raw.get("designs")
    if designs is None:
        designs = raw["designs"] = {"program": _design_dict(default_program())}
    if not isinstance(designs, dict) or parts[1] in designs:
        return None
    name = parts[1]
    known = [d for d in designs if d != RESERVED_DESIGN]
    hint = did_you_mean(name, known)
    return Problem(
        f"--set {item}",
        f"no design named {name!r}{hint}; designs: {', '.join(known) or 'none'} (to add one, "
        f"also --set designs.{name}.inherits=DESIGN)",
    )


def apply_overrides(
    raw: dict[str, Any], sets: list[str]
) -> tuple[dict[str, Any], set[str], list[Problem]]:
    """Apply `key.path=value` overrides (values in TOML syntax; bare words are text)."""
    problems, paths = [], set()
    added = _added_designs(sets)
    for item in sets:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            problems.append(
                Problem(
                    f"--set {item}",
                    "expected key.path=value, e.g. --set designs.program.cadence_weeks=4",
                )
            )
            continue
        if (problem := _unknown_design(raw, key, item, added)) is not None:
            problems.append(problem)
            continue
        try:
            value = toml_text.loads(f"v = {text.strip()}", f"--set {item}")["v"]
        except InputError as err:
            if "nested" in err.problems[0].message:
                problems += err.problems
                continue
            value = text.strip()
        table = raw
        parts = key.split(".")
        for part in parts[:-1]:
            table = table.setdefault(part, {})
            if not isinstance(table, dict):
                problems.append(Problem(f"--set {item}", f"{part} is a value, not a table"))
                break
        else:
            table[parts[-1]] = value
            paths.add(key)
    return raw, paths, problems


# --- public API ---------------------------------------------------------------------------
def scenario_from_dict(
    raw: dict[str, Any],
    source: str = "<scenario>",
    sets: list[str] | None = None,
    base_dir: Path | None = None,
    *,
    checks: Sequence[ScenarioCheck] = (),
    notes: list[str] | None = None,
    calibration: Mapping[str, float] | None = None,
) -> Scenario:
    """A validated Scenario from a TOML-shaped dictionary; raises InputError with every problem.

    Fitted behavioural parameters the dictionary leaves out get the published calibration's
    posterior medians (`sim.scenario.calibrated`), or the values of `calibration` (one
    posterior draw), before `sets` are applied; when it sets some to other values, a notice
    saying so is appended to `notes` (if given).

    `checks` run on the scenario once it is otherwise valid; each gets it and a `locate`
    that names where a key (of a design, if given) is written, so that their problems read
    like the loader's own and an inherited one is reported once, under its table.
    """
    if notes is not None and (own := own_behaviour(raw)):
        notes.append(own_behaviour_text(own))
    raw = with_calibration(raw, calibration)
    raw, overridden, problems = apply_overrides(dict(raw), list(sets or []))
    check = Checker(source, overridden)
    check.problems.extend(problems)
    _check_dates(raw, check)
    raw_designs = raw.pop("designs", None)
    designs = _resolve_designs(raw_designs, check)
    targets = _targets(raw.pop("targets", {}), check)
    scenario = check.build(Scenario, raw, "")
    if scenario is not None and designs is not None:
        scenario = scenario.with_changes(designs=designs, targets=targets)
        check_scenario(scenario, check, base_dir)
    if check.problems:
        raise InputError(check.problems)
    if base_dir is not None:
        scenario = resolve_files(scenario, base_dir)
    if checks:

        def locate(key: str, design: str | None = None) -> str:
            return check.where(check.design_path(design, key) if design else key)

        for run_check in checks:
            for problem in run_check(scenario, locate):
                if problem not in check.problems:
                    check.problems.append(problem)
        if check.problems:
            raise InputError(check.problems)
    return scenario


def resolve_files(scenario: Scenario, base_dir: Path) -> Scenario:
    """The scenario with its input files (chart, ties, lists of mentees) as absolute paths."""

    def resolved(path: str | None) -> str | None:
        return None if path is None else str((base_dir / path).resolve())

    org = dataclasses.replace(
        scenario.org,
        chart=resolved(scenario.org.chart),
        ties_file=resolved(scenario.org.ties_file),
    )
    designs = tuple(
        d if d.mentees_file is None else d.with_changes(mentees_file=resolved(d.mentees_file))
        for d in scenario.designs
    )
    return scenario.with_changes(org=org, designs=designs)


def _targets(raw: Any, check: Checker) -> tuple[Target, ...]:
    """Case targets: [targets.OUTCOME] tables with value, design, tolerance, note."""
    if not isinstance(raw, dict):
        check.problem("targets", "found a value; allowed: tables like [targets.turnover_junior_y1]")
        return ()
    out = []
    known = [
        *RUN_OUTCOMES,
        *(f"{o}_y1" for o in YEARLY_OUTCOMES),
        *(f"{o}_pre" for o in YEARLY_OUTCOMES),
    ]
    for outcome, table in raw.items():
        if not is_summary_outcome(outcome):
            check.problem(
                f"targets.{outcome}",
                "not an outcome of a run's summary"
                + (
                    did_you_mean(outcome, known)
                    or "; e.g. turnover_junior_y1, mentor_retention_52w"
                ),
            )
            continue
        target = check.build(Target, table, f"targets.{outcome}", extra={"outcome": outcome})
        if target is not None:
            out.append(target)
    return tuple(out)


def _check_dates(raw: dict[str, Any], check: Checker) -> None:
    """The launch may not come before the start (checked on raw values, beside other errors)."""
    start = raw.get("start_date", Scenario.start_date)
    launch = raw.get("launch_date")
    if isinstance(start, str):
        start = _try_date(start)
    if isinstance(launch, str):
        launch = _try_date(launch)
    check_launch(start, launch, check)


def loads_scenario(
    text: str,
    source: str = "<string>",
    sets: list[str] | None = None,
    base_dir: Path | None = None,
    *,
    checks: Sequence[ScenarioCheck] = (),
    notes: list[str] | None = None,
    calibration: Mapping[str, float] | None = None,
) -> Scenario:
    """A validated Scenario from TOML text (the keywords as in `scenario_from_dict`)."""
    raw = toml_text.loads(text, source)  # invalid or runaway nesting: one line naming the file
    return scenario_from_dict(
        raw, source, sets, base_dir, checks=checks, notes=notes, calibration=calibration
    )


def scenario_file(path: str | Path) -> Path:
    """The file a scenario argument names: a TOML file, else a built-in case by its name.

    A file wins over a case of the same name; a bare name (no folder) such as ``telecom``
    or ``telecom.toml`` that is no file here is looked up in the case library.

    Raises:
        InputError: for a folder, or a name that is neither a file nor a case, with the
            cases and the closest name.
    """
    from sim.scenario.cases import case_names, case_path

    path = Path(path)
    if path.is_file():
        return path
    bare = path.parent == Path(".") and not path.is_absolute()
    case = case_path(path.name) if bare else None
    if case is not None:
        return case
    if path.is_dir():
        inside = sorted(p.name for p in path.glob("*.toml") if p.is_file())
        hint = (
            f"; scenario files in it: {', '.join(inside[:5])}{', ...' if len(inside) > 5 else ''}"
            if inside
            else "; give the path of a .toml file"
        )
        raise InputError([Problem(str(path), f"is a folder, not a scenario file{hint}")])
    nearby = []
    if path.parent.is_dir():
        nearby = [p.name for p in path.parent.glob("*.toml") if p.is_file() and p != path]
    if not bare:
        raise InputError(
            [Problem(str(path), f"no such scenario file{did_you_mean(path.name, nearby)}")]
        )
    cases = case_names()
    hint = did_you_mean(path.name, nearby) or did_you_mean(path.name.removesuffix(".toml"), cases)
    listed = f"; cases: {', '.join(cases)}" if cases else ""
    raise InputError([Problem(str(path), f"no such scenario file or case{listed}{hint}")])


def load_scenario(
    path: str | Path,
    sets: list[str] | None = None,
    *,
    checks: Sequence[ScenarioCheck] = (),
    notes: list[str] | None = None,
    calibration: Mapping[str, float] | None = None,
) -> Scenario:
    """A validated Scenario from a TOML file or a built-in case's name (``"telecom"``).

    `checks` run on the otherwise valid scenario; `notes` get the loader's notices;
    `calibration` replaces the posterior medians (see `scenario_from_dict`).

    Raises:
        InputError: naming the file and keys of every problem.
    """
    path = scenario_file(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([Problem(str(path), "not UTF-8 text; save it as UTF-8")]) from None
    except OSError as err:
        raise InputError([Problem(str(path), f"cannot be read: {err.strerror}")]) from None
    return loads_scenario(
        text, path.name, sets, path.parent, checks=checks, notes=notes, calibration=calibration
    )


def default_with_overrides(
    sets: list[str] | None,
    *,
    checks: Sequence[ScenarioCheck] = (),
    calibration: Mapping[str, float] | None = None,
) -> Scenario:
    """The built-in default scenario, calibrated, with `--set` overrides applied and validated."""
    from sim.scenario.parameters import default_scenario

    base = default_scenario()
    raw = {"name": base.name, "description": base.description, "provenance": base.provenance}
    raw["designs"] = {"program": _design_dict(default_program())}
    return scenario_from_dict(raw, "default scenario", sets, checks=checks, calibration=calibration)


def _design_dict(design: ProgramDesign) -> dict[str, Any]:
    out = {}
    for info in field_infos(ProgramDesign):
        if info.name == "name":
            continue
        value = getattr(design, info.name)
        out[info.name] = (
            info.none_word
            if value is None
            else (list(value) if isinstance(value, tuple) else value)
        )
    return out
