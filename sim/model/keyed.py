"""Keyed random draws: uniforms that are a pure function of a key (docs/ODD.md section 4).

A numpy `Generator` hands out numbers in sequence, so what one draw gets depends on how
many were drawn before it. The draws that must be common to every design run on a seed
-- a hire's traits, keyed by (position, k), and the program's draws, keyed by (week,
purpose, position) -- come instead from a counter-based hash: the key's integers are
mixed into a 64-bit word with splitmix64's finaliser (Steele, Lea and Flood 2014, the
mixer of Java's SplittableRandom), one round per key component, and the word's top 53
bits become a uniform in (0, 1). Inverse distribution functions turn uniforms into Beta
or uniform draws. All of it is whole-array numpy: about 30 ns per draw, where a numpy
Generator per hire would cost about 17 us.
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaincinv

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TO_UNIT = 2.0**-53

# Program draws are keyed (week, purpose, ...). Purposes:
INTAKE = 1  # an intake opens: (week, INTAKE, intake, slot, position)
ATTENDANCE = 2  # a scheduled session is held or not: (week, ATTENDANCE, mentee's position)
REMATCH = 3  # waiting mentees get new mentors: (week, REMATCH, intake, slot, position)
# Slots of an intake's or a re-matching's draws: one uniform per position in each.
ENROL = 0  # which eligible seniors are enrolled (the `coverage` share)
VOLUNTEER = 1  # which eligible juniors volunteer to mentor
MENTEE_ORDER = 2  # the order in which mentees are matched (a uniform random permutation)
MENTOR_ORDER = 3  # the order of the mentor pool in the matching
# Hires: draw index (the last key component) of each trait.
HIRE_E0, HIRE_OPENNESS, HIRE_AGE = 0, 1, 2


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, in place on a uint64 array (a bijection with full avalanche)."""
    z ^= z >> _S30
    z *= _M1
    z ^= z >> _S27
    z *= _M2
    z ^= z >> _S31
    return z


def base_key(seq: np.random.SeedSequence) -> int:
    """The 64-bit base key of a keyed stream, from its SeedSequence (spawned from the seed)."""
    return int(seq.generate_state(1, dtype=np.uint64)[0])


def keyed_uniforms(base: int, *components: np.ndarray | int) -> np.ndarray:
    """Uniforms in (0, 1), one per element of the broadcast key components.

    Args:
        base: the stream's base key (`base_key`).
        components: non-negative integers or integer arrays (broadcast together); the
            uniform at each element depends on the base and that element's components
            only, never on how many others are drawn.
    """
    arrays = [np.asarray(c, dtype=np.int64) for c in components]
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    size = int(np.prod(shape))
    # 1-d throughout (a scalar key as one element): numpy warns on overflow of 0-d integer
    # products, and the arithmetic here is meant to wrap around.
    h = np.full(size, np.uint64(base), dtype=np.uint64)
    for a in arrays:
        c = np.broadcast_to(a, shape).reshape(size).astype(np.uint64)
        c += np.uint64(1)
        c *= _GOLDEN
        h += c
        _mix(h)
    u = (h >> _S11).astype(np.float64)
    u += 0.5  # the centre of each of 2^53 cells: never exactly 0 or 1
    u *= _TO_UNIT
    return u.reshape(shape)


def beta_parameters(mean: float, sd: float) -> tuple[float, float]:
    """Beta(a, b) with the given mean and standard deviation (sd capped to a valid Beta)."""
    var = min(sd * sd, 0.99 * mean * (1 - mean))
    common = mean * (1 - mean) / var - 1
    return mean * common, (1 - mean) * common


def order_by(positions: np.ndarray, u: np.ndarray) -> np.ndarray:
    """`positions` sorted by their uniforms `u` (ties, which are rare, by position)."""
    return positions[np.lexsort((positions, u))]


def beta_from_uniforms(u: np.ndarray, mean: np.ndarray | float, sd: float) -> np.ndarray:
    """Beta draws by the inverse distribution function of uniforms `u`.

    `mean` may be one number or one per uniform (e.g. by role).
    """
    means = np.broadcast_to(np.asarray(mean, dtype=np.float64), np.shape(u))
    out = np.empty(np.shape(u))
    # One inverse per distinct mean: few distinct means, and betaincinv's cost is per call.
    for m in np.unique(means).tolist():
        at = means == m
        a, b = beta_parameters(m, sd)
        out[at] = betaincinv(a, b, u[at])
    return out
