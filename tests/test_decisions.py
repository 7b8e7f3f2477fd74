"""Decisions that hold up: the chance of a gain decides the verdict, ROI never contradicts net
benefit, predictive intervals do not shrink with runs, and one design is named most likely best."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from sim import analysis
from sim.cli.main import main


def runs(nets: dict[str, list[float]], costs: dict[str, list[float]]) -> pd.DataFrame:
    """A summary table whose designs have the given net benefits and program costs per seed."""
    n = len(next(iter(nets.values())))
    rows = [
        {"design": "baseline", "seed": s, "turnover_cost": 1e6, "program_cost": 0.0}
        for s in range(n)
    ]
    for design, values in nets.items():
        for s, (net, cost) in enumerate(zip(values, costs[design], strict=True)):
            # net = avoided - cost, so the design's turnover cost is 1e6 - (net + cost)
            rows.append(
                {
                    "design": design,
                    "seed": s,
                    "turnover_cost": 1e6 - (net + cost),
                    "program_cost": cost,
                }
            )
    table = pd.DataFrame(rows)
    return table.assign(exits_total=(table["turnover_cost"] / 1e4).round())


amounts = st.floats(-1e5, 1e5, allow_nan=False).map(lambda v: round(v, 2))


@given(
    st.integers(2, 12).flatmap(
        lambda n: st.tuples(
            st.lists(amounts, min_size=n, max_size=n),
            st.lists(st.floats(1.0, 2e5).map(lambda v: round(v, 2)), min_size=n, max_size=n),
        )
    )
)
def test_roi_and_net_benefit_never_disagree_in_sign(data):
    nets, costs = data
    money = analysis.money_table(runs({"d": nets}, {"d": costs}), resamples=300)
    r = money.set_index("measure")
    for column in ("value", "ci_low", "ci_high", "median", "pred_low", "pred_high"):
        net, roi = r.loc["net_benefit", column], r.loc["roi", column]
        assert np.sign(net) == np.sign(roi), column


def test_no_payback_or_pays_for_itself_when_the_chance_of_a_gain_is_below_a_half():
    n = 10
    rng = np.random.default_rng(3)
    designs = {
        "nothing": [0.0] * n,  # does almost nothing: costs a little, avoids nothing
        "mostly_loses": [*([-5e4] * 7), *([9e4] * 3)],  # a positive mean, a 30% chance
        "coin": list(rng.normal(1e3, 3e4, n)),
        "good": [*([4e4] * 8), -1e4, -2e4],
    }
    costs = {d: [1e4] * n for d in designs}
    designs["nothing"] = [-1e3] * n
    summary = runs(designs, costs)
    # a weekly series whose last week carries the summary's totals, so payback can be computed
    series = pd.concat(
        [summary.assign(week=0, date="2024-01-01", turnover_cost=0.0, program_cost=0.0)]
        + [summary.assign(week=w, date=f"w{w}") for w in (1, 2)],
        ignore_index=True,
    )
    money = analysis.money_table(summary, series, launch_week=0)
    p = money[money["measure"] == "p_net_positive"].set_index("design")["value"]
    assert p["mostly_loses"] == pytest.approx(0.3) and p["good"] == pytest.approx(0.8)
    payback = money[money["measure"] == "payback_week"].set_index("design")
    text = " ".join(
        [
            *analysis.verdict_lines(money, "USD"),
            *analysis.break_even_lines(money, "USD"),
            analysis.money_display(money, "USD").to_string(),
        ]
    )
    assert "pays for itself" not in text
    for design in designs:
        lines = [x for x in analysis.verdict_lines(money, "USD") if x.startswith(design)]
        if p[design] < 0.5:
            assert np.isnan(payback.loc[design, "value"])
            assert "week" not in lines[0] and "loses money" in lines[0]
            assert f"{100 * p[design]:.0f}% of simulated futures" in lines[0]
    good = next(x for x in analysis.verdict_lines(money, "USD") if x.startswith("good"))
    assert good.startswith("good likely makes money: a positive net benefit in 80%")
    assert payback.loc["good", "value"] == 1


def test_the_ranking_names_the_most_likely_best_design_and_how_likely():
    summary = runs(
        {"a": [10.0, 20.0, -5.0, 30.0], "b": [5.0, 25.0, -10.0, 1.0]},
        {"a": [1.0] * 4, "b": [1.0] * 4},
    )
    ranking = analysis.ranking_table(summary)
    assert list(ranking["design"]) == ["a", "b", "baseline"]
    # per seed the best: a, b, baseline (both lose), a
    assert ranking.set_index("design")["p_best"].to_dict() == pytest.approx(
        {"a": 0.5, "b": 0.25, "baseline": 0.25}
    )
    assert ranking["p_best"].sum() == pytest.approx(1)
    sentence = analysis.ranking_sentence(ranking, {"a": "Alpha (a)"})
    assert sentence.startswith("Most likely best on net benefit: Alpha (a), best in 50% of 4")
    assert "no design is best in most futures" not in sentence


def test_predictive_intervals_do_not_shrink_with_runs_while_the_mean_interval_does():
    widths = {}
    for n in (40, 640):
        # an evenly spread sample of one distribution, shuffled: more runs of the same world
        nets = list(
            np.random.default_rng(n).permutation(stats.norm.ppf((np.arange(n) + 0.5) / n)) * 5e4
        )
        money = analysis.money_table(runs({"d": nets}, {"d": [1e4] * n}), resamples=500)
        r = money.set_index("measure").loc["net_benefit"]
        widths[n] = (r["pred_high"] - r["pred_low"], r["ci_high"] - r["ci_low"])
    assert 0.8 < widths[40][0] / widths[640][0] < 1.25
    assert widths[40][1] / widths[640][1] > 3  # sqrt(16) = 4


def test_loss_threshold_is_a_compare_option(tmp_path, capsys):
    out = tmp_path / "r"
    args = ["compare", "telecom", "--quiet", "--replicates", "3", "--years", "0.5"]
    assert main([*args, "--loss-threshold", "50000", "--out", str(out)]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "chance of losing more than USD 50,000" in text
    manifest = (out / "manifest.json").read_text()
    assert "parameter uncertainty and run noise" in manifest  # posterior: compare's default
    money = pd.read_csv(out / "money.csv")
    assert "lose more than 50,000" in money.loc[money["measure"] == "p_loss_above", "note"].iloc[0]


def test_a_misspelt_design_in_set_is_refused_with_the_closest_name(capsys):
    args = ["compare", "telecom", "--quiet", "--replicates", "2"]
    assert main([*args, "--set", "designs.reverse_mentorng.cadence_weeks=4"]) == 2
    err = capsys.readouterr().err
    assert "no design named 'reverse_mentorng'; did you mean reverse_mentoring?" in err
    assert "Traceback" not in err


def test_a_design_is_added_from_the_command_line_only_by_naming_its_parent():
    from sim.scenario.loading import load_scenario

    sets = ["designs.monthly.inherits=reverse_mentoring", "designs.monthly.cadence_weeks=4"]
    scenario = load_scenario("telecom", sets)
    assert scenario.design("monthly").cadence_weeks == 4
    assert scenario.design("monthly").coverage == scenario.design("reverse_mentoring").coverage


def test_a_scenario_without_design_tables_changes_its_built_in_design():
    from sim.scenario.design import default_program
    from sim.scenario.loading import loads_scenario

    scenario = loads_scenario("", sets=["designs.program.cadence_weeks=4"])
    program = scenario.design("program")
    assert program.cadence_weeks == 4
    assert program.topic_focus == default_program().topic_focus  # the built-in's, not defaults


def test_the_template_with_the_telecom_case_set_runs_the_same_baseline_as_the_case():
    """Behaviour comes from the calibration in both: the template leaves it out."""
    from sim.runs.replicates import run_scenario
    from sim.scenario.loading import load_scenario, loads_scenario
    from sim.scenario.template import scenario_template

    case = load_scenario("telecom")
    sets = [
        "org.size=300",
        "start_date=2020-08-11",
        "launch_date=2021-08-10",
        "years=1",
        f"seed={case.seed}",
    ]
    notes: list[str] = []
    mine = loads_scenario(scenario_template(), "my.toml", sets, notes=notes)
    assert notes == []  # the template sets no behaviour of its own
    assert mine.dynamics == case.dynamics and mine.workforce == case.workforce
    assert mine.costs == case.costs
    keep = ["seed", "turnover_junior_y1", "exits_total", "turnover_cost", "engagement_junior_end"]
    a = run_scenario(case, ["baseline"], seeds=[1, 2]).summary[keep]
    b = run_scenario(mine, ["baseline"], seeds=[1, 2]).summary[keep]
    pd.testing.assert_frame_equal(a, b)


def test_a_scenario_that_sets_a_fitted_parameter_is_told_once(capsys):
    from sim.scenario.calibrated import calibrated_values
    from sim.scenario.loading import loads_scenario

    notes: list[str] = []
    text = "[dynamics.exits]\nbase_junior = 0.16\n"
    scenario = loads_scenario(text, notes=notes)
    assert scenario.dynamics.exits.base_junior == 0.16  # yours
    calibrated = calibrated_values()
    assert scenario.dynamics.engagement.a_climate == calibrated["dynamics.engagement.a_climate"]
    assert len(notes) == 1 and "your values, not the calibration's" in notes[0]
    assert "dynamics.exits.base_junior = 0.16" in notes[0]
    # a posterior draw replaces the calibration, never the scenario's own value
    draw = {k: v * 1.01 for k, v in calibrated.items()}
    drawn = loads_scenario(text, calibration=draw)
    assert drawn.dynamics.exits.base_junior == 0.16
    assert drawn.dynamics.engagement.a_climate == draw["dynamics.engagement.a_climate"]


def test_the_scenario_layer_reads_the_same_medians_as_the_calibration():
    from sim.calibration.case_medians import posterior_medians
    from sim.calibration.posterior import library_posterior_path, read_posterior
    from sim.scenario.calibrated import POSTERIOR_FILE, calibrated_values

    assert POSTERIOR_FILE == library_posterior_path()
    medians = posterior_medians(read_posterior(POSTERIOR_FILE))
    assert {k: float(v) for k, v in medians.items()} == calibrated_values()


@given(
    st.sampled_from([0.001, 0.0025, 0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.125, 0.2, 0.25]),
    st.integers(-5, 40),
    st.integers(2, 9),
)
def test_percent_ticks_are_labelled_with_their_own_value(step, start, count):
    from sim.viz.plots import DistinctFormatter, _percent

    ticks = [(start + i) * step for i in range(count)]
    labels = DistinctFormatter(_percent).format_ticks(ticks)
    assert len(set(labels)) == len(labels)
    for tick, label in zip(ticks, labels, strict=True):
        decimals = len(label.rstrip("%").partition(".")[2])
        assert float(label.rstrip("%")) == pytest.approx(round(100 * tick, decimals), abs=1e-9)
        assert float(label.rstrip("%")) == pytest.approx(100 * tick, abs=1e-9)  # no rounding


def test_a_percent_axis_in_steps_of_two_and_a_half_reads_them(tmp_path):
    from sim.viz.plots import DistinctFormatter, _percent

    labels = DistinctFormatter(_percent).format_ticks([0, 0.025, 0.05, 0.075])
    assert labels == ["0.0%", "2.5%", "5.0%", "7.5%"]


def test_payback_labels_of_three_designs_never_overlap():
    from sim.viz import plots

    weeks = np.arange(0, 53)
    dates = pd.date_range("2024-01-01", periods=len(weeks), freq="7D")
    parts = []
    for design, shift in (("a", 0.0), ("b", 500.0), ("c", 900.0)):  # close curves, close paybacks
        mean = (weeks - 20) * 1000.0 + shift
        parts.append(
            pd.DataFrame(
                {
                    "design": design,
                    "weeks_since_launch": weeks,
                    "date": dates,
                    "mean": mean,
                    "ci_low": mean - 5e3,
                    "ci_high": mean + 5e3,
                }
            )
        )
    weekly = pd.concat(parts, ignore_index=True)
    payback = {"a": 21.0, "b": 20.0, "c": 20.0}
    titles = {"a": "Alpha (a)", "b": "Beta (b)", "c": "Gamma (c)"}
    fig = plots.net_benefit_figure(weekly, "USD", "baseline", payback, titles)
    renderer = plots.figure_renderer(fig)
    ax = fig.axes[0]
    labels = [t for t in ax.texts if t.get_text().startswith("payback")]
    assert len(labels) == 3
    boxes = [t.get_window_extent(renderer) for t in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["Alpha (a)", "Beta (b)", "Gamma (c)"]


def test_the_verdict_reads_an_80_percent_chance_not_a_80():
    from sim.analysis.text import _a_percent

    assert [_a_percent(x) for x in (0.8, 0.08, 0.11, 0.18, 0.85)] == [
        "an 80%",
        "an 8%",
        "an 11%",
        "an 18%",
        "an 85%",
    ]
    assert [_a_percent(x) for x in (0.75, 0.0, 0.5, 1.0, 0.1)] == [
        "a 75%",
        "a 0%",
        "a 50%",
        "a 100%",
        "a 10%",
    ]
