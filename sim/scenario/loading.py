"""Scenario files: TOML in, a validated `Scenario` out, every problem reported at once.

The checks read the schema (`sim.scenario.schema` metadata on the dataclasses), so a new
parameter is validated, templated and documented as soon as it is declared.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import tomllib
import typing
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from sim.errors import InputError, Problem, did_you_mean
from sim.scenario.design import ProgramDesign, default_program
from sim.scenario.outcomes import (
    COUNTERFACTUAL_OUTCOMES,
    PAIRED_OUTCOMES,
    RUN_OUTCOMES,
    YEARLY_OUTCOMES,
    is_summary_outcome,
)
from sim.scenario.parameters import REMOVED_KEYS, Scenario, Target
from sim.scenario.schema import FieldInfo, field_infos, type_options

RESERVED_DESIGN = "baseline"
NoneType = type(None)

Locate = Callable[..., str]
"""``locate(key, design=None)``: where a key is written, as a problem's `where` (file: path)."""
ScenarioCheck = Callable[[Scenario, Locate], Iterable[Problem]]
"""A check of a valid scenario that needs more than the scenario layer knows (e.g. the org)."""


class Checker:
    """Builds dataclasses from raw TOML values, collecting problems with their key paths.

    Args:
        source: the file (or caller) a problem names before the key.
        overridden: keys set by ``--set``, named as ``--set KEY``.
        where: names a key's place instead (``sim.scenario.overrides`` names keywords).
    """

    def __init__(
        self, source: str, overridden: set[str], where: Callable[[str], str] | None = None
    ):
        self.source = source
        self.overridden = overridden
        self._where = where
        self.problems: list[Problem] = []
        # For each design, the design whose table holds each key it has (itself or an
        # ancestor): a mistake in an inherited key is reported once, where it is written.
        self.key_origin: dict[str, dict[str, str]] = {}

    def where(self, path: str) -> str:
        """A key's place in the input, as problems name it."""
        if self._where is not None:
            return self._where(path)
        if path in self.overridden:
            return f"--set {path}"
        return f"{self.source}: {path}" if path else self.source

    def problem(self, path: str, message: str) -> None:
        """Record a problem at a key (once)."""
        problem = Problem(self.where(path), message)
        if problem not in self.problems:  # e.g. an inherited mistake, met once per heir
            self.problems.append(problem)

    def design_path(self, design: str, key: str, *together: str) -> str:
        """Where a design's key is written: its own table, or the ancestor's it inherits.

        With `together` (keys that make a problem with `key`), the ancestor's table only if
        it holds them all; else the design's own, where they meet.
        """
        held = self.key_origin.get(design, {})
        tables = {held.get(k, design) for k in (key, *together)}
        table = tables.pop() if len(tables) == 1 else design
        return f"designs.{table}.{key}"

    # --- dataclasses ---------------------------------------------------------------
    def build(
        self,
        cls: type,
        raw: Any,
        path: str,
        extra: dict[str, Any] | None = None,
        key_paths: dict[str, str] | None = None,
    ) -> Any:
        """An instance of `cls` from a TOML table (defaults for missing keys), or None.

        `key_paths` gives a key's path where it is not ``path.key`` (an inherited key).
        """
        if not isinstance(raw, dict):
            self.problem(path, f"found {_show(raw)}; allowed: a table of {cls.__name__} settings")
            return None
        infos = {f.name: f for f in field_infos(cls)}
        values: dict[str, Any] = dict(extra or {})
        ok = True
        for key, value in raw.items():
            key_path = (key_paths or {}).get(key) or (f"{path}.{key}" if path else key)
            info = infos.get(key)
            if info is None and key_path in REMOVED_KEYS:
                self.problem(key_path, REMOVED_KEYS[key_path])
                ok = False
                continue
            if info is None or key in (extra or {}):
                valid = [k for k in infos if k not in (extra or {})]
                self.problem(
                    key_path,
                    f"unknown key{did_you_mean(key, valid)}"
                    + ("" if did_you_mean(key, valid) else f"; allowed keys: {', '.join(valid)}"),
                )
                ok = False
                continue
            if info.is_group:
                built = self.build(info.type, value, key_path)
            else:
                built = self.value(info, value, key_path)
            if built is _INVALID or built is None and info.is_group:
                ok = False
            else:
                values[key] = built
        return cls(**values) if ok else None

    def value(self, info: FieldInfo, raw: Any, path: str) -> Any:
        """One value converted to the field's type and checked against its range."""
        options = type_options(info.type)
        if NoneType in options and info.none_word is not None and raw == info.none_word:
            return None
        inner = [t for t in options if t is not NoneType]
        tp = inner[0]
        converted = self.convert(tp, raw, info, path)
        if converted is _INVALID and NoneType in options and info.none_word:
            self.problems[-1] = Problem(
                self.problems[-1].where, self.problems[-1].message + f', or "{info.none_word}"'
            )
        return converted

    def checked(self, info: FieldInfo, raw: Any, path: str) -> tuple[bool, Any]:
        """``(True, value)`` for a valid raw value; ``(False, None)`` with its problem kept."""
        value = self.value(info, raw, path)
        return (False, None) if value is _INVALID else (True, value)

    def convert(self, tp: Any, raw: Any, info: FieldInfo, path: str) -> Any:
        """A raw value as the type `tp`, or `_INVALID` with the problem recorded."""
        if typing.get_origin(tp) is tuple:
            return self.convert_tuple(tp, raw, info, path)
        converter = _CONVERTERS.get(tp)
        if converter is None:
            raise TypeError(f"no converter for {tp}")  # a schema bug, not a user mistake
        return converter(self, raw, info, path)

    def _convert_bool(self, raw: Any, info: FieldInfo, path: str) -> Any:
        if isinstance(raw, bool):
            return raw
        return self.bad(path, raw, "true or false")

    def _convert_int(self, raw: Any, info: FieldInfo, path: str) -> Any:
        if isinstance(raw, int) and not isinstance(raw, bool):
            return self.in_range(raw, info, path, "a whole number")
        return self.bad(path, raw, _range_text(info, "a whole number"))

    def _convert_float(self, raw: Any, info: FieldInfo, path: str) -> Any:
        if isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw):
            return self.in_range(float(raw), info, path, "a number", shown=raw)
        return self.bad(path, raw, _range_text(info, "a number"))

    def _convert_str(self, raw: Any, info: FieldInfo, path: str) -> Any:
        if not isinstance(raw, str):
            return self.bad(path, raw, "text in quotes")
        if info.choices and raw not in info.choices:
            hint = did_you_mean(raw, info.choices)
            return self.bad(path, raw, f"one of {', '.join(info.choices)}{hint}")
        if info.pattern and not re.fullmatch(info.pattern[0], raw):
            return self.bad(path, raw, info.pattern[1])
        return raw

    def _convert_date(self, raw: Any, info: FieldInfo, path: str) -> Any:
        if isinstance(raw, dt.datetime):
            return self.bad(path, raw, "a date like 2021-08-10 (no time of day)")
        if isinstance(raw, dt.date):
            return raw
        if isinstance(raw, str):
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                pass
        return self.bad(path, raw, "a date like 2021-08-10")

    def convert_tuple(self, tp: Any, raw: Any, info: FieldInfo, path: str) -> Any:
        """A list of whole numbers as a tuple (a [low, high] pair for a two-item type)."""
        args = typing.get_args(tp)
        pair = len(args) == 2 and args[1] is not Ellipsis
        want = "a list of two whole numbers [low, high]" if pair else "a list of whole numbers"
        if not isinstance(raw, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in raw
        ):
            return self.bad(path, raw, want + " (0 or more)")
        if pair and (len(raw) != 2 or raw[0] > raw[1]):
            return self.bad(path, raw, want + " with low <= high")
        return tuple(raw)

    def in_range(self, v: float, info: FieldInfo, path: str, kind: str, shown: Any = None) -> Any:
        """`v` if inside the field's range, else `_INVALID` with the problem recorded."""
        if (info.lo is not None and v < info.lo) or (info.hi is not None and v > info.hi):
            return self.bad(path, v if shown is None else shown, _range_text(info, kind))
        return v

    def bad(self, path: str, raw: Any, allowed: str) -> Any:
        """Record "found X; allowed: Y" at a key and return `_INVALID`."""
        self.problem(path, f"found {_show(raw)}; allowed: {allowed}")
        return _INVALID


_INVALID = object()
_CONVERTERS: dict[Any, Callable[[Checker, Any, FieldInfo, str], Any]] = {
    bool: Checker._convert_bool,
    int: Checker._convert_int,
    float: Checker._convert_float,
    str: Checker._convert_str,
    dt.date: Checker._convert_date,
}


def _show(raw: Any) -> str:
    if isinstance(raw, dict):
        return "a table"
    if isinstance(raw, list):
        return f"the list {raw!r}"
    return repr(raw)


def _range_text(info: FieldInfo, kind: str) -> str:
    lo, hi = info.lo, info.hi
    fmt = lambda v: f"{v:g}"  # noqa: E731
    if lo is not None and hi is not None:
        return f"{kind} from {fmt(lo)} to {fmt(hi)}"
    if lo is not None:
        return f"{kind} of at least {fmt(lo)}"
    if hi is not None:
        return f"{kind} of at most {fmt(hi)}"
    return kind


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
def apply_overrides(
    raw: dict[str, Any], sets: list[str]
) -> tuple[dict[str, Any], set[str], list[Problem]]:
    """Apply `key.path=value` overrides (values in TOML syntax; bare words are text)."""
    problems, paths = [], set()
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
        try:
            value = tomllib.loads(f"v = {text.strip()}")["v"]
        except tomllib.TOMLDecodeError:
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
) -> Scenario:
    """A validated Scenario from a TOML-shaped dictionary; raises InputError with every problem.

    `checks` run on the scenario once it is otherwise valid; each gets it and a `locate`
    that names where a key (of a design, if given) is written, so that their problems read
    like the loader's own and an inherited one is reported once, under its table.
    """
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
    if scenario.org.chart is not None and base_dir is not None:
        chart = (base_dir / scenario.org.chart).resolve()
        scenario = scenario.with_changes(org=dataclasses.replace(scenario.org, chart=str(chart)))
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


def check_launch(start: Any, launch: Any, check: Checker) -> None:
    """A problem under launch_date if both are dates and the launch comes before the start."""
    if isinstance(start, dt.date) and isinstance(launch, dt.date) and launch < start:
        check.problem(
            "launch_date",
            f"{launch} is before start_date {start}; the launch must be on or after the start",
        )


def _try_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def check_scenario(s: Scenario, check: Checker, base_dir: Path | None) -> None:
    """Checks that involve more than one value (and the org chart's file, from `base_dir`)."""
    for d in s.designs:
        if (
            d.duration_weeks is not None
            and d.intake_every_weeks is not None
            and d.intake_every_weeks < d.duration_weeks
        ):
            check.problem(
                check.design_path(d.name, "intake_every_weeks", "duration_weeks"),
                f"{d.intake_every_weeks} is shorter than duration_weeks "
                f"{d.duration_weeks}; intakes would overlap the same mentees",
            )
    for t in s.targets:
        if t.outcome in COUNTERFACTUAL_OUTCOMES and not s.observation.mentor_counterfactual:
            check.problem(
                f"targets.{t.outcome}",
                "measured only with the counterfactual run; set "
                "observation.mentor_counterfactual = true",
            )
        if t.outcome in PAIRED_OUTCOMES and not s.include_baseline:
            check.problem(
                f"targets.{t.outcome}",
                "a difference from the no-program run; set include_baseline = true",
            )
    if s.org.chart is not None:
        path = (base_dir or Path.cwd()) / s.org.chart
        if not path.is_file():
            check.problem(
                "org.chart", f"no such file: {path}; give a path relative to the scenario file"
            )


def loads_scenario(
    text: str,
    source: str = "<string>",
    sets: list[str] | None = None,
    base_dir: Path | None = None,
    *,
    checks: Sequence[ScenarioCheck] = (),
) -> Scenario:
    """A validated Scenario from TOML text (`checks` as in `scenario_from_dict`)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError([Problem(source, f"not valid TOML: {err}")]) from None
    return scenario_from_dict(raw, source, sets, base_dir, checks=checks)


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
    path: str | Path, sets: list[str] | None = None, *, checks: Sequence[ScenarioCheck] = ()
) -> Scenario:
    """A validated Scenario from a TOML file or a built-in case's name (``"telecom"``).

    `checks` run on the otherwise valid scenario (see `scenario_from_dict`).

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
    return loads_scenario(text, path.name, sets, path.parent, checks=checks)


def default_with_overrides(
    sets: list[str] | None, *, checks: Sequence[ScenarioCheck] = ()
) -> Scenario:
    """The built-in default scenario with `--set` overrides applied and validated."""
    from sim.scenario.parameters import default_scenario

    base = default_scenario()
    raw = {"name": base.name, "description": base.description, "provenance": base.provenance}
    raw["designs"] = {"program": _design_dict(default_program())}
    return scenario_from_dict(raw, "default scenario", sets, checks=checks)


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
