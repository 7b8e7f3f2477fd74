"""The rollout estimator (sim/analysis/rollout_estimate.py) on synthetic panels with a known effect.

Synthetic unit x month panels (tests/rollout_synthetic.py): binomial exits on unit and month
effects, the program's effect added in treated cells, staggered starts in random order.
Fixed seeds: every figure below is the same on every run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rollout_synthetic import panel, staggered_starts

from sim.analysis.rollout_estimate import (
    BEFORE_AFTER,
    CONCURRENT,
    estimate,
    estimate_panel,
)
from sim.errors import InputError

EFFECT = -0.004  # a third of the base monthly exit rate of 0.013


def replicate_estimates(n: int, seed: int, **kw) -> tuple[np.ndarray, ...]:
    """(estimates, truths, lows, highs, significant) over n synthetic panels."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        exits, at_risk, treated, truth = panel(rng, **kw)
        est = estimate_panel(exits, at_risk, treated, 0.05)
        out.append((est.effect, truth, est.low, est.high, est.significant))
    return tuple(np.array(c) for c in zip(*out, strict=True))


@pytest.mark.parametrize("ramp", [None, 12], ids=["constant effect", "effect growing a year"])
def test_unbiased_and_95_intervals_cover_the_truth_92_to_98_percent(ramp):
    est, truth, low, high, _ = replicate_estimates(200, seed=7, effect=EFFECT, ramp_months=ramp)
    error = est - truth
    # Unbiased: the mean error is within 3 standard errors of the mean of 0.
    assert abs(error.mean()) < 3 * error.std() / np.sqrt(len(error))
    cover = np.mean((low <= truth) & (truth <= high))
    assert 0.92 <= cover <= 0.98, cover


def test_no_effect_is_rejected_3_to_7_percent_of_the_time_at_alpha_005():
    *_, significant = replicate_estimates(1000, seed=11, effect=0.0)
    assert 0.03 <= significant.mean() <= 0.07, significant.mean()


def test_a_real_effect_is_detected_more_often_than_alpha():
    *_, significant = replicate_estimates(100, seed=3, effect=EFFECT)
    assert significant.mean() > 0.3


def power(n: int, seed: int, **kw) -> float:
    """Share of n synthetic evaluations that detect the effect."""
    est, *_, significant = replicate_estimates(n, seed, effect=EFFECT, **kw)
    return float(np.mean(significant & (est < 0)))


def test_power_rises_with_organisation_size_and_time():
    """On the synthetic generator (not the model): bigger units, longer evaluations."""
    small, large = (10, 40), (80, 320)
    by_size = [power(150, 5, size=s, months=24) for s in (small, large)]
    assert by_size[0] < by_size[1]
    by_time = [power(150, 5, size=small, months=m) for m in (18, 48)]
    assert by_time[0] < by_time[1]


def test_everyone_at_once_is_a_before_after_comparison():
    # Two units, four months: before in months 0-1, program in 2-3 for both.
    exits = np.array([[2, 2, 1, 1], [4, 4, 3, 3]], dtype=float)
    at_risk = np.full((2, 4), 100.0)
    treated = np.array([[0, 0, 1, 1], [0, 0, 1, 1]], dtype=bool)
    est = estimate_panel(exits, at_risk, treated)
    assert est.comparison == BEFORE_AFTER
    assert est.effect == pytest.approx(-0.01)  # each unit: 1 exit fewer per 100 a month


def test_staggered_starts_use_a_concurrent_comparison_and_no_treated_control():
    # Unit 0 starts in month 2; unit 1 never. Unit 0's own months 0-1 and unit 1 give
    # the prediction: unit 1 rises by 1/100 in months 2-3, so does unit 0's prediction.
    exits = np.array([[2, 2, 2, 2], [4, 4, 5, 5]], dtype=float)
    at_risk = np.full((2, 4), 100.0)
    treated = np.array([[0, 0, 1, 1], [0, 0, 0, 0]], dtype=bool)
    est = estimate_panel(exits, at_risk, treated)
    assert est.comparison == CONCURRENT
    assert est.effect == pytest.approx(-0.01)
    assert est.treated_cells == 2 and est.excluded_cells == 0


@settings(max_examples=25, deadline=None)
@given(
    unit_shift=st.floats(-0.005, 0.005),
    month_shift=st.floats(-0.005, 0.005),
    seed=st.integers(0, 2**16),
)
def test_unit_and_month_effects_do_not_move_the_estimate(unit_shift, month_shift, seed):
    """Adding a rate to one unit's months or to one month's units changes nothing."""
    rng = np.random.default_rng(seed)
    exits, at_risk, treated, _ = panel(rng, units=6, months=18)
    start = staggered_starts(6, 18, 2, rng)
    treated = np.arange(18)[None, :] >= start[:, None]
    base = estimate_panel(exits, at_risk, treated)
    moved = exits + at_risk * 0.0
    moved[0, :] += unit_shift * at_risk[0, :]
    moved[:, 3] += month_shift * at_risk[:, 3]
    shifted = estimate_panel(moved, at_risk, treated)
    assert shifted.effect == pytest.approx(base.effect, abs=1e-12)


def tidy(exits, at_risk, treated) -> pd.DataFrame:
    """A tidy table of the arrays, as an analyst would give it."""
    g, t = np.indices(exits.shape)
    return pd.DataFrame(
        {
            "unit": [f"dept {i}" for i in g.ravel()],
            "period": t.ravel(),
            "at_risk": at_risk.ravel(),
            "exits": exits.ravel(),
            "treated": treated.ravel().astype(int),
        }
    )


def test_the_tidy_table_gives_the_same_estimate_as_the_arrays():
    exits, at_risk, treated, _ = panel(np.random.default_rng(2), units=8, months=24)
    table = tidy(exits, at_risk, treated).sample(frac=1.0, random_state=1)  # any row order
    assert estimate(table) == estimate_panel(exits, at_risk, treated)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda t: t.drop(columns="exits"), "missing column(s) exits"),
        (lambda t: t.assign(at_risk=-1.0), "column at_risk, row 1"),
        (lambda t: t.assign(exits=t["at_risk"] + 1), "more exits than people at risk"),
        (lambda t: pd.concat([t, t.iloc[:1]]), "appears twice"),
        (lambda t: t.assign(treated=0), "needs treated and untreated cells"),
        (lambda t: t[t["unit"] == "dept 0"], "at least two units"),
    ],
)
def test_bad_tables_are_refused_naming_what_is_wrong(change, said):
    exits, at_risk, treated, _ = panel(np.random.default_rng(2), units=4, months=24)
    with pytest.raises(InputError) as err:
        estimate(change(tidy(exits, at_risk, treated)), where="exits.csv")
    assert said in str(err.value)
