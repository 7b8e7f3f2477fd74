"""Causal accounting: which pathway carries a design's effect (docs/ODD.md section 13).

A program reaches juniors only through the pathways of `[dynamics.pathways]` (listening,
learning, growth, voice, mentee_impulse, network_climate, peer_voice). For each design and
replicate seed, `explain` runs the design under every on/off combination of the pathways
and the no-program baseline on the same seed (common random numbers), and splits the
design's effect on each outcome (design minus baseline) into Shapley values: pathway i gets

    sum over S not containing i of |S|! (k - |S| - 1)! / k! x (v(S + i) - v(S)),

where v(S) is the outcome with exactly the pathways in S on, minus the baseline's. With
every pathway off a run equals the baseline outside the program's own columns, so
v(empty) = 0 and the shares add up to the total effect in every replicate. Shares are
computed per replicate; the summary gives their mean and a t interval over replicates.

A pathway that cannot act for a design is not toggled and gets exactly 0: growth (business
knowledge flowing to mentors) without two-way exchange, and any pathway the scenario itself
switches off. Leaving such a pathway out halves the runs per pathway and changes no other
share (a null player's presence does not change the others' Shapley values).

Example:
    >>> from sim import default_scenario
    >>> from sim.studies.explain import explain
    >>> s = default_scenario().with_changes(years=1.0)
    >>> result = explain(s, replicates=2, outcomes=["engagement_junior_end"])
    >>> sorted(result.shares["pathway"].unique())[:2]
    ['growth', 'learning']
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from dataclasses import dataclass, field, fields, replace

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from sim import analysis
from sim.errors import InputError, Problem, did_you_mean
from sim.runs.executors import SerialExecutor
from sim.runs.replicates import run_one
from sim.scenario.calendar import WEEKS_PER_YEAR
from sim.scenario.orgchart.load import chart_inputs, load_chart_inputs
from sim.scenario.outcomes import (
    COUNTERFACTUAL_OUTCOMES,
    PAIRED_OUTCOMES,
    RUN_OUTCOMES,
    YEARLY_OUTCOMES,
    is_summary_outcome,
)
from sim.scenario.parameters import Pathways, Scenario
from sim.scenario.seeds import replicate_seeds

PATHWAYS: tuple[str, ...] = tuple(f.name for f in fields(Pathways))
TOTAL = "total"
# Summary columns that count the program itself (sessions run whatever the switches say):
# the all-off run is not the baseline there, so they cannot be split into pathways.
PROGRAM_OWN = (
    "pairs_formed",
    "sessions_held",
    "sessions_per_pair",
    "unpaired_mentees_max",
    "program_hours",
    "program_cost",
    "mentor_retention_52w",
    *COUNTERFACTUAL_OUTCOMES,
)


def default_outcomes(scenario: Scenario) -> list[str]:
    """Junior turnover in each complete year after launch, and junior engagement at the end."""
    years = complete_years(scenario)
    return [f"turnover_junior_y{y}" for y in range(1, years + 1)] + ["engagement_junior_end"]


def complete_years(scenario: Scenario) -> int:
    """Complete 52-week years simulated after the launch (the summary's y1, y2, ...)."""
    return (scenario.weeks - scenario.launch_week) // WEEKS_PER_YEAR


def default_replicates(scenario: Scenario) -> int:
    """The scenario's own `replicates`: the seeds of `sim run` and `sim compare`.

    Shares are paired differences on common seeds, so their intervals are narrow: on the
    500-person division with the default knobs (focus 1.0), 12 replicates put the listening
    share of year-1 junior turnover at -2.36 pp [-2.98, -1.75] on model v3
    (docs/experiments.md has the measured times).
    """
    return scenario.replicates


def inert_pathways(scenario: Scenario, design_name: str, by_design: bool = True) -> dict[str, str]:
    """Pathways that cannot act for a design, each with the reason (their share is exactly 0).

    Args:
        scenario: the scenario; a pathway it switches off stays off in every run.
        design_name: a program design of the scenario.
        by_design: also count pathways the design or the scenario's weights leave no room
            for (growth without two-way exchange; network_climate at w_net 0, peer_voice at
            rho_v 0); False keeps only those the scenario switches off.
    """
    design = scenario.design(design_name)
    on = scenario.dynamics.pathways
    ep = scenario.dynamics.engagement
    # A network pathway whose weight is 0 adds exactly 0 to every target.
    weightless = {"network_climate": ep.w_net == 0.0, "peer_voice": ep.rho_v == 0.0}
    out = {}
    for name in PATHWAYS:
        if not getattr(on, name):
            out[name] = "switched off in the scenario"
        elif by_design and weightless.get(name, False):
            out[name] = f"{'w_net' if name == 'network_climate' else 'rho_v'} is 0 in the scenario"
        elif by_design and name == "growth" and design is not None and not design.two_way:
            out[name] = "no two-way exchange in this design"
    return out


def shapley(values: np.ndarray) -> np.ndarray:
    """Shapley values of k players from a game given on every coalition.

    Args:
        values: shape (2**k, ...): v(S) for each coalition S as a bit mask (bit i set:
            player i is in S), with v(empty) = values[0]; trailing axes are independent games.

    Returns:
        Shape (k, ...): each player's Shapley value. They add up to v(all) - v(empty).
    """
    n_sets = values.shape[0]
    k = n_sets.bit_length() - 1
    if n_sets != 1 << k:
        raise ValueError(f"need 2**k coalitions, got {n_sets}")
    size = np.array([bin(m).count("1") for m in range(n_sets)])
    weight = np.array([math.factorial(s) * math.factorial(k - s - 1) for s in range(k)], float)
    weight /= math.factorial(k)
    out = np.zeros((k, *values.shape[1:]))
    for i in range(k):
        bit = 1 << i
        without = np.array([m for m in range(n_sets) if not m & bit])
        gains = values[without | bit] - values[without]
        w = weight[size[without]].reshape(-1, *([1] * (values.ndim - 1)))
        out[i] = (w * gains).sum(axis=0)
    return out


# --- one run ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExplainTask:
    """One run: a design (or the baseline) under some pathway switches, on one seed."""

    scenario: Scenario
    design: str
    replicate: int
    seed: int
    mask: int  # bit i: the i-th toggled pathway is on; -1 for the baseline
    outcomes: tuple[str, ...]


@functools.lru_cache(maxsize=4)
def _chart(inputs: tuple):
    # A worker reads an imported org chart (with its ties and lists) once, not once per run.
    return load_chart_inputs(*inputs)


def run_task(task: ExplainTask) -> tuple[float, ...]:
    """The outcomes of one run, in the order of `task.outcomes`."""
    s = task.scenario
    inputs = chart_inputs(s)
    chart = _chart(inputs) if inputs else None
    _, row, _ = run_one(s, task.design, task.replicate, task.seed, chart, keep_series=False)
    return tuple(float(row[o]) for o in task.outcomes)


def with_switches(scenario: Scenario, switches: dict[str, bool]) -> Scenario:
    """The scenario with some pathway switches set."""
    pathways = replace(scenario.dynamics.pathways, **switches)
    return scenario.with_changes(dynamics=replace(scenario.dynamics, pathways=pathways))


# --- the result -------------------------------------------------------------------------------
@dataclass
class ExplainResult:
    """Shapley shares of each design's effect, per replicate, and how they were computed.

    Attributes:
        shares: tidy: design, outcome, pathway, replicate, seed, share; pathway is one of
            `PATHWAYS` or "total" (all on minus the baseline), share in the outcome's units.
        toggled: per design, the pathways switched on and off (2**k runs per replicate).
        inert: per design, the pathways not toggled, with why their share is exactly 0.
        seeds: the replicate seeds (the baseline's and every combination's).
        runs: the number of model runs.
        wall_seconds: the wall time of the runs.
        outcomes: the outcomes split, in the order of the tables.
    """

    shares: pd.DataFrame
    toggled: dict[str, tuple[str, ...]]
    inert: dict[str, dict[str, str]]
    seeds: list[int]
    runs: int
    wall_seconds: float
    outcomes: tuple[str, ...] = field(default=())

    def summary(self, level: float = 0.95) -> pd.DataFrame:
        """Mean share and its t interval over replicates, per design, outcome and pathway.

        Returns:
            Columns design, outcome, pathway, mean, ci_low, ci_high, n, percent_of_total
            (the mean share / the mean total x 100) and note (why a share is exactly 0).
        """
        return summarise_shares(self.shares, self.inert, level)


def summarise_shares(
    shares: pd.DataFrame, inert: dict[str, dict[str, str]] | None = None, level: float = 0.95
) -> pd.DataFrame:
    """The summary of a tidy shares table (see `ExplainResult.summary`)."""
    inert = inert or {}
    rows = []
    for (design, outcome), part in shares.groupby(["design", "outcome"], sort=False):
        by = {p: g["share"].to_numpy() for p, g in part.groupby("pathway", sort=False)}
        total = float(np.mean(by[TOTAL]))
        for pathway in (*PATHWAYS, TOTAL):
            mean, lo, hi = analysis.mean_interval(by[pathway], level)
            rows.append(
                {
                    "design": design,
                    "outcome": outcome,
                    "pathway": pathway,
                    "mean": mean,
                    "ci_low": lo,
                    "ci_high": hi,
                    "n": len(by[pathway]),
                    "percent_of_total": 100.0 * mean / total + 0.0 if total != 0 else np.nan,
                    "note": inert.get(design, {}).get(pathway, ""),
                }
            )
    return pd.DataFrame(rows)


# --- the computation --------------------------------------------------------------------------
def check_outcomes(scenario: Scenario, outcomes: Iterable[str]) -> tuple[str, ...]:
    """The outcomes, checked: summary columns the pathways can carry, in the simulated years."""
    years = complete_years(scenario)
    problems = []
    names = tuple(dict.fromkeys(outcomes))
    known = [f"{stem}_y{y}" for stem in YEARLY_OUTCOMES for y in range(1, years + 1)]
    known += [o for o in RUN_OUTCOMES if o not in PROGRAM_OWN and o not in PAIRED_OUTCOMES]
    for name in names:
        where = f"--outcomes {name}"
        suffix = name.rpartition("_")[2]
        if not is_summary_outcome(name):
            problems.append(Problem(where, "not a summary outcome" + did_you_mean(name, known)))
        elif name in PAIRED_OUTCOMES:
            problems.append(
                Problem(
                    where,
                    "is already a difference from the no-program run; split "
                    f"{PAIRED_OUTCOMES[name]} instead (its total is this effect)",
                )
            )
        elif name in PROGRAM_OWN:
            problems.append(
                Problem(where, "counts the program itself, not its effect: it cannot be split")
            )
        elif suffix == "pre":
            problems.append(Problem(where, "is before the launch: the program cannot move it"))
        elif suffix[:1] == "y" and suffix[1:].isdigit() and int(suffix[1:]) > years:
            problems.append(
                Problem(
                    where,
                    f"the scenario simulates {years} complete year{'' if years == 1 else 's'} "
                    "after the launch",
                )
            )
    if not names:
        problems.append(Problem("--outcomes", "name at least one outcome"))
    if problems:
        raise InputError(problems)
    return names


def check_designs(scenario: Scenario, designs: Sequence[str] | None) -> list[str]:
    """Program design names to explain (default: every design of the scenario)."""
    known = [d.name for d in scenario.designs]
    names = list(dict.fromkeys(designs)) if designs else known
    problems = []
    for name in names:
        if name == "baseline":
            problems.append(
                Problem(
                    "--designs baseline",
                    "the baseline is what effects are measured against; name program designs: "
                    + ", ".join(known),
                )
            )
        elif name not in known:
            problems.append(
                Problem(f"--designs {name}", f"no such design; designs: {', '.join(known)}")
            )
    if not names:
        problems.append(Problem("--designs", "the scenario has no program design to explain"))
    if problems:
        raise InputError(problems)
    return names


def plan(
    scenario: Scenario,
    designs: Sequence[str],
    seeds: Sequence[int],
    outcomes: tuple[str, ...],
    skip_inert: bool = True,
) -> tuple[list[ExplainTask], dict[str, tuple[str, ...]], dict[str, dict[str, str]]]:
    """Every run `explain` needs: the baseline per seed, then each design's combinations.

    The combination with every toggled pathway off is not run: it equals the baseline
    outside the program's own columns (v(empty) = 0).
    """
    tasks, toggled, inert = [], {}, {}
    for r, seed in enumerate(seeds):
        tasks.append(ExplainTask(scenario, "baseline", r, seed, -1, outcomes))
    for design in designs:
        inert[design] = inert_pathways(scenario, design, by_design=skip_inert)
        toggled[design] = tuple(p for p in PATHWAYS if p not in inert[design])
        k = len(toggled[design])
        variants = {
            mask: with_switches(
                scenario, {p: bool(mask >> i & 1) for i, p in enumerate(toggled[design])}
            )
            for mask in range(1, 1 << k)
        }
        for r, seed in enumerate(seeds):
            for mask, variant in variants.items():
                tasks.append(ExplainTask(variant, design, r, seed, mask, outcomes))
    return tasks, toggled, inert


def run_count(
    scenario: Scenario, designs: Sequence[str], replicates: int, skip_inert: bool = True
) -> int:
    """How many model runs `explain` makes: per seed, the baseline and 2**k - 1 per design."""
    per_seed = 1
    for design in designs:
        k = len(PATHWAYS) - len(inert_pathways(scenario, design, by_design=skip_inert))
        per_seed += (1 << k) - 1
    return per_seed * replicates


def explain(
    scenario: Scenario,
    designs: Sequence[str] | None = None,
    replicates: int | None = None,
    outcomes: Sequence[str] | None = None,
    executor: Executor | None = None,
    seeds: Sequence[int] | None = None,
    skip_inert: bool = True,
    progress: bool = False,
    window: int = 16,
) -> ExplainResult:
    """Split each design's effect on each outcome into Shapley shares over the pathways.

    Args:
        scenario: the validated scenario.
        designs: program design names (default: every design of the scenario).
        replicates: replicate seeds to use (default: `default_replicates(scenario)`); the
            seeds are `replicate_seeds(scenario.seed, replicates)`, the first of which are
            those of `sim run` and `sim compare`.
        outcomes: summary columns to split (default: `default_outcomes(scenario)`).
        executor: where runs execute (default: serially in this process); any executor
            gives bit-identical shares.
        seeds: explicit replicate seeds (instead of `replicates`).
        skip_inert: do not toggle pathways that cannot act for a design (their share is
            exactly 0); False toggles every pathway the scenario leaves on (2**5 runs).
        progress: show a progress bar.
        window: runs submitted ahead of those finished (keeps every worker busy).

    Returns:
        The shares per replicate (`ExplainResult.shares`) and how they were computed.
    """
    names = check_designs(scenario, designs)
    wanted = check_outcomes(scenario, outcomes or default_outcomes(scenario))
    if seeds:
        seeds = list(seeds)
    else:
        n = replicates if replicates is not None else default_replicates(scenario)
        if n < 1:
            raise InputError([Problem(f"--replicates {n}", "must be at least 1")])
        seeds = replicate_seeds(scenario.seed, n)
    if scenario.org.chart:
        _chart(chart_inputs(scenario))  # a bad chart fails here, before any run
    # What only adds files or columns explain does not read would cost runs: people tables,
    # and the mentors' counterfactual run (one more run per design run).
    quiet = replace(scenario.observation, record_people=False, mentor_counterfactual=False)
    tasks, toggled, inert = plan(
        scenario.with_changes(observation=quiet), names, seeds, wanted, skip_inert
    )
    started = time.perf_counter()
    values = _execute(tasks, executor or SerialExecutor(), progress, window)
    wall = time.perf_counter() - started
    shares = _shares(values, names, seeds, wanted, toggled)
    return ExplainResult(shares, toggled, inert, list(seeds), len(tasks), wall, wanted)


def _execute(
    tasks: list[ExplainTask], executor: Executor, progress: bool, window: int
) -> dict[tuple[str, int, int], tuple[float, ...]]:
    """Run every task; results keyed by (design, replicate, mask), whatever order they end."""
    out: dict[tuple[str, int, int], tuple[float, ...]] = {}
    todo = iter(tasks)
    inflight: dict[Future, ExplainTask] = {}
    bar = tqdm(total=len(tasks), desc="explain", unit="run", disable=not progress)
    try:
        while True:
            while len(inflight) < window:
                task = next(todo, None)
                if task is None:
                    break
                inflight[executor.submit(run_task, task)] = task
            if not inflight:
                break
            finished, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
            for fut in finished:
                task = inflight.pop(fut)
                try:
                    out[(task.design, task.replicate, task.mask)] = fut.result()
                except BrokenExecutor as err:
                    raise RuntimeError(
                        f"a worker process died during design {task.design}, replicate "
                        f"{task.replicate} (killed, or out of memory?)"
                    ) from err
                bar.update(1)
    except BaseException:
        for fut in inflight:
            fut.cancel()
        raise
    finally:
        bar.close()
    return out


def _shares(
    values: dict[tuple[str, int, int], tuple[float, ...]],
    designs: list[str],
    seeds: list[int],
    outcomes: tuple[str, ...],
    toggled: dict[str, tuple[str, ...]],
) -> pd.DataFrame:
    """The tidy shares table, in a fixed order (design, outcome, pathway, replicate)."""
    base = np.array([values[("baseline", r, -1)] for r in range(len(seeds))])  # (rep, outcome)
    parts = []
    for design in designs:
        names = toggled[design]
        k = len(names)
        game = np.zeros((1 << k, len(seeds), len(outcomes)))  # v(empty) = 0
        for mask in range(1, 1 << k):
            runs = np.array([values[(design, r, mask)] for r in range(len(seeds))])
            game[mask] = runs - base
        phi = shapley(game) if k else np.zeros((0, len(seeds), len(outcomes)))
        by_pathway = {p: np.zeros((len(seeds), len(outcomes))) for p in PATHWAYS}
        by_pathway.update({p: phi[i] for i, p in enumerate(names)})
        by_pathway[TOTAL] = game[-1] if k else np.zeros((len(seeds), len(outcomes)))
        for j, outcome in enumerate(outcomes):
            for pathway in (*PATHWAYS, TOTAL):
                parts.append(
                    pd.DataFrame(
                        {
                            "design": design,
                            "outcome": outcome,
                            "pathway": pathway,
                            "replicate": np.arange(len(seeds)),
                            "seed": seeds,
                            "share": by_pathway[pathway][:, j] + 0.0,  # no -0.0
                        }
                    )
                )
    return pd.concat(parts, ignore_index=True)
