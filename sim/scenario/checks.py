"""The loader's checks of values: a raw value against its key's schema, and the whole scenario.

`Checker` converts a raw (TOML-shaped) value to its field's type, or records a problem that
names the key, what was found and what is allowed; `check_launch` and `check_scenario` are
the checks that involve more than one value. Both the file loader (`sim.scenario.loading`) and
`Scenario.with_overrides` (`sim.scenario.overrides`) use them, so a value is refused with the
same words wherever it comes from. This module reads no file and builds no `Scenario`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import typing
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.errors import Problem, did_you_mean
from sim.scenario.outcomes import COUNTERFACTUAL_OUTCOMES, PAIRED_OUTCOMES
from sim.scenario.removed import REMOVED_KEYS
from sim.scenario.schema import FieldInfo, field_infos, type_options

if TYPE_CHECKING:
    from sim.scenario.parameters import Scenario

NoneType = type(None)


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
    check_sizes(s, check)
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
    ep = s.dynamics.engagement
    # The department's weight in the climate is what is left: it must not be negative.
    if ep.w_chain + ep.w_net > 1.0 + 1e-12:
        check.problem(
            "dynamics.engagement.w_chain",
            f"w_chain {ep.w_chain:g} + w_net {ep.w_net:g} = {ep.w_chain + ep.w_net:g} is "
            "above 1; the department's weight in the climate is 1 - w_chain - w_net",
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
    _check_files(s, check, base_dir or Path.cwd())


def _check_files(s: Scenario, check: Checker, base_dir: Path) -> None:
    """The input files exist, and those naming employees come with an imported chart."""
    relative = "give a path relative to the scenario file"
    files = [("org.chart", s.org.chart), ("org.ties_file", s.org.ties_file)]
    files += [(check.design_path(d.name, "mentees_file"), d.mentees_file) for d in s.designs]
    for key, name in files:
        if name is not None and not (base_dir / name).is_file():
            check.problem(key, f"no such file: {base_dir / name}; {relative}")
    generated = "the organisation is generated (no org.chart), so there are no employee ids"
    if s.org.ties_file is not None and s.org.chart is None:
        check.problem(
            "org.ties_file",
            f"found {s.org.ties_file!r}, but {generated} to tie; allowed: an edge list of an "
            "imported chart; set org.chart, or remove org.ties_file",
        )
    for d in s.designs:
        if d.mentee_selection == "listed" and d.mentees_file is None:
            check.problem(
                check.design_path(d.name, "mentee_selection"),
                'found "listed" without mentees_file; allowed: a list of employee ids, e.g. '
                'mentees_file = "mentees.csv", or another rule: random, top_levels, '
                "most_reports, most_connected",
            )
        elif d.mentee_selection == "listed" and s.org.chart is None:
            check.problem(
                check.design_path(d.name, "mentee_selection"),
                f'found "listed", but {generated} to list; allowed: "listed" with an imported '
                "chart (org.chart), or another rule: random, top_levels, most_reports, "
                "most_connected",
            )
        elif d.mentees_file is not None and d.mentee_selection != "listed":
            check.problem(
                check.design_path(d.name, "mentees_file"),
                f'found a file, but mentee_selection is "{d.mentee_selection}"; allowed: '
                'mentees_file with mentee_selection = "listed" only',
            )


MONEY_LIMIT = 1e150
"""Above this, a money total's square (taken by the intervals) is not finite."""


def check_sizes(s: Scenario, check: Checker) -> None:
    """Sizes and money whose products the runs cannot hold: refused before anything runs.

    Memory, disk and run count come from `sim.safety.resources.estimate` (floating point,
    so 10^20 people is refused without allocating). A money figure derived by multiplying
    salaries, replacement factors, people and weeks must stay finite, squares included.
    """
    from sim.safety.resources import BYTES_PER_PERSON, check_estimate, estimate

    need = estimate(s.org.size, s.replicates, len(s.design_names), s.weeks)
    people_part = float(s.org.size) * BYTES_PER_PERSON
    key = "org.size" if people_part >= need.memory / 2 else "replicates"
    for problem in check_estimate(need, key):
        check.problem(problem.where, problem.message)
    c = s.costs
    for salary, factor in (
        ("salary_junior", "replacement_junior"),
        ("salary_senior", "replacement_senior"),
    ):
        value, times = getattr(c, salary), getattr(c, factor)
        total = (
            value
            * max(1.0, times)
            * float(s.org.size)
            * max(1, s.weeks)
            / max(1.0, c.hours_per_year)
            * 1_000
        )
        if not math.isfinite(total) or total > MONEY_LIMIT:
            check.problem(
                f"costs.{salary}",
                f"{value:g} is too large to compute with: the costs derived from it "
                f"({salary} x {factor} x org.size x weeks) are not finite numbers; give "
                "salaries in the currency's units (or in thousands)",
            )
