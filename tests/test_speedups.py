"""The fast forms of the hot paths give exactly what the plain numpy forms give.

Each speed-up in docs/performance.md replaces a plain numpy call with a cheaper one that
must return the same values bit for bit; these tests check each against its plain form.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.model.org import stable_order

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
