"""Keyed random draws: uniforms that are a pure function of a key (docs/ODD.md section 4).

A numpy `Generator` hands out numbers in sequence, so what one draw gets depends on how
many were drawn before it. The draws that must be common to every design run on a seed
-- a hire's traits, keyed by (position, k), and the program's draws, keyed by (week,
purpose, position) -- come instead from a counter-based hash: the key's integers are
mixed into a 64-bit word with splitmix64's finaliser (Steele, Lea and Flood 2014, the
mixer of Java's SplittableRandom), one round per key component, and the word's top 53
bits become a uniform in (0, 1). Inverse distribution functions turn uniforms into Beta
or uniform draws. All of it is whole-array numpy (key components that are the same for every
draw are mixed once, in Python): a few tens of ns per uniform, where a numpy Generator per
hire would cost about 17 us. A call of at most `FEW_DRAWS` draws (a week's hires, a
re-matching of a mentee or two) mixes its words as Python integers instead: the same words
and uniforms, without numpy's fixed cost per call.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy.special import betaincinv

_GOLDEN_INT = 0x9E3779B97F4A7C15


def _u64(value: int) -> np.ndarray:
    # Constants as 0-d arrays: numpy's ufuncs take them with less work per call than numpy
    # scalars (about 0.5 us against 0.9 us on a few values; the calls are per hire or pair).
    return np.array(value, dtype=np.uint64)


_GOLDEN = _u64(_GOLDEN_INT)
_GOLDEN4_INT = (4 * _GOLDEN_INT) & ((1 << 64) - 1)
_GOLDEN4 = _u64(_GOLDEN4_INT)
# Up to this many draws in one call, the words are mixed as Python integers: numpy's fixed
# cost per call (a dozen calls per draw) is more than mixing a few words one at a time.
FEW_DRAWS = 8
_M1 = _u64(0xBF58476D1CE4E5B9)
_M2 = _u64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = _u64(30), _u64(27), _u64(31), _u64(11)
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
# Hires: the k-th hire into position p draws trait t from the key 4 x (k x 2^32 + p) + t,
# one component (one round of mixing for all of a week's hires and their traits).
HIRE_E0, HIRE_OPENNESS, HIRE_AGE = 0, 1, 2
HIRE_TRAITS = 3  # traits drawn per hire; the key's two low bits leave room for one more


def hire_key(positions: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Per hire and trait (a column each: e0, openness, age): the key component of the draw.

    Distinct for every (position, k, trait) with positions below 2^32 and k below 2^29.
    """
    person = (k << 32) | positions
    return (person[:, None] << 2) | np.arange(HIRE_TRAITS)


def hire_uniforms(base: int, positions: np.ndarray, k: np.ndarray) -> np.ndarray:
    """`keyed_uniforms(base, hire_key(positions, k))`: the same (hires, 3) uniforms, cheaper.

    The component of trait t is 4 x person + t, so its word h + golden x (4 x person + t +
    1) is (4 x golden) x person + (golden x (t + 1) + h) modulo 2^64: one multiplication
    per hire and one addition of the three traits' constants (a week has a few hires, so
    the number of numpy calls is the cost).
    """
    traits = _hire_trait_words(int(base))
    if len(positions) <= FEW_DRAWS:
        persons = [(kk << 32) | p for p, kk in zip(positions.tolist(), k.tolist(), strict=True)]
        words = [(x * _GOLDEN4_INT + t) & _MASK for x in persons for t in traits.tolist()]
        return _few_uniforms(words).reshape(len(persons), HIRE_TRAITS)
    person = np.left_shift(k, 32)
    person |= positions
    word = person.astype(np.uint64)
    word *= _GOLDEN4
    return _unit(_mix(np.add(word[:, None], traits)))


@functools.lru_cache(maxsize=16)
def _hire_trait_words(h: int) -> np.ndarray:
    """The words h + golden x (t + 1) modulo 2^64 of the traits t = 0, 1, 2 (kept per stream)."""
    words = _u64([(h + _GOLDEN_INT * (t + 1)) & _MASK for t in range(HIRE_TRAITS)])
    words.setflags(write=False)
    return words


_MASK = (1 << 64) - 1
_WHOLE_NUMBER = (int, np.integer)


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, in place on a uint64 array (a bijection with full avalanche)."""
    shifted = z >> _S30  # one scratch array for the three shifts
    z ^= shifted
    z *= _M1
    np.right_shift(z, _S27, out=shifted)
    z ^= shifted
    z *= _M2
    np.right_shift(z, _S31, out=shifted)
    z ^= shifted
    return z


def _mix_int(z: int) -> int:
    """`_mix` on one Python integer (modulo 2^64): the same word as the array version."""
    z ^= z >> 30
    z = (z * 0xBF58476D1CE4E5B9) & _MASK
    z ^= z >> 27
    z = (z * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


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

    Each component c is mixed in as h <- mix(h + golden x (c + 1)) modulo 2^64. Leading
    whole-number components are mixed in Python (one word for every element), the rest
    over arrays that grow only as the components broadcast: the same words either way.
    """
    h = int(base)
    first = 0
    while first < len(components) and isinstance(components[first], _WHOLE_NUMBER):
        h = _mix_int((h + _GOLDEN_INT * (int(components[first]) + 1)) & _MASK)
        first += 1
    rest = components[first:]
    if not rest:  # every component a number: one uniform, as a 0-d array
        return np.asarray(((h >> 11) + 0.5) * _TO_UNIT)
    if len(rest) == 1 and np.ndim(rest[0]) >= 1:
        # One array after the numbers (every draw of the model): the same words as the
        # general form below, mixed in place with no broadcasting machinery (a few hires or
        # pairs a week: the fixed cost per call is most of the cost).
        c = np.asarray(rest[0], dtype=np.int64)
        if c.size <= FEW_DRAWS:
            hg = (h + _GOLDEN_INT) & _MASK
            words = [(x * _GOLDEN_INT + hg) & _MASK for x in c.ravel().tolist()]
            return _few_uniforms(words).reshape(c.shape)
        return _unit(_mix(_add_key(c.astype(np.uint64), h)))
    arrays = [np.asarray(c, dtype=np.int64) for c in rest]
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    # 1-d at least (numpy warns on overflow of 0-d integer products; here wrapping around
    # is the point).
    word = np.full((1,) * max(1, len(shape)), np.uint64(h), dtype=np.uint64)
    for a in arrays:
        c = a.astype(np.uint64).reshape((1,) * (word.ndim - a.ndim) + a.shape)
        c = c + np.uint64(1)
        c *= _GOLDEN
        word = _mix(word + c)
    return _unit(word).reshape(shape)


def _add_key(word: np.ndarray, h: int) -> np.ndarray:
    """The words of components c (a uint64 array, in place): h + golden x (c + 1) mod 2^64.

    golden x (c + 1) + h is golden x c + (golden + h) modulo 2^64: two operations, the
    second with one constant.
    """
    word *= _GOLDEN
    word += _u64((h + _GOLDEN_INT) & _MASK)
    return word


def _few_uniforms(words: list[int]) -> np.ndarray:
    """`_unit(_mix(words))` for a few words, mixed as Python integers (`_mix_int`).

    The same numbers: the top 53 bits of each mixed word convert to a float exactly, and
    adding 0.5 and scaling by 2^-53 round as numpy's float64 arithmetic does. Below
    `FEW_DRAWS` words this costs less than numpy's dozen calls (a week's hires, a
    re-matching of a mentee or two).
    """
    return np.array([((_mix_int(w) >> 11) + 0.5) * _TO_UNIT for w in words], dtype=np.float64)


def _unit(word: np.ndarray) -> np.ndarray:
    """Uniforms in (0, 1) from mixed words: their top 53 bits, at the centre of a cell."""
    np.right_shift(word, _S11, out=word)  # the words are not needed after this
    u = word.astype(np.float64)
    u += 0.5  # the centre of each of 2^53 cells: never exactly 0 or 1
    u *= _TO_UNIT
    return u


def order_by(positions: np.ndarray, u: np.ndarray) -> np.ndarray:
    """`positions` sorted by their uniforms `u` (ties, which are rare, by position)."""
    return positions[np.lexsort((positions, u))]


def beta_parameters(mean: float, sd: float) -> tuple[float, float]:
    """Beta(a, b) with the given mean and standard deviation (sd capped to a valid Beta)."""
    var = min(sd * sd, 0.99 * mean * (1 - mean))
    common = mean * (1 - mean) / var - 1
    return mean * common, (1 - mean) * common


def beta_from_uniforms(
    u: np.ndarray, mean: float | np.ndarray, sd: float | np.ndarray
) -> np.ndarray:
    """Beta(mean, sd) draws by the inverse distribution function of the uniforms `u`.

    `mean` and `sd` may be one per uniform (one call for draws of several distributions).
    Exact (`scipy.special.betaincinv`, about 3 us a draw: a week's few hires need few).
    """
    mean = np.asarray(mean, dtype=np.float64)
    var = np.minimum(np.square(sd), 0.99 * mean * (1 - mean))
    common = mean * (1 - mean) / var - 1
    return betaincinv(mean * common, (1 - mean) * common, u)
