"""The fast forms of the hot paths give exactly what the plain numpy forms give.

Each speed-up in docs/performance.md replaces a plain numpy call with a cheaper one that
must return the same values bit for bit; these tests check each against its plain form.
"""

import copy
import functools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim import OrgCultureModel
from sim.model import dynamics
from sim.model.org import stable_order
from sim.scenario.parameters import OrgSpec, Scenario

KEYS = st.one_of(
    arrays(np.int64, st.integers(0, 300), elements=st.integers(0, 40)),  # many repeats
    arrays(np.int64, st.integers(0, 300), elements=st.integers(0, 2**32 - 1)),
    arrays(np.int64, st.integers(0, 300), elements=st.integers(65_530, 65_541)),  # 2^16
)


@settings(max_examples=200, deadline=None)
@given(KEYS)
def test_stable_order_is_numpys_stable_argsort(keys):
    order = stable_order(keys)
    assert order.dtype == np.intp
    np.testing.assert_array_equal(order, np.argsort(keys, kind="stable"))


def plain_peer_voice(voice, filled, org, rho_v):
    """peer_voice as the plain formula: bincounts over every peer tie."""
    junior, peer = org.informal_junior_peers
    n = org.size
    total = np.bincount(junior, weights=voice[peer], minlength=n)
    count = np.bincount(junior, weights=filled[peer], minlength=n)
    mean = np.divide(total, np.maximum(count, 1.0))
    mean *= rho_v
    mean *= 1.0 - voice
    return mean


@functools.cache
def small_model() -> OrgCultureModel:
    return OrgCultureModel(Scenario(org=OrgSpec(size=400)), None, 5)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_peer_voice_counting_vacancies_is_the_plain_formula(data):
    model = small_model()
    org, n = model.org, model.org.size
    ep = model.config.dynamics.engagement
    people = copy.deepcopy(model.people)
    stock = data.draw(arrays(np.float64, n, elements=st.floats(0.0, 50.0)))
    people.voice[:] = np.where(org.is_senior, 0.0, stock)
    people.filled[:] = data.draw(arrays(bool, n, elements=st.booleans()))
    voice = dynamics.signal(people.voice, ep.l_half)
    plain = plain_peer_voice(voice, people.filled, org, ep.rho_v)
    fast = dynamics.peer_voice(voice, people, org, ep)
    assert fast.tobytes() == plain.tobytes()  # bit for bit
