"""Calibration helpers: fit a case's few uncertain parameters to its pattern; say where it fails.

The issue asked for these in `sim.analysis`; they live here because `sim.analysis` reads stored
results only (it never runs a model), and calibration has to run the model.

The workflow (`experiments/calibrate.py` uses it for the cases of docs/ODD.md section 1):

1. `Case`: a scenario file plus parameter values to try, applied as `--set`-style overrides and
   validated by the same code as a user's file.
2. `Evaluator`: the mean outcomes of a case at given values, on a fixed list of seeds, so every
   candidate faces the same random draws (common random numbers): differences between
   candidates are the parameters', not noise between seeds. Runs go through a `Runner`
   (serial or a process pool); results come back in job order, so they do not depend on the
   number of workers.
3. Search, cheap and documented: `grid_search` (every combination of a few values each),
   `solve_1d` (Brent's root finder on one parameter, from `scipy.optimize.brentq`),
   `proportional_solve` (for a rate the outcome is roughly proportional to), and
   `beyond_range` (how far outside its evidence range a parameter would have to go).
4. `check_targets`: the fitted values with many replicates (fresh seeds), each target beside
   the simulated mean and its 95% interval.

`EVIDENCE` states each searched parameter's evidence range and where it comes from.
"""

from __future__ import annotations

import copy
import fnmatch
import itertools
import math
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from sim.analysis import mean_interval
from sim.scenario.loading import scenario_from_dict
from sim.scenario.outcomes import PAIRED_OUTCOMES
from sim.scenario.parameters import Scenario, Target
from sim.scenario.schema import field_infos
from sim.sweeps.effects import add_paired_effects
from sim.sweeps.executors import process_pool
from sim.sweeps.runs import run_one


# --- evidence ranges ------------------------------------------------------------------------
@dataclass(frozen=True)
class Evidence:
    """The range a parameter may take on the evidence, and where the range comes from.

    Attributes:
        key: dotted scenario key; ``*`` matches a design name (``designs.*.commitment``).
        lo: lowest value the evidence supports.
        hi: highest value the evidence supports.
        source: the evidence or the reasoning behind the range.
        free: True for a parameter with no evidence at all (fitted to the case alone).
    """

    key: str
    lo: float
    hi: float
    source: str
    free: bool = False


# Each range is a judgment on the cited evidence, stated so a reader can disagree with it.
EVIDENCE: tuple[Evidence, ...] = (
    Evidence(
        "dynamics.exits.base_junior",
        0.10,
        0.25,
        "Gallup (2016): 21% of Millennials changed jobs in the past year; BLS (2016): median "
        "tenure 2.8 years at ages 25-34, i.e. 1 - 2^(-1/2.8) = 22% a year at a constant hazard. "
        "base_junior is the rate at reference engagement before the new-hire and contagion "
        "multipliers; the range allows about half that rate to a little above it for "
        "differences between firms and countries (a judgment).",
    ),
    Evidence(
        "dynamics.exits.beta_e",
        0.70,
        2.60,
        "Gallup Q12 meta-analyses: top- vs bottom-quartile units have 25-65% lower turnover. "
        "With a quartile gap of 0.4 on the 0..1 engagement scale (the assumption behind "
        "the default 1.7: +0.4 engagement roughly halves exits), beta_e = "
        "-ln(1 - r) / 0.4 for r = 0.25..0.65, i.e. 0.72..2.62.",
    ),
    Evidence(
        "dynamics.engagement.a_climate",
        0.0,
        0.20,
        "No direct measurement. Leaders who listen are one driver of engagement among many "
        "(Gallup's Q12 has twelve); the term may move juniors' target by at most half the "
        "0.4 top-vs-bottom-quartile gap used for beta_e (a judgment). 0 = no effect.",
    ),
    Evidence(
        "dynamics.engagement.a_gap",
        0.0,
        0.30,
        "No direct measurement. At the typical initial gap (juniors 0.75, seniors 0.35) the "
        "term lowers juniors' target by a_gap x 0.4; the bound keeps that below 0.12, under a "
        "third of the 0.4 quartile gap (a judgment). 0 = no effect.",
    ),
    Evidence(
        "dynamics.engagement.a_voice",
        0.0,
        0.20,
        "No direct measurement (mentors' voice and recognition, case reports). Like "
        "a_climate, one driver among many: at full voice (v = 1) it may move a mentor's "
        "target by at most half the 0.4 top-vs-bottom-quartile gap used for beta_e (a "
        "judgment). 0 = no effect.",
    ),
    Evidence(
        "designs.*.commitment",
        0.70,
        1.00,
        "No attendance data in the case reports. A formal, sponsored program with scheduled "
        "meetings: most (70-100%) of them held (a judgment; the default is 0.9).",
    ),
    Evidence(
        "observation.relevance_elasticity",
        0.0,
        10.0,
        "None: a free elasticity turning leadership fluency into the digital-relevance "
        "index. Fitted to the case's one number, so it matches by construction; the range is "
        "only where the search looks.",
        free=True,
    ),
)


def evidence_table() -> str:
    """A Markdown table of the evidence ranges (for docs/ODD.md; a test keeps them equal)."""
    rows = ["| key | default | evidence range | source or rationale |", "| --- | --- | --- | --- |"]
    for ev in EVIDENCE:
        default = schema_default(ev.key.replace("*", "NAME"))
        rng = "free (no evidence)" if ev.free else f"{ev.lo:g}..{ev.hi:g}"
        key = ev.key.replace("*", "NAME")
        rows.append(f"| `{key}` | `{default:g}` | {rng} | {ev.source} |")
    return "\n".join(rows) + "\n"


def evidence_for(key: str) -> Evidence:
    """The evidence range of a dotted scenario key (``KeyError`` if none is stated)."""
    for ev in EVIDENCE:
        if fnmatch.fnmatchcase(key, ev.key):
            return ev
    raise KeyError(f"no evidence range stated for {key}")


def schema_default(key: str) -> Any:
    """The built-in default of a dotted scenario key (``designs.NAME.x`` -> ProgramDesign's x)."""
    from sim.scenario.design import ProgramDesign

    parts = key.split(".")
    if parts[0] == "designs":
        cls, parts = ProgramDesign, parts[2:]
    else:
        cls = Scenario
    for i, part in enumerate(parts):
        info = next((f for f in field_infos(cls) if f.name == part), None)
        if info is None:
            raise KeyError(f"{key}: no such parameter")
        if i == len(parts) - 1:
            return info.default
        cls = info.type
    raise KeyError(key)


# --- cases ----------------------------------------------------------------------------------
@dataclass
class Case:
    """A case scenario file, and the same scenario with parameter values overridden.

    Attributes:
        name: the case's name (the scenario file's stem).
        path: the scenario file.
        raw: the file's TOML as a dictionary.
        fixed: overrides applied to every variant (e.g. a shorter horizon while searching).
    """

    name: str
    path: Path
    raw: dict[str, Any]
    fixed: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path, fixed: Mapping[str, Any] | None = None) -> Case:
        """A case from its scenario file."""
        path = Path(path)
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        return cls(path.stem, path, raw, dict(fixed or {}))

    def scenario(self, values: Mapping[str, Any] | None = None) -> Scenario:
        """The validated scenario with `values` (dotted keys) overriding the file."""
        merged = {**self.fixed, **(values or {})}
        sets = [f"{k}={_toml(v)}" for k, v in merged.items()]
        return scenario_from_dict(copy.deepcopy(self.raw), self.path.name, sets, self.path.parent)

    @property
    def targets(self) -> tuple[Target, ...]:
        """The case's targets, as the scenario file states them."""
        return self.scenario().targets


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(float(value))
    if isinstance(value, str):
        return '"' + value + '"'
    return str(value)


# --- running ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Job:
    """One run: a scenario, a design and a seed, and the summary outcomes to keep."""

    scenario: Scenario
    design: str
    replicate: int
    seed: int
    outcomes: tuple[str, ...]


def simulate(job: Job) -> dict[str, float]:
    """Run one job and return the requested outcomes of its summary row (NaN if absent)."""
    _, row, _ = run_one(job.scenario, job.design, job.replicate, job.seed, keep_series=False)
    return {o: float(row.get(o, np.nan)) for o in job.outcomes}


class Runner:
    """Runs jobs serially (1 worker) or in a process pool; results always in job order.

    Use as a context manager so the pool is started once and shut down at the end.
    """

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, int(workers))
        self._pool: Executor | None = None
        self.runs = 0

    def __enter__(self) -> Runner:
        if self.workers > 1:
            # Not fork (forking a process that may already run threads can deadlock); the
            # workers exit if this process dies.
            self._pool = process_pool(self.workers)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def map(self, fn: Callable[[Any], Any], jobs: Sequence[Any]) -> list[Any]:
        """`fn` over `jobs`, in order."""
        self.runs += len(jobs)
        if self._pool is None:
            return [fn(j) for j in jobs]
        chunk = max(1, len(jobs) // (4 * self.workers))
        return list(self._pool.map(fn, jobs, chunksize=chunk))


class Evaluator:
    """Mean outcomes of a case at given parameter values, on fixed seeds (common random numbers).

    Args:
        case: the case.
        measures: (outcome, design) pairs to measure; each design runs once per seed.
        seeds: replicate seeds, the same for every candidate.
        runner: where the runs go.
    """

    def __init__(
        self,
        case: Case,
        measures: Sequence[tuple[str, str]],
        seeds: Sequence[int],
        runner: Runner,
    ) -> None:
        self.case = case
        self.measures = list(measures)
        self.seeds = list(seeds)
        self.runner = runner
        self.history: list[dict[str, Any]] = []
        self._cache: dict[tuple, dict[str, float]] = {}

    def runs(self, values: Mapping[str, Any]) -> pd.DataFrame:
        """A row per (design, seed) with the measured outcomes.

        An effect against the no-program run (`PAIRED_OUTCOMES`) runs the baseline on the
        same seeds too and pairs them (`add_paired_effects`).
        """
        scenario = self.case.scenario(values)
        designs = list(dict.fromkeys(d for _, d in self.measures))
        outcomes = tuple(dict.fromkeys(o for o, _ in self.measures))
        paired = [o for o in outcomes if o in PAIRED_OUTCOMES]
        if paired:
            designs = list(dict.fromkeys([*designs, "baseline"]))
            outcomes = tuple(dict.fromkeys([*outcomes, *(PAIRED_OUTCOMES[o] for o in paired)]))
        jobs = [Job(scenario, d, r, s, outcomes) for d in designs for r, s in enumerate(self.seeds)]
        rows = self.runner.map(simulate, jobs)
        keys = [{"design": j.design, "seed": j.seed} for j in jobs]
        table = pd.DataFrame([{**k, **r} for k, r in zip(keys, rows, strict=True)])
        return add_paired_effects(table) if paired else table

    def means(self, values: Mapping[str, Any]) -> dict[str, float]:
        """Mean of each measure ("outcome@design") at these values (cached)."""
        key = tuple(sorted(values.items()))
        if key not in self._cache:
            runs = self.runs(values)
            out = {}
            for outcome, design in self.measures:
                out[f"{outcome}@{design}"] = float(
                    np.nanmean(runs.loc[runs["design"] == design, outcome])
                )
            self._cache[key] = out
            self.history.append(
                {"case": self.case.name, "replicates": len(self.seeds), **dict(values), **out}
            )
        return self._cache[key]

    def mean(self, values: Mapping[str, Any], outcome: str, design: str) -> float:
        """Mean of one outcome of one design at these values."""
        return self.means(values)[f"{outcome}@{design}"]


# --- search -----------------------------------------------------------------------------------
def grid_search(
    evaluate: Callable[[dict[str, float]], Mapping[str, float]],
    grid: Mapping[str, Sequence[float]],
    loss: Callable[[Mapping[str, float]], float],
) -> pd.DataFrame:
    """Evaluate every combination of the grid values; rows sorted by loss (best first).

    Args:
        evaluate: parameter values -> outcomes (and possibly more fitted values).
        grid: parameter -> the values to try.
        loss: outcomes -> a number to minimise.

    Returns:
        A row per candidate: its values, what `evaluate` returned, and `loss`; ties keep grid order.
    """
    rows = []
    names = list(grid)
    for combo in itertools.product(*(grid[n] for n in names)):
        values = dict(zip(names, (float(v) for v in combo), strict=True))
        out = dict(evaluate(values))
        rows.append({**values, **out, "loss": float(loss(out))})
    table = pd.DataFrame(rows)
    return table.sort_values("loss", kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class Solution:
    """The result of a one-parameter search for a target.

    Attributes:
        value: the value found (the root if reached, else the searched end nearest the target).
        reached: True if the target lies within the searched interval.
        outcome: the outcome at `value`.
        lo: lower end searched.
        hi: upper end searched.
        at_lo: the outcome at `lo`.
        at_hi: the outcome at `hi`.
        evaluations: how many parameter values were evaluated.
    """

    value: float
    reached: bool
    outcome: float
    lo: float
    hi: float
    at_lo: float
    at_hi: float
    evaluations: int


def solve_1d(
    f: Callable[[float], float], target: float, lo: float, hi: float, xtol: float = 1e-3
) -> Solution:
    """Find x in [lo, hi] with f(x) = target by Brent's method (scipy.optimize.brentq).

    f should be monotone (with common random numbers it is a deterministic, nearly monotone
    function of x). If the target is outside [f(lo), f(hi)], nothing is forced: the result is
    not `reached` and its value is the end whose outcome is nearest the target.
    """
    seen: dict[float, float] = {}

    def g(x: float) -> float:
        if x not in seen:
            seen[x] = float(f(x))
        return seen[x] - target

    g_lo, g_hi = g(lo), g(hi)
    if g_lo == 0 or g_hi == 0 or np.sign(g_lo) != np.sign(g_hi):
        if g_lo == 0:
            x = lo
        elif g_hi == 0:
            x = hi
        else:
            x = float(optimize.brentq(g, lo, hi, xtol=xtol))
        return Solution(x, True, seen[x], lo, hi, seen[lo], seen[hi], len(seen))
    x = lo if abs(g_lo) <= abs(g_hi) else hi
    return Solution(x, False, seen[x], lo, hi, seen[lo], seen[hi], len(seen))


def proportional_solve(
    f: Callable[[float], float],
    target: float,
    x0: float,
    lo: float,
    hi: float,
    tol: float,
    max_steps: int = 4,
) -> Solution:
    """Solve f(x) = target for a rate x that f is roughly proportional to: x <- x * target / f(x).

    Cheap (two or three evaluations from a fair start) where f is close to proportional, as
    turnover is to the base exit rate. The value is kept inside [lo, hi]; if the target needs a
    value outside it, the result is the bound and not `reached`.
    """
    seen: dict[float, float] = {}
    x = float(np.clip(x0, lo, hi))
    for _ in range(max_steps):
        seen[x] = fx = float(f(x))
        if abs(fx - target) <= tol or fx <= 0:
            break
        nxt = float(np.clip(x * target / fx, lo, hi))
        if nxt == x:  # stuck at a bound
            break
        x = nxt
    else:
        seen[x] = float(f(x)) if x not in seen else seen[x]
    best = min(seen, key=lambda v: abs(seen[v] - target))
    reached = abs(seen[best] - target) <= tol
    return Solution(best, reached, seen[best], lo, hi, math.nan, math.nan, len(seen))


@dataclass(frozen=True)
class Beyond:
    """How far outside its evidence range a parameter would have to go to reach a target.

    Attributes:
        key: the parameter.
        bound: the end of the evidence range the search left from.
        limit: how far the search was allowed to go (the schema's limit or a chosen one).
        solution: the one-parameter search between `bound` and the value where it stopped.
    """

    key: str
    bound: float
    limit: float
    solution: Solution

    @property
    def needed(self) -> float | None:
        """The value that reaches the target, or None if even `limit` does not."""
        return self.solution.value if self.solution.reached else None

    def describe(self, evidence: Evidence | None = None) -> str:
        """One sentence for the report."""
        rng = f" (evidence range {evidence.lo:g}..{evidence.hi:g})" if evidence else ""
        if self.needed is None:
            return (
                f"{self.key} does not reach it even at {self.limit:g}{rng}: outcome "
                f"{self.solution.at_hi:.3g} there"
            )
        span = (evidence.hi - evidence.lo) if evidence else 0.0
        how_far = abs(self.needed - self.bound)
        rel = f", {how_far / span:.1f}x the range's width beyond it" if span > 0 else ""
        return f"{self.key} would need {self.needed:.3g}{rng}{rel}"


def beyond_range(
    f: Callable[[float], float],
    target: float,
    key: str,
    bound: float,
    limit: float,
    steps: Sequence[float] = (0.25, 0.5, 1.0, 2.0, 4.0),
    width: float = 1.0,
    xtol: float = 1e-3,
) -> Beyond:
    """One-parameter search outside the evidence range: from `bound` toward `limit`.

    Evaluates f at bound + step x width (toward `limit`, clipped to it) for growing steps until
    the target is bracketed, then finds the crossing with Brent's method between the last two
    points. The other parameters stay where the caller fixed them inside `f`.

    Args:
        f: parameter value -> outcome (the other parameters fixed).
        target: the outcome to reach.
        key: the parameter's name (for the report).
        bound: the end of the evidence range to start from.
        limit: the furthest value to try (e.g. the schema's limit).
        steps: distances from the bound, in units of `width`.
        width: the unit of distance (usually the evidence range's width).
        xtol: tolerance of the final search.
    """
    direction = 1.0 if limit >= bound else -1.0
    points = [bound]
    for s in steps:
        x = bound + direction * s * width
        if direction * (x - limit) >= 0:
            points.append(limit)
            break
        points.append(x)
    else:
        if points[-1] != limit:
            points.append(limit)
    seen: dict[float, float] = {}

    def cached(x: float) -> float:
        if x not in seen:
            seen[x] = float(f(x))
        return seen[x]

    for a, b in itertools.pairwise(points):
        fa, fb = cached(a), cached(b)
        if np.sign(fa - target) != np.sign(fb - target) or fb == target:
            sol = solve_1d(cached, target, min(a, b), max(a, b), xtol)
            sol = Solution(sol.value, True, sol.outcome, bound, b, seen[bound], fb, len(seen))
            return Beyond(key, bound, limit, sol)
    last = points[-1]
    sol = Solution(last, False, seen[last], bound, last, seen[bound], seen[last], len(seen))
    return Beyond(key, bound, limit, sol)


# --- checking and reporting -----------------------------------------------------------------
def check_targets(
    runs: pd.DataFrame, targets: Iterable[Target], level: float = 0.95
) -> list[dict[str, Any]]:
    """Each target beside the simulated mean and `level` interval of its design's runs.

    Args:
        runs: a row per (design, seed) with the target outcomes (as `Evaluator.runs` returns).
        targets: the case's targets.
        level: the interval's confidence level.

    Returns:
        A dict per target: outcome, design, target, simulated, ci_low, ci_high, covers
        (the interval contains the target), within_tolerance (|mean - target| <= tolerance), n.
    """
    rows = []
    for t in targets:
        values = runs.loc[runs["design"] == t.design, t.outcome]
        mean, lo, hi = mean_interval(values, level)
        covers = bool(lo <= t.value <= hi) if not math.isnan(lo) else False
        near = bool(abs(mean - t.value) <= t.tolerance) if not math.isnan(mean) else False
        rows.append(
            {
                "outcome": t.outcome,
                "design": t.design,
                "target": t.value,
                "tolerance": t.tolerance,
                "simulated": mean,
                "ci_low": lo,
                "ci_high": hi,
                "covers": covers,
                "within_tolerance": near,
                "n": int(values.notna().sum()),
            }
        )
    return rows


def reach_note(reached: bool, best: float, beyond: Sequence[Beyond] = ()) -> str:
    """A note for the report: reached inside the evidence ranges, or not and what it would take.

    Args:
        reached: whether the target lies within the outcomes the evidence ranges allow.
        best: the outcome nearest the target inside the ranges.
        beyond: one-parameter searches outside the ranges (see `beyond_range`).
    """
    if reached:
        return "reached inside the evidence ranges"
    parts = [f"NOT reachable inside the evidence ranges (nearest: {best:.3g})"]
    for b in beyond:
        try:
            ev = evidence_for(b.key)
        except KeyError:
            ev = None
        parts.append(b.describe(ev))
    return "; ".join(parts)
