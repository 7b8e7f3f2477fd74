"""The `Experiment`: designs x sample points x replicates of a base scenario, validated.

It checks every parameter and sample choice at once, draws the sample points, lists the
runs (`tasks`), hashes its definition for `--resume`, and runs into a result store.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import typing
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import InputError, Problem, did_you_mean
from sim.runs.experiment.driver import SweepReport, drive
from sim.runs.experiment.points import point_scenario
from sim.runs.experiment.samples import (
    SALIB_METHODS,
    Factorial,
    LatinHypercube,
    Morris,
    Range,
    Sample,
    Sobol,
    Values,
    require_salib,
)
from sim.runs.experiment.tasks import RunTask
from sim.safety.resources import MAX_RUNS
from sim.scenario.design import ProgramDesign
from sim.scenario.parameters import Scenario
from sim.scenario.schema import field_infos, type_options
from sim.scenario.seeds import replicate_seeds

# Keys an experiment sets itself: varying them per point would break common random numbers.
RESERVED_PATHS = {
    "seed": "replicate seeds come from the experiment's seed, shared by every point",
    "replicates": "replicates are set by the experiment, not per point",
    "include_baseline": "choose the designs to run with the experiment's designs list",
    "name": "the scenario's name is not a model parameter",
}
OUTCOME_CHOICES = ("summary", "series")
CHECKED_POINTS = 2000  # points whose combined values are validated before anything runs


class Experiment:
    """Designs x sample points x replicates of a base scenario.

    Args:
        scenario: the validated base scenario.
        parameters: dotted key path -> a list of values, `Values` or `Range`, in order.
        sample: `Factorial()` (default), `LatinHypercube`, `Sobol` or `Morris`.
        designs: the design names to run (default: the scenario's, baseline first if included).
        replicates: replicates per design and point (default: the scenario's).
        seed: base seed of the replicate seeds (default: the scenario's).
        outcomes: "summary" (a row per run) or "series" (the weekly series too).
        name: the experiment's name in the store (default: the scenario's).
        source: where the definition came from, for error messages (a sweep file's name).

    Raises:
        InputError: with every problem found (unknown paths, bad values, unknown designs).
    """

    def __init__(
        self,
        scenario: Scenario,
        parameters: Mapping[str, Values | Range | Sequence[Any]] | None = None,
        sample: Sample | None = None,
        designs: Sequence[str] | None = None,
        replicates: int | None = None,
        seed: int | None = None,
        outcomes: str = "summary",
        name: str | None = None,
        source: str = "<experiment>",
    ):
        self.base = scenario
        self.name = name or scenario.name
        self.source = source
        self.sample = sample or Factorial()
        self.designs = tuple(designs) if designs else scenario.design_names
        self.replicates = replicates if replicates is not None else scenario.replicates
        self.seed = seed if seed is not None else scenario.seed
        self.outcomes = outcomes
        self.parameters: dict[str, Values | Range] = {
            path: spec if isinstance(spec, Values | Range) else Values(tuple(spec))
            for path, spec in (parameters or {}).items()
        }
        problems = self._check()
        if problems:
            raise InputError(problems)
        self.seeds = replicate_seeds(self.seed, self.replicates)
        self.matrix, self.points = self._sample()
        problems = self._check_points()
        if problems:
            raise InputError(problems)

    # -- validation ---------------------------------------------------------------------
    def where(self, key: str) -> str:
        """A problem's location in the experiment's source."""
        return f"{self.source}: {key}"

    def _check(self) -> list[Problem]:
        # A base scenario built in Python skips the file checks: check it first, under its own
        # keys. If it is invalid, each varied value would fail with its mistakes too, so the
        # per-value checks are skipped; every other check still runs (all problems at once).
        problems: list[Problem] = []
        try:
            point_scenario(self.base, [], self.source)
            base_ok = True
        except InputError as err:
            problems += err.problems
            base_ok = False
        if self.replicates < 1:
            problems.append(Problem(self.where("replicates"), "must be at least 1"))
        elif self.replicates > MAX_RUNS:
            problems.append(
                Problem(self.where("replicates"), f"{self.replicates} is more than {MAX_RUNS:,}")
            )
        if self.seed < 0:
            problems.append(Problem(self.where("seed"), "must be 0 or more"))
        if self.outcomes not in OUTCOME_CHOICES:
            problems.append(
                Problem(
                    self.where("outcomes"),
                    f"found {self.outcomes!r}; allowed: summary or series"
                    + did_you_mean(str(self.outcomes), OUTCOME_CHOICES),
                )
            )
        known = ("baseline", *(d.name for d in self.base.designs))
        for d in self.designs:
            if d not in known:
                hint = did_you_mean(d, known) or f"; designs: {', '.join(known)}"
                problems.append(Problem(self.where("designs"), f"no design named {d!r}{hint}"))
        if len(set(self.designs)) != len(self.designs):
            problems.append(Problem(self.where("designs"), "a design is listed twice"))
        sampled = self.sample.method != "factorial"
        for path, spec in self.parameters.items():
            problems += self._check_parameter(path, spec, sampled, base_ok)
        problems += self._check_sample()
        if not problems:
            problems += self._check_size()
        return problems

    def _check_size(self) -> list[Problem]:
        """The run count, refused above `MAX_RUNS` before any point or task is made."""
        s = self.sample
        if s.method == "factorial":
            points = 1.0
            for spec in self.parameters.values():
                if isinstance(spec, Range):
                    n = (
                        spec.steps
                        if spec.steps is not None
                        else (spec.high - spec.low) / spec.step + 1
                    )
                else:
                    n = len(spec.values)
                points *= float(n)
        else:
            d = len(self.parameters)
            points = float(getattr(s, "n", 0) or 0) * (d + 2) + float(
                getattr(s, "trajectories", 0) or 0
            ) * (d + 1)
        runs = points * self.replicates * len(self.designs)
        if runs <= MAX_RUNS:
            return []
        return [
            Problem(
                self.where("replicates"),
                f"{points:.3g} points x {len(self.designs)} designs x {self.replicates} "
                f"replicates = {runs:.3g} runs; at most {MAX_RUNS:,} are allowed in one sweep: "
                "use fewer points, designs or replicates",
            )
        ]

    def _check_path_shape(self, path: str, where: str) -> list[Problem]:
        """Paths that can never be varied, or name a design the scenario does not have."""
        head = path.split(".", 1)[0]
        if path in RESERVED_PATHS:
            return [Problem(where, f"cannot be varied: {RESERVED_PATHS[path]}")]
        if head == "outputs":
            return [Problem(where, "cannot be varied: outputs choose files, not model values")]
        if head in ("designs", "targets") and path.count(".") != 2:
            form = "designs.NAME.KEY or designs.*.KEY"
            return [Problem(where, f"expected {form}, e.g. designs.*.cadence_weeks")]
        if head == "targets":
            return [Problem(where, "targets are case data, not model parameters")]
        if head == "designs":
            name = path.split(".")[1]
            known = [d.name for d in self.base.designs]
            if name != "*" and name not in known:
                hint = did_you_mean(name, known) or f"; designs: {', '.join(known)}, or *"
                return [Problem(where, f"no design named {name!r} in the scenario{hint}")]
            if path.endswith(".name"):
                return [Problem(where, "cannot be varied: the design's name is its identity")]
        return []

    def _check_parameter(
        self, path: str, spec: Values | Range, sampled: bool, base_ok: bool = True
    ) -> list[Problem]:
        where = self.where(f"parameters.{path}")
        problems = self._check_path_shape(path, where)
        if problems:
            return problems
        kind = self.kind(path)
        if kind is None and isinstance(spec, Range):
            # An unknown key: the loader's message (with its "did you mean"), not a range rule.
            return self._check_values(path, where, [spec.low])
        if isinstance(spec, Range):
            problems = self._check_range(where, spec, kind, sampled)
            if problems:
                return problems
            candidates = [self._cast(spec.low, kind), self._cast(spec.high, kind)]
        else:
            if sampled:
                return [
                    Problem(
                        where,
                        f"a {self.sample.method} sample draws from a range; "
                        "give {low = ..., high = ...} instead of a list",
                    )
                ]
            if not spec.values:
                return [Problem(where, "the list of values is empty")]
            candidates = list(spec.values)
        return self._check_values(path, where, candidates) if base_ok else []

    def _check_range(self, where: str, spec: Range, kind: Any, sampled: bool) -> list[Problem]:
        numbers = all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in (spec.low, spec.high)
        )
        if not numbers:
            return [Problem(where, "low and high must be numbers")]
        if kind not in (int, float):
            return [Problem(where, "a range needs a numeric parameter; give a list of values")]
        if not spec.low < spec.high:
            return [Problem(where, f"low {spec.low:g} must be below high {spec.high:g}")]
        if sampled:
            if spec.steps is not None or spec.step is not None:
                return [Problem(where, f"a {self.sample.method} sample takes low and high only")]
            return []
        if spec.steps is None and spec.step is None:
            return [Problem(where, "a factorial grid needs steps (how many values) or step")]
        if spec.steps is not None and spec.step is not None:
            return [Problem(where, "give steps or step, not both")]
        if spec.steps is not None and (not isinstance(spec.steps, int) or spec.steps < 2):
            return [Problem(where, f"steps: found {spec.steps!r}; allowed: a whole number >= 2")]
        if spec.step is not None and not (
            isinstance(spec.step, int | float) and not isinstance(spec.step, bool) and spec.step > 0
        ):
            return [Problem(where, f"step: found {spec.step!r}; allowed: a number above 0")]
        size = spec.steps if spec.steps is not None else (spec.high - spec.low) / spec.step + 1
        if size > MAX_RUNS:  # refused before the grid is made: 10^9 values would not fit
            return [
                Problem(
                    where,
                    f"the grid has {size:.3g} values; at most {MAX_RUNS:,} runs are allowed "
                    "in one sweep: use fewer steps (or a larger step), or a sample",
                )
            ]
        grid = [self._cast(v, kind) for v in spec.grid()]
        if len(set(grid)) != len(grid):
            return [Problem(where, f"whole-number parameter: the grid repeats values {grid}")]
        return []

    def _check_values(self, path: str, where: str, candidates: list[Any]) -> list[Problem]:
        # One scenario per candidate, built by sim.scenario.loading: its messages, our location.
        problems: list[Problem] = []
        for value in candidates:
            sets = self._sets({path: value})
            try:
                point_scenario(self.base, sets, self.source)
            except InputError as err:
                for p in err.problems:
                    problems.append(Problem(where, p.message))
        return list(dict.fromkeys(problems))

    def _check_sample(self) -> list[Problem]:
        s, where = self.sample, self.where("sample")
        problems = []
        if s.method != "factorial" and not self.parameters:
            problems.append(Problem(where, f"a {s.method} sample needs at least one parameter"))
        if s.method in SALIB_METHODS:
            try:
                require_salib()
            except InputError as err:
                problems += [Problem(self.where(p.where), p.message) for p in err.problems]
        if isinstance(s, LatinHypercube) and s.n < 1:
            problems.append(Problem(f"{where}.n", "must be at least 1"))
        if isinstance(s, Sobol) and (s.n < 2 or s.n & (s.n - 1)):
            problems.append(
                Problem(
                    f"{where}.n",
                    f"found {s.n}; allowed: a power of 2 (Sobol sequences converge only then), "
                    "e.g. 64, 128, 256",
                )
            )
        if isinstance(s, Morris):
            if s.trajectories < 2:
                problems.append(Problem(f"{where}.trajectories", "must be at least 2"))
            if s.levels < 2 or s.levels % 2:
                problems.append(Problem(f"{where}.levels", "must be an even number >= 2"))
        return problems

    def _check_points(self) -> list[Problem]:
        """Checks that involve two values at once (intakes vs duration), point by point.

        Each value was checked alone already; only combinations can still be wrong, so with
        fewer than two parameters there is nothing to do. Beyond CHECKED_POINTS points the
        check would take seconds; a bad combination then fails its runs with this message.
        """
        if len(self.parameters) < 2 or len(self.points) > CHECKED_POINTS:
            return []
        problems: list[Problem] = []
        for i, values in enumerate(self.points):
            try:
                point_scenario(self.base, self._sets(values), self.source)
            except InputError as err:
                shown = ", ".join(f"{k}={v}" for k, v in values.items())
                where = self.where(f"parameters (point {i}: {shown})")
                for p in err.problems:
                    problems.append(
                        Problem(where, f"{p.where.removeprefix('--set ')}: {p.message}")
                    )
        if len(problems) > 10:
            more = Problem(
                self.where("parameters"), f"... and {len(problems) - 10} more like these"
            )
            problems = [*problems[:10], more]
        return problems

    # -- parameter paths ----------------------------------------------------------------
    def kind(self, path: str) -> Any:
        """The Python type (int, float, bool, str, ...) of a parameter path, or None."""
        parts = path.split(".")
        cls: type = Scenario
        if parts[0] == "designs" and len(parts) == 3:
            cls, parts = ProgramDesign, parts[2:]
        for i, part in enumerate(parts):
            infos = {f.name: f for f in field_infos(cls)}
            info = infos.get(part)
            if info is None:
                return None
            if info.is_group:
                cls = info.type
                continue
            if i != len(parts) - 1:
                return None
            inner = [t for t in type_options(info.type) if t is not type(None)]
            tp = inner[0]
            return typing.get_origin(tp) or tp
        return None

    @staticmethod
    def _cast(value: Any, kind: Any) -> Any:
        if kind is int:
            return int(round(value))
        if kind is float:
            return float(f"{float(value):.12g}")  # 0.3, not 0.30000000000000004
        return value

    def expand(self, path: str) -> list[str]:
        """The scenario paths one parameter sets: designs.* means every design."""
        parts = path.split(".")
        if parts[0] == "designs" and len(parts) == 3 and parts[1] == "*":
            return [f"designs.{d.name}.{parts[2]}" for d in self.base.designs]
        return [path]

    def _sets(self, values: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(
            f"{target}={json.dumps(value)}"
            for path, value in values.items()
            for target in self.expand(path)
        )

    # -- sampling -----------------------------------------------------------------------
    @property
    def sample_seed(self) -> int:
        """The seed of the parameter sample (the sample's own, else the experiment's)."""
        own = getattr(self.sample, "seed", None)
        return self.seed if own is None else own

    def problem(self) -> dict[str, Any]:
        """The SALib problem definition of the sampled parameters."""
        names = list(self.parameters)
        bounds = [[float(s.low), float(s.high)] for s in self.parameters.values()]  # type: ignore[union-attr]
        return {"num_vars": len(names), "names": names, "bounds": bounds}

    def _sample(self) -> tuple[np.ndarray | None, list[dict[str, Any]]]:
        paths = list(self.parameters)
        kinds = [self.kind(p) for p in paths]
        s = self.sample
        if s.method == "factorial":
            axes = [
                [
                    self._cast(v, k)
                    for v in (spec.grid() if isinstance(spec, Range) else spec.values)
                ]
                for spec, k in zip(self.parameters.values(), kinds, strict=True)
            ]
            combos = [()] if not axes else _product(axes)
            return None, [dict(zip(paths, c, strict=True)) for c in combos]
        problem = self.problem()
        if isinstance(s, LatinHypercube):
            from scipy.stats import qmc

            unit = qmc.LatinHypercube(d=len(paths), rng=np.random.default_rng(self.sample_seed))
            lows, highs = np.array(problem["bounds"]).T
            matrix = qmc.scale(unit.random(s.n), lows, highs)
        elif isinstance(s, Sobol):
            require_salib()
            from SALib.sample import sobol as sobol_sample

            matrix = sobol_sample.sample(
                problem, s.n, calc_second_order=s.second_order, seed=self.sample_seed
            )
        else:
            require_salib()
            from SALib.sample import morris as morris_sample

            matrix = morris_sample.sample(
                problem, s.trajectories, num_levels=s.levels, seed=self.sample_seed
            )
        points = [
            {p: self._cast(v, k) for p, v, k in zip(paths, row, kinds, strict=True)}
            for row in matrix
        ]
        return matrix, points

    # -- runs ---------------------------------------------------------------------------
    def tasks(self) -> list[RunTask]:
        """Every run: for each point, each replicate, each design."""
        keep = self.outcomes == "series"
        return [
            RunTask(self.name, design, p, r, seed, self.base, self._sets(values), self.source, keep)
            for p, values in enumerate(self.points)
            for r, seed in enumerate(self.seeds)
            for design in self.designs
        ]

    def point_scenario(self, point: int) -> Scenario:
        """The validated scenario of one sample point."""
        return point_scenario(self.base, self._sets(self.points[point]), self.source)

    def to_dict(self) -> dict[str, Any]:
        """The validated experiment as JSON-ready data (what the store's hash covers)."""
        sample = dataclasses.asdict(self.sample)
        sample["seed"] = self.sample_seed if self.sample.method != "factorial" else None
        return {
            "name": self.name,
            "scenario": self.base.model_dict(),  # [outputs] choose files: not in the hash
            "designs": list(self.designs),
            # A list, not a table: the order is the sample matrix's column order.
            "parameters": [{"path": p, **s.to_dict()} for p, s in self.parameters.items()],
            "sample": sample,
            "replicates": self.replicates,
            "seed": self.seed,
            "seeds": list(self.seeds),
            "outcomes": self.outcomes,
            "points": len(self.points),
        }

    def digest(self) -> str:
        """A hash of the validated experiment: `--resume` refuses a store made by another."""
        text = json.dumps(self.to_dict(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def run(
        self,
        store: Any,
        executor: Executor | None = None,
        *,
        resume: bool = False,
        window: int = 16,
        progress: bool = False,
    ) -> SweepReport:
        """Run every task not yet stored; write each run to the store as it finishes.

        Args:
            store: a `sim.runs.store.ResultStore` or a path to one (an SQLite file).
            executor: any `concurrent.futures.Executor` (default: serial, in this process).
            resume: continue a store made by this same experiment (skip stored runs).
            window: runs in flight at once (bounds memory; a few per worker is plenty).
            progress: show a tqdm progress bar.

        Returns:
            A `SweepReport` of what ran, what was skipped and what failed.
        """
        from sim.runs.executors import SerialExecutor
        from sim.runs.store import ResultStore

        own_store = not isinstance(store, ResultStore)
        db = ResultStore(store) if own_store else store
        try:
            db.lock()
            db.begin(self, resume=resume)
            return drive(
                self.name, self.tasks(), db, executor or SerialExecutor(), window, progress
            )
        finally:
            if own_store:
                db.close()


def _product(axes: list[list[Any]]) -> list[tuple[Any, ...]]:
    import itertools

    return list(itertools.product(*axes))


def run_experiment(
    exp: Experiment,
    out: str | Path,
    workers: int | None = None,
    force: bool = False,
    progress: bool = True,
) -> tuple[SweepReport, Any]:
    """Run an experiment into ``out/results.sqlite`` on local workers.

    Returns the `SweepReport` and the successful runs (a DataFrame). A store of the same
    experiment in ``out`` is continued (its runs are kept); a store of another experiment
    is refused unless ``force`` (which discards it).
    """
    from sim.runs.executors import open_backend
    from sim.runs.store import STORE_NAME, ResultStore

    path = Path(out) / STORE_NAME
    if force:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    with ResultStore(path) as store, open_backend(workers) as backend:
        report = exp.run(
            store,
            backend.executor,
            resume=True,
            window=max(8, 4 * backend.workers),
            progress=progress,
        )
        return report, store.runs(status="ok")
