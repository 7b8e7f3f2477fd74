"""Seeds: the integers a scenario's replicates run on, and one run's seed from its keywords.

Replicate seeds are drawn once from `SeedSequence(base)` and stored with every row, so
`--replicate-seed` reproduces any single replicate, and every design runs on the same seeds.
"""

from __future__ import annotations

import numpy as np

from sim.errors import InputError, Problem


def replicate_seeds(base: int, replicates: int) -> list[int]:
    """Integer seeds for replicates 0..n-1, drawn once from the base seed."""
    words = np.random.SeedSequence(base).generate_state(replicates, dtype=np.uint32)
    return [int(w) for w in words]


class _NotGiven:
    """A keyword left out, which is not the same as None (an unseeded run)."""

    def __repr__(self) -> str:
        return "<not given>"


NOT_GIVEN = _NotGiven()


def run_seed(seed: object = 0, rng: object = NOT_GIVEN, source: str = "OrgCultureModel") -> int:
    """The integer seed of one run, from the project's `seed` or Mesa's `rng`.

    Args:
        seed: a whole number >= 0; None draws one from the operating system's entropy (an
            unseeded run, as `mesa.batch_run(..., iterations=n)` asks for).
        rng: Mesa's name for it: a whole number >= 0, None (unseeded), or a numpy
            Generator to draw the seed from. Give `seed` or `rng`, not both.
        source: how problems name the caller.

    Returns:
        The run's seed; an unseeded run's drawn seed, kept by the model, reproduces it.
    """
    if rng is not NOT_GIVEN:
        if seed not in (0, None):
            raise InputError(
                [Problem(f"{source}(seed={seed!r}, rng={rng!r})", "give seed or rng, not both")]
            )
        name, value = "rng", rng
    else:
        name, value = "seed", seed
    if value is None:
        return int(np.random.SeedSequence().generate_state(1, dtype=np.uint32)[0])
    if isinstance(value, np.random.Generator):
        return int(value.integers(2**32))
    if isinstance(value, int | np.integer) and not isinstance(value, bool) and value >= 0:
        return int(value)
    allowed = "a whole number of at least 0, or None for an unseeded run"
    if name == "rng":
        allowed += ", or a numpy Generator to draw the seed from"
    raise InputError([Problem(f"{source}({name}={value!r})", f"allowed: {allowed}")])
