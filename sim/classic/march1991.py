"""March (1991) mutual learning between individuals and an organisational code.

Validation model: J. G. March, "Exploration and exploitation in organizational
learning", Organization Science 2(1), 1991. Reality is a vector of ``m`` values of +1 or
-1; ``n`` individuals hold beliefs of -1, 0 or +1 about it; the organisational code
starts at all zeros. Each period runs, in order:

1. turnover: each individual is replaced with probability ``p3`` by a newcomer with
   random beliefs;
2. turbulence: each reality dimension flips with probability ``p4``;
3. acting: an individual acts on its belief, or on a fair coin flip where the belief is
   0; performance is the sum of action x reality, the code's score is code . reality;
4. socialisation: where the code is non-zero, each belief moves one step toward it with
   the individual's probability ``p1``;
5. code learning: on each dimension the code adopts the majority action of the
   individuals who outperformed it, with probability ``1 - (1 - p2) ** k`` (``k`` is the
   majority's margin); a tie changes nothing.

Without turnover and turbulence a run stops at equilibrium (see `at_equilibrium`).
Knowledge is ``code . reality / m``.

Two implementations share the contract: `March1991Model`, a Mesa model with one agent
per individual, and `run_batch`, which simulates many replications at once with numpy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import mesa
import numpy as np

__all__ = ["Individual", "March1991Model", "March1991Params", "run_batch"]

_SIGNS = np.array([-1, 1], dtype=np.int8)


def _check_probability(name: str, value: float) -> float:
    """Return ``value`` as a float, or raise ValueError unless it lies in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}")
    value = float(value)
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise ValueError(f"{name} must be a probability in [0, 1], got {value!r}")
    return value


def _check_count(name: str, value: int, minimum: int = 1) -> int:
    """Return ``value`` as an int, or raise ValueError unless it is an int >= minimum."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class March1991Params:
    """Validated parameters of March's mutual-learning model.

    Attributes:
        m: number of reality dimensions.
        n: number of individuals.
        p1: socialisation rate, one float for everyone or a tuple of one rate per
            individual (heterogeneous learners).
        p2: code learning rate.
        p3: turnover probability per individual and period.
        p4: turbulence probability per reality dimension and period.
        max_periods: cap on the length of a run that stops at equilibrium.

    Raises:
        ValueError: if a probability is outside [0, 1], a count is not a positive
            integer, or ``p1`` is a sequence whose length is not ``n``.
    """

    m: int = 30
    n: int = 50
    p1: float | tuple[float, ...] = 0.5
    p2: float = 0.5
    p3: float = 0.0
    p4: float = 0.0
    max_periods: int = 3000

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen: normalise fields in place once
        set_(self, "m", _check_count("m", self.m))
        set_(self, "n", _check_count("n", self.n))
        set_(self, "max_periods", _check_count("max_periods", self.max_periods))
        if np.ndim(self.p1) > 0:  # one rate per individual (list, tuple or array)
            rates = tuple(_check_probability(f"p1[{i}]", r) for i, r in enumerate(self.p1))
            if len(rates) != self.n:
                raise ValueError(
                    f"p1 must be one rate or one rate per individual (n={self.n}), "
                    f"got {len(rates)} rates"
                )
            set_(self, "p1", rates)
        else:
            set_(self, "p1", _check_probability("p1", self.p1))
        for name in ("p2", "p3", "p4"):
            set_(self, name, _check_probability(name, getattr(self, name)))

    @property
    def rates(self) -> np.ndarray:
        """Socialisation rate of each individual, shape ``(n,)``."""
        return np.broadcast_to(np.asarray(self.p1, dtype=float), (self.n,)).copy()

    @property
    def stops_at_equilibrium(self) -> bool:
        """Whether runs stop at equilibrium (only without turnover and turbulence)."""
        return self.p3 == 0.0 and self.p4 == 0.0


class Individual(mesa.Agent):
    """One member of the organisation.

    Attributes:
        p1: this individual's socialisation rate.
        belief: int8 vector of -1, 0 or +1 per reality dimension.
        action: the last period's action vector (+1/-1).
        performance: the last period's ``action . reality``.
    """

    def __init__(self, model: March1991Model, p1: float) -> None:
        super().__init__(model)
        self.p1 = p1
        self.belief = model.rng.integers(-1, 2, size=model.params.m, dtype=np.int8)
        self.action = self.belief.copy()
        self.performance = 0

    def act(self) -> None:
        """Act on beliefs, flipping a fair coin where the belief is 0, and score it."""
        self.action = self.belief.copy()
        unsure = self.action == 0
        self.action[unsure] = self.model.rng.choice(_SIGNS, size=int(unsure.sum()))
        self.performance = int(self.action.astype(np.int64) @ self.model.reality)

    def socialise(self) -> None:
        """Move each belief that disagrees with a non-zero code one step toward it."""
        code = self.model.code
        gap = (code != 0) & (self.belief != code)
        moved = gap & (self.model.rng.random(code.size) < self.p1)
        # The belief lies on the other side of (or at) zero, so one step is +code.
        self.belief[moved] += code[moved]

    def best_case(self) -> int:
        """Highest performance this individual could reach: every coin flip lands right."""
        return int(self.belief.astype(np.int64) @ self.model.reality) + int(
            np.count_nonzero(self.belief == 0)
        )

    def differs_from_code(self) -> bool:
        """Whether a belief disagrees with the code on a dimension where it is non-zero."""
        code = self.model.code
        return bool(np.any((code != 0) & (self.belief != code)))


class March1991Model(mesa.Model):
    """March's mutual-learning model with one Mesa agent per individual.

    Attributes:
        params: the validated parameters.
        reality: int8 vector of +1/-1.
        code: int8 vector of -1, 0 or +1, the organisational code.
        history: knowledge after each period; ``history[t]`` is after ``t`` periods.
    """

    def __init__(
        self,
        m: int = 30,
        n: int = 50,
        p1: float | Sequence[float] = 0.5,
        p2: float = 0.5,
        p3: float = 0.0,
        p4: float = 0.0,
        max_periods: int = 3000,
        rng: int | np.random.Generator | None = None,
    ) -> None:
        """Set up reality, the code and the individuals.

        Args:
            m: number of reality dimensions.
            n: number of individuals.
            p1: socialisation rate, one for all or one per individual.
            p2: code learning rate.
            p3: turnover probability.
            p4: turbulence probability.
            max_periods: cap on the length of `run`.
            rng: seed or numpy Generator; all draws use ``self.rng``.

        Raises:
            ValueError: on invalid parameters.
        """
        self.params = March1991Params(m, n, p1, p2, p3, p4, max_periods)
        super().__init__(rng=rng)
        self.reality = self.rng.choice(_SIGNS, size=m)
        self.code = np.zeros(m, dtype=np.int8)
        for rate in self.params.rates:
            Individual(self, float(rate))
        self.history: list[float] = [self.knowledge]

    @property
    def code_score(self) -> int:
        """The code's performance, ``code . reality`` (zeros score 0)."""
        return int(self.code.astype(np.int64) @ self.reality)

    @property
    def knowledge(self) -> float:
        """Proportion of reality the code gets right net of what it gets wrong."""
        return self.code_score / self.params.m

    def step(self) -> None:
        """Run one period: turnover, turbulence, acting, socialisation, code learning."""
        p = self.params
        if p.p3 > 0:
            for person in list(self.agents):
                if self.rng.random() < p.p3:
                    person.remove()
                    Individual(self, person.p1)  # the newcomer takes over the slot's rate
        if p.p4 > 0:
            flip = self.rng.random(p.m) < p.p4
            self.reality[flip] *= -1
        self.agents.do("act")
        score = self.code_score
        # Socialisation sees the code before this period's code learning.
        self.agents.do("socialise")
        superior = self.agents.select(lambda a: a.performance > score)
        votes = np.zeros(p.m, dtype=np.int64)
        for person in superior:
            votes += person.action
        majority = np.sign(votes).astype(np.int8)
        change = (votes != 0) & (majority != self.code)
        adopt = self.rng.random(p.m) < 1.0 - (1.0 - p.p2) ** np.abs(votes)
        self.code[change & adopt] = majority[change & adopt]
        self.history.append(self.knowledge)
        if p.stops_at_equilibrium and self.at_equilibrium():
            self.running = False

    def at_equilibrium(self) -> bool:
        """Whether nothing can change any more.

        No individual can beat the code even with lucky coin flips, so the code stops
        learning, and no individual disagrees with a non-zero code dimension, so
        socialisation stops too.
        """
        score = self.code_score
        return all(
            person.best_case() <= score and not person.differs_from_code() for person in self.agents
        )

    def run(self, periods: int | None = None) -> float:
        """Step the model and return the final knowledge.

        Args:
            periods: step exactly this many periods; by default step until equilibrium
                (only without turnover and turbulence) or ``max_periods``.

        Returns:
            Knowledge after the last period.
        """
        if periods is not None:
            for _ in range(_check_count("periods", periods, minimum=0)):
                self.step()
            return self.knowledge
        while self.steps < self.params.max_periods:
            if self.params.stops_at_equilibrium and self.at_equilibrium():
                break
            self.step()
        return self.knowledge


def _as_dtype_for(bound: int) -> type[np.integer]:
    """Smallest safe integer type for sums bounded by ``bound``: int8 matmul is fastest."""
    return np.int8 if bound <= 127 else np.int32


def run_batch(
    runs: int,
    m: int = 30,
    n: int = 50,
    p1: float | Sequence[float] = 0.5,
    p2: float = 0.5,
    p3: float = 0.0,
    p4: float = 0.0,
    periods: Sequence[int] | None = None,
    max_periods: int = 3000,
    seed: int | np.random.SeedSequence | None = None,
    return_periods: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Simulate many independent replications at once with ``(runs, n, m)`` arrays.

    Same process as `March1991Model`, different random streams: the two agree in
    distribution, not draw for draw. Runs that reach equilibrium freeze and drop out of
    the computation.

    Args:
        runs: number of replications.
        m: number of reality dimensions.
        n: number of individuals.
        p1: socialisation rate, one for all or one per individual.
        p2: code learning rate.
        p3: turnover probability.
        p4: turbulence probability.
        periods: record knowledge after these numbers of periods instead of at the end.
        max_periods: cap on run length when ``periods`` is not given.
        seed: integer or SeedSequence; the same seed gives the same result.
        return_periods: also return how many periods each run took (its stopping time).

    Returns:
        Knowledge per run, shape ``(runs,)``, or ``(runs, len(periods))`` when
        ``periods`` is given; with ``return_periods``, a tuple of that and the int array
        of periods run.

    Raises:
        ValueError: on invalid parameters.
    """
    params = March1991Params(m, n, p1, p2, p3, p4, max_periods)
    runs = _check_count("runs", runs)
    if periods is None:
        checkpoints = np.array([max_periods])
    else:
        checkpoints = np.array([_check_count("period", t, minimum=0) for t in periods], dtype=int)
        if checkpoints.size == 0:
            raise ValueError("periods must list at least one period")
    horizon = int(checkpoints.max())
    rng = np.random.default_rng(seed)

    reality = rng.choice(_SIGNS, size=(runs, m))
    beliefs = rng.integers(-1, 2, size=(runs, n, m), dtype=np.int8)
    code = np.zeros((runs, m), dtype=np.int8)
    rates = params.rates.astype(np.float32)[None, :, None]
    alive = np.arange(runs)  # global ids of the runs still being simulated
    out = np.zeros((runs, checkpoints.size))
    stopped = np.full(runs, horizon)
    perf_t, vote_t = _as_dtype_for(m), _as_dtype_for(n)

    for t in range(horizon + 1):
        know = (code.astype(np.int32) * reality).sum(axis=1) / m
        out[alive[:, None], np.flatnonzero(checkpoints == t)[None, :]] = know[:, None]
        if t == horizon:
            break
        if params.stops_at_equilibrium:
            done = _at_equilibrium(beliefs, code, reality, perf_t)
            if done.any():
                # Frozen runs keep this knowledge at every later checkpoint.
                later = np.flatnonzero(checkpoints > t)
                out[alive[done][:, None], later[None, :]] = know[done][:, None]
                stopped[alive[done]] = t
                keep = ~done
                alive, beliefs, code, reality = (
                    alive[keep],
                    beliefs[keep],
                    code[keep],
                    reality[keep],
                )
                if alive.size == 0:
                    break
        _step(beliefs, code, reality, rates, params, rng, perf_t, vote_t)

    result = out[:, 0] if periods is None else out
    return (result, stopped) if return_periods else result


def _at_equilibrium(
    beliefs: np.ndarray, code: np.ndarray, reality: np.ndarray, perf_t: type
) -> np.ndarray:
    """Per-run equilibrium test, the batch twin of `March1991Model.at_equilibrium`."""
    c = code[:, None, :]
    settled = ~((c != 0) & (beliefs != c)).any(axis=(1, 2))
    # Best case counts a zero belief as right: (b + [b == 0] * r) * r is 1 there, b*r else.
    lucky = beliefs + (beliefs == 0) * reality[:, None, :]
    best = np.matmul(lucky.astype(perf_t), reality.astype(perf_t)[:, :, None])[..., 0]
    score = (code.astype(np.int32) * reality).sum(axis=1)
    return settled & (best <= score[:, None]).all(axis=1)


def _step(
    beliefs: np.ndarray,
    code: np.ndarray,
    reality: np.ndarray,
    rates: np.ndarray,
    params: March1991Params,
    rng: np.random.Generator,
    perf_t: type,
    vote_t: type,
) -> None:
    """Advance every run by one period, in place."""
    runs, n, m = beliefs.shape
    if params.p3 > 0:
        leave = rng.random((runs, n)) < params.p3
        beliefs[leave] = rng.integers(-1, 2, size=(int(leave.sum()), m), dtype=np.int8)
    if params.p4 > 0:
        reality[rng.random((runs, m)) < params.p4] *= -1

    # Acting: a fair coin where the belief is 0; random bytes are the cheapest coin.
    coin = (np.frombuffer(rng.bytes(beliefs.size), dtype=np.uint8) & 1).reshape(beliefs.shape)
    actions = beliefs + (beliefs == 0) * (2 * coin.astype(np.int8) - 1)
    perf = np.matmul(actions.astype(perf_t), reality.astype(perf_t)[:, :, None])[..., 0]
    score = (code.astype(np.int32) * reality).sum(axis=1)

    # Socialisation against the code as it was before this period's code learning.
    c = code[:, None, :]
    gap = (c != 0) & (beliefs != c)
    moved = gap & (rng.random(beliefs.shape, dtype=np.float32) < rates)
    beliefs += moved * c

    # Code learning: net votes of the superior group are majority minus minority.
    superior = (perf > score[:, None]).astype(vote_t)[:, None, :]
    votes = np.matmul(superior, actions.astype(vote_t))[:, 0, :].astype(np.int32)
    majority = np.sign(votes).astype(np.int8)
    adopt = rng.random((runs, m)) < 1.0 - (1.0 - params.p2) ** np.abs(votes)
    change = (votes != 0) & (majority != code) & adopt
    code[change] = majority[change]
