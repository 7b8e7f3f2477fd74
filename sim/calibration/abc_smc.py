"""The joint calibration: ABC-SMC (pyabc) of the shared behavioural parameters to the patterns.

What is fitted (docs/ODD.md section 11.2): every prior with ``fitted=True`` in
`sim.scenario.priors`, at once, to the three summaries of the telecom case in
`sim.calibration.patterns` (its facts fixed: size, dates, design as the case file describes
them): the pre-launch Millennial turnover, its drop in the year after launch (one paired
quantity) and the Millennials' engaged share in the stationary pre-launch year.

Each particle averages K (`Fit.replicates`, default 4) paired replicates: K program runs on
seeds drawn from the particle's own seed. The priors that are not fitted (`unfitted_priors`)
are drawn from their priors for each particle, so the fit integrates over them rather than
holding them at a default. Distance: the Mahalanobis distance under the case's observation
error (binomial sampling error of its group, and a secular shift on the drop;
`patterns.distance`). Epsilon: pyabc's median epsilon, never below `patterns.MIN_EPSILON`
(a uniform kernel of that radius has the observation error's variance along each summary);
the fit stops at the first generation run at that floor, or after its last generation.
Transitions: pyabc's multivariate normal kernel with twice the particles' weighted
covariance, mixed with the prior (a fifth of the proposals; `defensive_transition`) so that
no particle's weight exceeds 5 x the mean; uniform priors.

Reproducibility: pyabc's own parallel samplers (multicore, Dask, Redis) accept whichever
particles finish first, so their results depend on timing and worker count; pyabc
guarantees nothing about bit-reproducibility. `OrderedSampler` makes it so: generation t is
cut into batches of `batch_size` proposals; batch b seeds numpy's global generator (which pyabc
samples parameters from) with SeedSequence([seed, t, b]) and draws each simulation's own
seed from it; batches are collected in index order and the generation takes the first n
accepted. So the accepted particles, and the database, depend on the seed only, not on the
number of workers, and a run resumed from its database (`resume`) continues exactly as the
uninterrupted run would have. Any `concurrent.futures` executor of the project serves
(`sim.runs.executors`: serial, processes, Dask); since pyabc draws from numpy's one global
generator, batches that share a process (threads) run one at a time.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.calibration.cases import Case
from sim.calibration.patterns import MIN_EPSILON, NAMES, distance, mean_statistics, observed
from sim.calibration.posterior import WEIGHT
from sim.errors import InputError, Problem
from sim.runs.executors import SerialExecutor
from sim.scenario.priors import Prior, fitted_priors, unfitted_priors
from sim.scenario.seeds import replicate_seeds

GENERATION_SEED = 0x5EED


CASE_DESIGN = "reverse_mentoring"


def pyabc_or_error() -> Any:
    """The pyabc module, or a clear error saying how to install it."""
    try:
        import pyabc
    except ImportError:
        raise InputError(
            [
                Problem(
                    "pyabc",
                    "the joint calibration needs pyabc, which is not installed; install it "
                    "with pip install 'orgculture-sim[calibrate]' (or make, for development)",
                )
            ]
        ) from None
    return pyabc


def name_of(key: str) -> str:
    """Pyabc's name of a parameter: the dotted key with '.' -> '__' (pyabc splits on dots)."""
    return key.replace(".", "__")


def key_of(name: str) -> str:
    """The dotted key of a pyabc parameter name."""
    return name.replace("__", ".")


REPLICATES = 4


def particle_values(
    pars: Mapping[str, float], rng: np.random.Generator, unfitted: Sequence[Prior]
) -> dict[str, float]:
    """Dotted key -> value: a particle's fitted values, the unfitted ones drawn from priors."""
    values = {key_of(k): float(v) for k, v in pars.items()}
    for p in unfitted:
        values[p.key] = float(rng.uniform(p.lo, p.hi))
    return values


class CaseModel:
    """The pyabc model: parameters -> the summaries, averaged over K paired replicates.

    Picklable (a plain object holding the case), so it can travel to worker processes.
    The particle's seed is drawn from numpy's global generator, which `OrderedSampler`
    seeds; the K replicate seeds and the unfitted parameters' values come from it.
    """

    def __init__(self, case: Case, design: str = CASE_DESIGN, replicates: int = REPLICATES) -> None:
        self.case = case
        self.design = design
        self.replicates = replicates

    def __call__(self, pars: Mapping[str, float]) -> dict[str, float]:
        """Simulate K paired replicates at `pars` (pyabc names)."""
        seed = int(np.random.randint(0, 2**31 - 1))
        rng = np.random.default_rng(np.random.SeedSequence([seed, 0x0F17]))
        values = particle_values(pars, rng, unfitted_priors())
        seeds = replicate_seeds(seed, self.replicates)
        stats = mean_statistics(self.case.scenario(values), self.design, seeds)
        return {n: stats[n] for n in NAMES}


# pyabc draws from numpy's one global generator: batches in threads of one process take turns.
_GLOBAL_RANDOM = threading.Lock()


def _run_batch(simulate_one: Any, seed: Sequence[int], size: int) -> list[Any]:
    """`size` proposals of one batch, numpy's global generator seeded for this batch."""
    if isinstance(simulate_one, bytes):
        import cloudpickle

        simulate_one = cloudpickle.loads(simulate_one)
    with _GLOBAL_RANDOM:
        state = np.random.get_state()
        np.random.seed(np.random.SeedSequence(list(seed)).generate_state(4))
        try:
            return [simulate_one() for _ in range(size)]
        finally:
            np.random.set_state(state)  # the caller's stream is not this batch's business


def make_ordered_sampler(
    executor: Executor | None,
    seed: int,
    workers: int = 1,
    batch_size: int = 4,
    ahead: int = 2,
    progress: Callable[[int, int, int], None] | None = None,
) -> Any:
    """A pyabc sampler whose result depends on the seed only (see the module docstring).

    Args:
        executor: where batches run (the project's executors); None runs them here.
        workers: how many batches the executor runs at once.
        seed: base seed of every generation's batches.
        batch_size: proposals per batch.
        ahead: batches kept in flight per worker slot (more: less idle time, more waste).
        progress: called after each batch with (generation, accepted, evaluated).
    """
    pyabc = pyabc_or_error()

    class OrderedSampler(pyabc.sampler.Sampler):
        """Batches seeded by (seed, generation, batch), collected in batch order."""

        def sample_until_n_accepted(
            self,
            n: int,
            simulate_one: Callable,
            t: int,
            *,
            max_eval: float = np.inf,
            all_accepted: bool = False,
            ana_vars: Any = None,
        ) -> Any:
            del all_accepted, ana_vars  # every batch is evaluated the same way
            pool = executor or SerialExecutor()
            remote = not isinstance(pool, SerialExecutor)
            if remote:
                import cloudpickle

                payload: Any = cloudpickle.dumps(simulate_one)
            else:
                payload = simulate_one
            width = ahead * max(1, workers)
            sample = self._create_empty_sample()
            queue: deque[Future] = deque()
            next_batch = 0
            accepted = evaluated = 0

            def submit() -> None:
                nonlocal next_batch
                key = (GENERATION_SEED, int(seed), int(t) + 1, next_batch)
                queue.append(pool.submit(_run_batch, payload, key, batch_size))
                next_batch += 1

            try:
                for _ in range(width if remote else 1):
                    submit()
                while accepted < n and evaluated < max_eval:
                    batch = queue.popleft().result()
                    for particle in batch:
                        sample.append(particle)
                        evaluated += 1
                        if particle.accepted:
                            accepted += 1
                            if accepted == n:
                                break
                        if evaluated >= max_eval:
                            break
                    if progress is not None:
                        progress(t, accepted, evaluated)
                    if accepted < n and evaluated < max_eval:
                        submit()
            finally:
                for fut in queue:
                    fut.cancel()
            self.nr_evaluations_ = evaluated
            if sample.n_accepted < n:
                sample.ok = False
            return sample

    return OrderedSampler()


@dataclass
class Fit:
    """How to run the joint fit.

    Attributes:
        case: the calibration case (the telecom case file), with any fixed overrides.
        population: particles per generation.
        generations: the most generations to run (in total, counting any already stored).
        seed: base seed; the fit depends on it only.
        replicates: paired replicates per particle (K).
        min_epsilon: the threshold's floor; the fit stops at the first generation run at it.
        priors: the priors fitted.
    """

    case: Case
    population: int
    generations: int
    seed: int
    replicates: int = REPLICATES
    min_epsilon: float = MIN_EPSILON
    priors: tuple[Prior, ...] = fitted_priors()

    def abc(
        self, executor: Executor | None, workers: int = 1, progress: Callable | None = None
    ) -> Any:
        """A configured pyabc.ABCSMC (call .new or .load on it)."""
        pyabc = pyabc_or_error()
        prior = pyabc.Distribution(
            **{name_of(p.key): pyabc.RV("uniform", p.lo, p.width) for p in self.priors}
        )
        return pyabc.ABCSMC(
            CaseModel(self.case, replicates=self.replicates),
            prior,
            distance,
            population_size=self.population,
            sampler=make_ordered_sampler(executor, self.seed, workers, progress=progress),
            eps=floored_median_epsilon(self.min_epsilon),
            transitions=defensive_transition(
                {name_of(p.key): (p.lo, p.hi) for p in self.priors}, PRIOR_SHARE
            ),
        )

    def observed(self) -> dict[str, float]:
        """The observed statistics."""
        return observed()


def floored_median_epsilon(floor: float) -> Any:
    """Pyabc's median epsilon, never below `floor` (the observation error's scale)."""
    pyabc = pyabc_or_error()

    class FlooredMedianEpsilon(pyabc.QuantileEpsilon):
        def _update(self, t: int, weighted_distances: pd.DataFrame) -> None:
            super()._update(t, weighted_distances)
            self._look_up[t] = max(float(self._look_up[t]), floor)

    return FlooredMedianEpsilon(alpha=0.5)


def twice_the_covariance(n: float, d: int) -> float:
    """Kernel bandwidth factor sqrt(2): proposals with twice the particles' weighted covariance.

    Beaumont et al. (2009, Adaptive approximate Bayesian computation) derive 2 x covariance
    for ABC population Monte Carlo; pyabc's default (Silverman's rule) is narrower.
    """
    del n, d
    return math.sqrt(2.0)


PRIOR_SHARE = 0.2


def defensive_transition(bounds: Mapping[str, tuple[float, float]], prior_share: float) -> Any:
    """A proposal: the normal kernel mixed with the uniform prior (defensive importance sampling).

    A share `prior_share` of proposals comes from the prior box, the rest from the kernel
    around the last generation's particles (twice their weighted covariance), and the
    proposal density is the same mixture. An importance weight prior / proposal is then at
    most 1 / prior_share (Hesterberg 1995). Why: with ten weakly identified parameters and
    uniform priors, a plain normal kernel gave a few particles nearly all the weight
    (effective sample size 4 of 100 particles in the last generation of a quick fit).
    """
    pyabc = pyabc_or_error()

    class DefensiveTransition(pyabc.MultivariateNormalTransition):
        def __init__(self) -> None:
            super().__init__(bandwidth_selector=twice_the_covariance)

        def _box(self) -> tuple[np.ndarray, np.ndarray]:
            cols = list(self.X.columns)
            return (
                np.array([bounds[c][0] for c in cols]),
                np.array([bounds[c][1] for c in cols]),
            )

        def rvs_single(self) -> Any:
            if np.random.uniform() < prior_share:
                lo, hi = self._box()
                draw = np.random.uniform(lo, hi)
                return pyabc.Parameter(dict(zip(self.X.columns, draw, strict=True)))
            return super().rvs_single()

        def rvs(self, size: int | None = None) -> Any:
            if size is None:
                return self.rvs_single()
            return pd.DataFrame([dict(self.rvs_single()) for _ in range(size)])

        def pdf(self, x: Any) -> Any:
            kernel = super().pdf(x)
            lo, hi = self._box()
            if isinstance(x, pd.DataFrame):
                arr = x[self.X.columns].to_numpy(float)
            else:
                arr = np.array([x[k] for k in self.X.columns], float)
            inside = np.all((arr >= lo) & (arr <= hi), axis=-1)
            box = inside / float(np.prod(hi - lo))
            return (1 - prior_share) * kernel + prior_share * box

    return DefensiveTransition()


def database_url(path: Path) -> str:
    """The SQLAlchemy URL of a pyabc database file."""
    return "sqlite:///" + str(Path(path).resolve())


def start(
    fit: Fit,
    db: Path,
    executor: Executor | None = None,
    workers: int = 1,
    progress: Callable | None = None,
) -> Any:
    """A new fit into database `db` (which must not exist); returns pyabc's History."""
    if Path(db).exists():
        raise InputError([Problem(str(db), "exists; resume it, or remove it to start over")])
    abc = fit.abc(executor, workers, progress)
    abc.new(database_url(db), fit.observed())
    return _run(abc, fit)


def resume(
    fit: Fit,
    db: Path,
    executor: Executor | None = None,
    workers: int = 1,
    progress: Callable | None = None,
) -> Any:
    """Continue the fit stored in `db` (pyabc's ABCSMC.load) up to `fit.generations` in total."""
    abc = fit.abc(executor, workers, progress)
    abc.load(database_url(db), 1)
    return _run(abc, fit)


def _run(abc: Any, fit: Fit) -> Any:
    done = abc.history.max_t + 1  # generations stored (max_t is -1 for a new run)
    if done >= fit.generations or (done and _last_epsilon(abc.history) <= fit.min_epsilon):
        return abc.history
    return abc.run(minimum_epsilon=fit.min_epsilon, max_nr_populations=fit.generations - done)


def _last_epsilon(history: Any) -> float:
    pops = history.get_all_populations()
    return float(pops.loc[pops["t"] == history.max_t, "epsilon"].iloc[0])


def finished(db: Path, fit: Fit) -> bool:
    """Whether the fit in `db` is complete: all its generations, or one run at the floor."""
    done = generations_done(db)
    if done >= fit.generations:
        return True
    if done == 0:
        return False
    pyabc = pyabc_or_error()
    history = pyabc.History(database_url(db))
    history.id = 1
    return _last_epsilon(history) <= fit.min_epsilon


def generations_done(db: Path) -> int:
    """How many complete generations the database holds (0 if none)."""
    pyabc = pyabc_or_error()
    if not Path(db).exists():
        return 0
    history = pyabc.History(database_url(db))
    history.id = 1
    return int(history.max_t) + 1


def posterior_table(history: Any, priors: Sequence[Prior] = fitted_priors()) -> pd.DataFrame:
    """The last generation's particles: `weight` plus a column per dotted key (table order)."""
    df, w = history.get_distribution(m=0, t=history.max_t)
    table = pd.DataFrame({WEIGHT: np.asarray(w, float) / np.sum(w)})
    for p in priors:
        table[p.key] = df[name_of(p.key)].to_numpy(float)
    return table


def generation_table(history: Any) -> pd.DataFrame:
    """A row per generation: epsilon, particles, simulations, acceptance rate, ESS.

    ESS is the effective sample size of the generation's weights, (sum w)^2 / sum(w^2): the
    particle count when the weights are equal, less the more a few particles dominate.
    """
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0].copy()
    pops["acceptance_rate"] = pops["particles"] / pops["samples"]
    ess = []
    for t in pops["t"]:
        w = history.get_weighted_distances(t=int(t))["w"].to_numpy(float)
        ess.append(float(w.sum() ** 2 / (w**2).sum()))
    pops["ess"] = ess
    cols = ["t", "epsilon", "particles", "samples", "acceptance_rate", "ess"]
    return pops[cols].reset_index(drop=True)
