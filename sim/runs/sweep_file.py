"""Sweep files: TOML in, a validated `Experiment` out, every problem reported at once.

The sweep file names a base scenario, fixed changes to it (``[set]``, the keys of ``--set``),
the parameters to vary (``[parameters]``) and how to sample them (``[sample]``). Values are
checked by the scenario loader itself (`sim.scenario.loading`), so a sweep accepts exactly what a
scenario file accepts; only the sweep's own keys are checked here.

Example:
    name = "cadence-commitment"
    scenario = "../../scenarios/telecom.toml"
    replicates = 10

    [parameters]
    "designs.*.cadence_weeks" = [1, 2, 4]
    "designs.*.commitment" = { low = 0.25, high = 1.0, steps = 4 }
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sim.errors import InputError, Problem, did_you_mean
from sim.runs.experiment.definition import OUTCOME_CHOICES, Experiment
from sim.runs.experiment.samples import (
    Factorial,
    LatinHypercube,
    Morris,
    Range,
    Sample,
    Sobol,
    Values,
)
from sim.safety import toml_text

TOP_KEYS = {
    "name": "the experiment's name (default: the file's name)",
    "description": "what the sweep is for",
    "scenario": "base scenario file, relative to this file (default: the built-in scenario)",
    "designs": "design names to run (default: the scenario's, baseline first)",
    "replicates": "replicates per design and point (default: the scenario's)",
    "seed": "base seed of the shared replicate seeds (default: the scenario's)",
    "outcomes": "summary (a row per run) or series (weekly rows too)",
    "set": "fixed changes to the base scenario, as with --set",
    "parameters": "the parameters to vary: a list of values or {low, high, steps}",
    "sample": "how to combine the parameters: method = factorial, latin, sobol or morris",
}
SAMPLE_KEYS: dict[str, dict[str, type]] = {
    "factorial": {},
    "latin": {"n": int, "seed": int},
    "sobol": {"n": int, "second_order": bool, "seed": int},
    "morris": {"trajectories": int, "levels": int, "seed": int},
}
RANGE_KEYS = ("low", "high", "steps", "step")


def load_sweep(path: str | Path) -> Experiment:
    """A validated Experiment from a sweep file; raises InputError naming the file and keys."""
    path = Path(path)
    if not path.is_file():
        hint = ""
        if path.parent.is_dir():
            hint = did_you_mean(path.name, [p.name for p in path.parent.glob("*.toml")])
        raise InputError([Problem(str(path), f"no such sweep file{hint}")])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([Problem(str(path), "not UTF-8 text; save it as UTF-8")]) from None
    raw = toml_text.loads(text, path.name)
    return sweep_from_dict(raw, path.name, path.parent, default_name=path.stem)


def sweep_from_dict(
    raw: dict[str, Any],
    source: str = "<sweep>",
    base_dir: Path | None = None,
    default_name: str = "sweep",
) -> Experiment:
    """A validated Experiment from a TOML-shaped dictionary."""
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(f"{source}: {key}", message))

    for key in raw:
        if key not in TOP_KEYS:
            hint = did_you_mean(key, TOP_KEYS) or f"; allowed keys: {', '.join(TOP_KEYS)}"
            bad(key, f"unknown key{hint}")
    name = _typed(raw, "name", str, "text in quotes", bad, default_name)
    _typed(raw, "description", str, "text in quotes", bad, "")
    scenario_file = _typed(raw, "scenario", str, "a path in quotes", bad, None)
    replicates = _typed(raw, "replicates", int, "a whole number of at least 1", bad, None)
    if replicates is not None and replicates < 1:
        bad("replicates", f"found {replicates}; allowed: a whole number of at least 1")
        replicates = None
    seed = _typed(raw, "seed", int, "a whole number of at least 0", bad, None)
    if seed is not None and seed < 0:
        bad("seed", f"found {seed}; allowed: a whole number of at least 0")
        seed = None
    outcomes = _typed(raw, "outcomes", str, "summary or series", bad, "summary")
    if outcomes not in OUTCOME_CHOICES:
        bad(
            "outcomes",
            f"found {outcomes!r}; allowed: summary or series"
            + did_you_mean(str(outcomes), OUTCOME_CHOICES),
        )
        outcomes = "summary"
    designs = raw.get("designs")
    if designs is not None and not (
        isinstance(designs, list) and designs and all(isinstance(d, str) for d in designs)
    ):
        bad("designs", f"found {designs!r}; allowed: a list of design names in quotes")
        designs = None
    sets = _fixed_sets(raw.get("set", {}), bad)
    parameters = _parameters(raw.get("parameters", {}), bad)
    sample = _sample(raw.get("sample", {}), bad)

    base = None
    scenario_path = (base_dir or Path.cwd()) / scenario_file if scenario_file else None
    try:
        from sim.runs.experiment.points import scenario_from_file_or_default

        base = scenario_from_file_or_default(scenario_path, sets)
    except InputError as err:
        problems += [_relocate(p, source) for p in err.problems]
    experiment = None
    if base is not None and sample is not None:
        # Parameter values are checked even when other keys are wrong: all problems at once.
        try:
            experiment = Experiment(
                base,
                parameters=parameters,
                sample=sample,
                designs=designs,
                replicates=replicates,
                seed=seed,
                outcomes=outcomes,
                name=name,
                source=source,
            )
        except InputError as err:
            problems += err.problems
    if problems or experiment is None:
        raise InputError(problems)
    return experiment


def _typed(raw: dict, key: str, tp: type, allowed: str, bad, default: Any) -> Any:
    if key not in raw:
        return default
    value = raw[key]
    if not isinstance(value, tp) or isinstance(value, bool) and tp is not bool:
        bad(key, f"found {value!r}; allowed: {allowed}")
        return default
    return value


def _relocate(problem: Problem, source: str) -> Problem:
    """A scenario problem caused by a [set] value points at the sweep file."""
    if problem.where.startswith("--set "):
        return Problem(f"{source}: set.{problem.where.removeprefix('--set ')}", problem.message)
    return problem


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested TOML tables -> dotted paths; ``a.b = 1`` and ``"a.b" = 1`` mean the same."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and not _is_range(value):
            out.update(_flatten(value, path))
        else:
            out[path] = value
    return out


def _is_range(value: dict[str, Any]) -> bool:
    return bool(value) and any(k in value for k in ("low", "high"))


def _fixed_sets(table: Any, bad) -> list[str]:
    if not isinstance(table, dict):
        bad("set", "found a value; allowed: a table like [set] with key.path = value lines")
        return []
    return [f"{path}={json.dumps(value, default=str)}" for path, value in _flatten(table).items()]


def _parameters(table: Any, bad) -> dict[str, Values | Range]:
    if not isinstance(table, dict):
        bad("parameters", "found a value; allowed: a table like [parameters]")
        return {}
    out: dict[str, Values | Range] = {}
    for path, spec in _flatten(table).items():
        key = f"parameters.{path}"
        if isinstance(spec, list):
            out[path] = Values(tuple(spec))
        elif isinstance(spec, dict):
            unknown = [k for k in spec if k not in RANGE_KEYS]
            for k in unknown:
                bad(
                    f"{key}.{k}",
                    f"unknown key{did_you_mean(k, RANGE_KEYS)}; "
                    "a range has low, high and (for a grid) steps or step",
                )
            missing = [k for k in ("low", "high") if k not in spec]
            if missing:
                bad(key, f"a range needs {' and '.join(missing)}")
            if unknown or missing:
                continue
            out[path] = Range(spec["low"], spec["high"], spec.get("steps"), spec.get("step"))
        else:
            bad(
                key,
                f"found {spec!r}; allowed: a list of values like [1, 2, 4] or a range "
                "like {low = 1, high = 4, steps = 4}; fixed values go in [set]",
            )
    return out


def _sample(table: Any, bad) -> Sample | None:
    if not isinstance(table, dict):
        bad("sample", "found a value; allowed: a table like [sample] with method = ...")
        return None
    method = table.get("method", "factorial")
    if method not in SAMPLE_KEYS:
        bad(
            "sample.method",
            f"found {method!r}; allowed: {', '.join(SAMPLE_KEYS)}"
            + did_you_mean(str(method), SAMPLE_KEYS),
        )
        return None
    allowed = SAMPLE_KEYS[method]
    values: dict[str, Any] = {}
    ok = True
    for key, value in table.items():
        if key == "method":
            continue
        if key not in allowed:
            hint = did_you_mean(key, allowed) or (
                f"; a {method} sample takes {', '.join(allowed) or 'no other keys'}"
            )
            bad(f"sample.{key}", f"unknown key{hint}")
            ok = False
        elif not isinstance(value, allowed[key]) or (
            allowed[key] is int and isinstance(value, bool)
        ):
            kind = "true or false" if allowed[key] is bool else "a whole number"
            bad(f"sample.{key}", f"found {value!r}; allowed: {kind}")
            ok = False
        else:
            values[key] = value
    required = {"latin": "n", "sobol": "n", "morris": "trajectories"}.get(method)
    if required and required not in table:
        bad("sample", f"a {method} sample needs {required}")
        ok = False
    if not ok:
        return None
    if method == "latin":
        return LatinHypercube(**values)
    if method == "sobol":
        return Sobol(**values)
    if method == "morris":
        return Morris(**values)
    return Factorial()
