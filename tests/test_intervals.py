"""Honest intervals: shares and rates stay inside their range; few replicates are flagged.

The user's report: with 2 replicates a turnover interval read [-0.405, 0.904]; one replicate
printed "1 replicates".
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim import analysis
from sim.cli.main import main
from sim.scenario.outcomes import outcome_range

TWO_TURNOVERS = [0.198, 0.301]  # the two replicates behind [-0.405, 0.904]


def test_a_turnover_interval_from_two_replicates_stays_between_0_and_1():
    _, t_lo, _ = analysis.mean_interval(TWO_TURNOVERS)
    assert round(t_lo, 3) == -0.405  # the plain t interval the user saw
    mean, lo, hi = analysis.outcome_interval(TWO_TURNOVERS, "turnover_junior_y1")
    assert 0 < lo < mean < hi < 1
    summary = pd.DataFrame(
        {"design": ["baseline", "baseline"], "seed": [1, 2], "turnover_junior_y1": TWO_TURNOVERS}
    )
    row = analysis.summarise_designs(summary, ["turnover_junior_y1"]).iloc[0]
    assert 0 < row["ci_low"] and row["ci_high"] < 1


def test_outcome_ranges_cover_the_shares_and_rates_and_leave_amounts_alone():
    for name in (
        "turnover_junior_y1",
        "turnover_millennial_pre",
        "engaged_share_junior_y2",
        "engagement_junior_end",
        "leadership_fluency_end",
        "mentor_retention_52w",
    ):
        assert outcome_range(name) == (0.0, 1.0), name
    assert outcome_range("knowledge_gap_end") == (-1.0, 1.0)
    for name in ("program_cost", "exits_total", "exits_junior_y1", "digital_relevance_end"):
        assert outcome_range(name) is None, name


@given(st.lists(st.floats(0, 1), min_size=2, max_size=30))
def test_an_interval_of_a_share_never_leaves_0_to_1_and_holds_the_mean(values):
    mean, lo, hi = analysis.outcome_interval(values, "engaged_share_junior_y1")
    assert 0 <= lo <= mean + 1e-12 and mean - 1e-12 <= hi <= 1


@given(st.lists(st.floats(-1, 1), min_size=2, max_size=30))
def test_an_interval_of_a_difference_of_shares_never_leaves_minus_1_to_1(values):
    mean, lo, hi = analysis.outcome_interval(values, "turnover_junior_y1", difference=True)
    assert -1 <= lo <= mean + 1e-12 and mean - 1e-12 <= hi <= 1


def test_with_many_replicates_the_interval_is_the_t_interval():
    values = np.random.default_rng(3).beta(8, 32, size=200)
    _, lo, hi = analysis.outcome_interval(values, "turnover_junior_y1")
    _, t_lo, t_hi = analysis.mean_interval(values)
    assert abs(lo - t_lo) < 0.002 and abs(hi - t_hi) < 0.002


def test_the_interval_covers_a_small_share_about_95_percent_of_the_time_with_3_replicates():
    rng = np.random.default_rng(7)
    true = 0.05
    samples = rng.beta(true * 40, (1 - true) * 40, size=(2000, 3))
    covered = [
        lo <= true <= hi for lo, hi in (analysis.bounded_interval(x, 0, 1)[1:] for x in samples)
    ]
    assert 0.93 <= np.mean(covered) <= 0.97


def test_one_replicate_reads_1_replicate_and_few_replicates_are_warned(tmp_path, capsys):
    args = ["run", "--years", "0.1", "--quiet", "--replicates"]
    assert main([*args, "1", "--out", str(tmp_path / "one")]) == 0
    out = capsys.readouterr().out
    assert "1 replicate per design" in out and "1 replicates" not in out
    assert "Warning: only 1 replicate per design: no interval can be computed" in out
    assert f"(intervals: {analysis.INTERVAL_METHOD})" in out
    report = (tmp_path / "one" / "report.html").read_text()
    assert "Warning: only 1 replicate per design" in report and "1 replicates" not in report
    assert "on the logit scale" in report
    assert main([*args, "5", "--out", str(tmp_path / "five")]) == 0
    assert "Warning" not in capsys.readouterr().out
    assert "Warning" not in (tmp_path / "five" / "report.html").read_text()


# --- paired comparisons: runs lined up by seed ----------------------------------------------
RUNS = pd.DataFrame(
    {
        "design": ["baseline"] * 3 + ["program"] * 3,
        "seed": [5, 6, 7, 7, 5, 9],
        "turnover_junior_y1": [0.20, 0.30, 0.25, 0.15, 0.18, 0.99],
    }
)


def test_runs_line_up_by_seed_on_the_seeds_both_designs_ran_in_the_designs_order():
    runs, base = analysis.align_by_seed(RUNS, "program", "baseline")
    assert list(runs.index) == [7, 5] and list(base.index) == [7, 5]
    assert list(runs["turnover_junior_y1"]) == [0.15, 0.18]
    assert list(base["turnover_junior_y1"]) == [0.25, 0.20]


def test_a_paired_difference_leaves_out_a_seed_only_one_design_ran():
    row = analysis.paired_differences(RUNS, ["turnover_junior_y1"]).iloc[0]
    assert row["design"] == "program" and row["n"] == 2
    assert row["difference"] == pytest.approx(((0.15 - 0.25) + (0.18 - 0.20)) / 2)


def test_the_paired_bootstrap_of_a_ratio_is_unbounded_when_the_denominator_may_be_zero():
    rng = np.random.default_rng(0)
    lo, hi = analysis.bootstrap_ratio(np.array([4.0, 6.0]), np.array([2.0, 2.0]), 0.95, 500, rng)
    assert lo == pytest.approx(2) and hi == pytest.approx(3)
    num, den = np.array([1.0, 1.0, 1.0]), np.array([1.0, 0.0, -1.0])
    lo, hi = analysis.bootstrap_ratio(num, den, 0.95, 500, np.random.default_rng(0))
    assert np.isinf(hi) and lo > 0


def test_the_paired_bootstrap_draws_the_same_interval_from_the_same_seed():
    num, den = np.arange(1.0, 9.0), np.arange(2.0, 10.0)
    first = analysis.bootstrap_ratio(num, den, 0.9, 300, np.random.default_rng(4))
    again = analysis.bootstrap_ratio(num, den, 0.9, 300, np.random.default_rng(4))
    assert first == again
