"""Costs that decide: net benefit, return on investment, payback and break-even, paired on
shared seeds, in the scenario's currency, against the baseline or any design."""

import numpy as np
import pandas as pd
import pytest

from helpers import small_scenario
from sim import analysis
from sim.cli.main import main
from sim.errors import InputError
from sim.runs.replicates import run_scenario
from sim.scenario.design import ProgramDesign
from sim.scenario.loading import loads_scenario
from sim.scenario.template import scenario_template

# Four shared seeds; costs chosen so that every measure is easy to work out by hand.
TOY = pd.DataFrame(
    {
        "design": ["baseline"] * 4 + ["cheap"] * 4 + ["dear"] * 4,
        "seed": [1, 2, 3, 4] * 3,
        "turnover_cost": [100, 120, 80, 100] + [90, 100, 80, 90] + [60, 70, 50, 60],
        "program_cost": [0, 0, 0, 0] + [10, 10, 10, 10] + [30, 30, 30, 30],
        "exits_total": [10, 12, 8, 10] + [9, 10, 8, 9] + [6, 7, 5, 6],
    }
)


def measures(money: pd.DataFrame, design: str) -> pd.DataFrame:
    return money[money["design"] == design].set_index("measure")


def test_money_against_the_baseline_is_worked_out_on_paired_seeds():
    money = analysis.money_table(TOY)
    cheap = measures(money, "cheap")
    # avoided per seed: 10, 20, 0, 10 -> mean 10; net: 0, 10, -10, 0 -> mean 0
    assert cheap.loc["turnover_cost_avoided", "value"] == pytest.approx(10)
    assert cheap.loc["program_cost", "value"] == pytest.approx(10)
    assert cheap.loc["net_benefit", "value"] == pytest.approx(0)
    lo, hi = cheap.loc["net_benefit", ["ci_low", "ci_high"]]
    assert -10 <= lo <= 0 <= hi <= 10  # a paired bootstrap of the mean, shared with roi
    # the predictive columns: the runs' own median and 10th-90th percentile
    assert cheap.loc["net_benefit", ["median", "pred_low", "pred_high"]].tolist() == [0, -10, 10]
    assert cheap.loc["roi", "value"] == pytest.approx(0)
    assert cheap.loc["p_net_positive", "value"] == pytest.approx(0.25)
    assert cheap.loc["p_net_positive", "note"] == "1 of 4 paired runs"
    assert cheap.loc["p_loss_above", "value"] == pytest.approx(0.25)
    # exits avoided 1, 2, 0, 1 -> 1; break-even = 10 / 1; an avoided exit costs 10 / 1
    assert cheap.loc["exits_avoided", "value"] == pytest.approx(1)
    assert cheap.loc["break_even_cost_per_exit", "value"] == pytest.approx(10)
    assert cheap.loc["replacement_cost_per_avoided_exit", "value"] == pytest.approx(10)
    dear = measures(money, "dear")
    # avoided 40, 50, 30, 40 -> 40; cost 30; net 10, 20, 0, 10 -> 10; ROI 10 / 30
    assert dear.loc["net_benefit", "value"] == pytest.approx(10)
    assert dear.loc["roi", "value"] == pytest.approx(1 / 3)
    assert dear.loc["roi", "ci_low"] <= 1 / 3 <= dear.loc["roi", "ci_high"]
    assert dear.loc["p_net_positive", "value"] == pytest.approx(0.75)
    assert dear.loc["break_even_cost_per_exit", "value"] == pytest.approx(30 / 4)
    assert dear.loc["payback_week", "note"] == "needs the weekly series"
    assert list(dict.fromkeys(money["design"])) == ["cheap", "dear"]  # the run's order


def test_program_cost_per_avoided_exit_is_not_the_replacement_cost_an_avoided_exit_saves():
    per_exit = analysis.program_cost_per_avoided_exit(TOY).set_index("design")
    # dear: program cost 30, exits avoided (4 + 5 + 3 + 4) / 4 = 4: 7.5 per avoided exit ...
    assert per_exit.loc["dear", "program_cost_per_avoided_exit"] == pytest.approx(7.5)
    assert per_exit.loc["cheap", "program_cost_per_avoided_exit"] == pytest.approx(10)
    # ... while each avoided exit saves 40 / 4 = 10 of turnover cost (the money table's measure)
    dear = measures(analysis.money_table(TOY), "dear")
    assert dear.loc[analysis.ASSUMED_COST_PER_EXIT, "value"] == pytest.approx(10)
    assert dear.loc["break_even_cost_per_exit", "value"] == pytest.approx(7.5)


def test_program_cost_per_avoided_exit_is_undefined_when_no_exit_is_avoided():
    same = TOY.assign(exits_total=10)
    table = analysis.program_cost_per_avoided_exit_interval(same, resamples=200)
    assert table["program_cost_per_avoided_exit"].isna().all()
    assert set(table["note"]) == {"no exit avoided on average: undefined"}
    assert np.isinf(table["ci_high"]).all()  # no resample avoids an exit


def test_program_cost_per_avoided_exit_has_a_paired_bootstrap_interval_around_it():
    table = analysis.program_cost_per_avoided_exit_interval(TOY, resamples=500).set_index("design")
    dear = table.loc["dear"]
    assert dear["ci_low"] <= dear["program_cost_per_avoided_exit"] <= dear["ci_high"]
    assert np.isfinite(dear["ci_high"])  # dear avoids an exit on every seed


def test_money_against_any_design_is_paired_too():
    money = analysis.money_table(TOY, against="cheap")
    assert set(money["design"]) == {"baseline", "dear"} and set(money["against"]) == {"cheap"}
    dear = measures(money, "dear")
    # against cheap: avoided 30, 30, 30, 30; extra cost 20; net 10 on every seed
    assert dear.loc["turnover_cost_avoided", "value"] == pytest.approx(30)
    assert dear.loc["program_cost", "value"] == pytest.approx(20)
    assert dear.loc["net_benefit", ["value", "ci_low", "ci_high"]].tolist() == pytest.approx(
        [10, 10, 10]
    )
    assert dear.loc["roi", "value"] == pytest.approx(0.5)
    base = measures(money, "baseline")  # costs less than the reference: no ROI
    assert (
        np.isnan(base.loc["roi", "value"]) and "costs no more than cheap" in base.loc["roi", "note"]
    )
    assert np.isnan(base.loc["break_even_cost_per_exit", "value"])


def test_payback_is_the_week_from_which_the_cumulative_net_benefit_stays_positive():
    weeks = [0, 1, 2, 3, 4, 5]
    assert analysis.payback_week(weeks, [0, -5, 3, -1, 2, 4]) == 4  # dips back: later crossing
    assert np.isnan(analysis.payback_week(weeks, [0, -5, -3, -1, -2, -4]))  # never
    assert np.isnan(analysis.payback_week(weeks, [0, 5, 3, 1, 2, -4]))  # not at the horizon
    assert analysis.payback_week(weeks, [0, 1, 2, 3, 4, 5]) == 1


@pytest.fixture(scope="module")
def small_run():
    scenario = small_scenario(size=80, years=1.0)
    return scenario, run_scenario(scenario, seeds=[1, 2, 3, 4])


def test_the_weekly_net_benefit_ends_at_the_summary_net_benefit(small_run):
    scenario, results = small_run
    weekly = analysis.net_benefit_by_week(results.series, scenario.launch_week)
    money = analysis.money_table(results.summary, results.series, scenario=scenario)
    last = weekly[weekly["week"] == weekly["week"].max()].iloc[0]
    program = measures(money, "program")
    net = program.loc["net_benefit"]
    assert last["mean"] == pytest.approx(net["value"])
    assert program.loc["net_benefit_y1", "value"] == pytest.approx(net["value"])
    assert program.loc["net_benefit_y1", "median"] == pytest.approx(net["median"])
    assert weekly["weeks_since_launch"].min() == 0 and last["weeks_since_launch"] == 52
    for k in (2, 3):  # the run is one year long: said, not made up
        assert np.isnan(program.loc[f"net_benefit_y{k}", "value"])
        assert program.loc[f"net_benefit_y{k}", "note"] == f"the run ends before year {k}"
    payback = program.loc["payback_week"]
    expected = analysis.payback_week(weekly["weeks_since_launch"], weekly["mean"])
    if program.loc["p_net_positive", "value"] < 0.5:
        assert np.isnan(payback["value"]) and "positive in only" in payback["note"]
    else:
        assert payback["value"] == expected or (np.isnan(payback["value"]) and np.isnan(expected))


def test_money_table_takes_the_launch_week_from_the_scenario_not_a_silent_week_0(small_run):
    scenario, results = small_run
    with pytest.raises(ValueError, match="launch_week or scenario"):
        analysis.money_table(results.summary, results.series)
    by_scenario = results.money(scenario)
    by_week = analysis.money_table(
        results.summary, results.series, launch_week=scenario.launch_week
    )
    pd.testing.assert_frame_equal(by_scenario, by_week)


def test_the_horizon_is_named_with_its_dates():
    scenario = small_scenario(years=1.0).with_changes(
        start_date=pd.Timestamp("2020-08-11").date(), launch_date=pd.Timestamp("2021-08-10").date()
    )
    assert str(analysis.Horizon.of(scenario)) == (
        "52 weeks (1 year) from the launch, 2021-08-10 to 2022-08-09"
    )


def test_money_cells_are_formatted_in_the_currency():
    money = analysis.money_table(TOY.assign(turnover_cost=TOY["turnover_cost"] * 1000.5))
    shown = analysis.money_display(money, "EUR")
    dear = shown["dear"]
    assert dear["turnover cost avoided: median [80% predictive]"].startswith("EUR 40,")
    assert dear["chance net benefit > 0 (share of runs)"] == "100% (4 of 4 paired runs)"
    assert dear["return on investment (net / program cost), same runs"].endswith("%]")
    lines = analysis.break_even_lines(money, "EUR")
    assert lines[1].startswith("dear: mean net benefit is zero when replacing one exit costs EUR 8")


SCENARIO = """
name = "two designs"
years = 1
replicates = 3

[org]
size = 80

[costs]
currency = "{currency}"

[designs.zeta]
cadence_weeks = 2

[designs.alpha]
cadence_weeks = 4
"""


def test_sim_compare_prints_and_writes_the_money_in_the_currency(tmp_path, capsys):
    path = tmp_path / "two.toml"
    path.write_text(SCENARIO.format(currency="EUR"))
    out = tmp_path / "res"
    args = ["compare", str(path), "--quiet", "--out", str(out), "--uncertainty", "replicates"]
    assert main(args) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Money over 52 weeks (1 year) from the launch, 2024-01-01 to 2024-12-30, in EUR" in text
    assert "over 3 paired runs" in text and "80% predictive interval" in text
    for label in (
        "turnover cost avoided",
        "net benefit: median [80% predictive]; mean [95% of mean]",
        "return on investment (net / program cost), same runs",
        "chance net benefit > 0 (share of runs)",
        "payback: weeks after launch (date)",
        "break-even replacement cost per exit",
        "Which design: ranked by the chance of the best net benefit",
        "Most likely best on net benefit:",
    ):
        assert label in text
    # A line per design (alpha may avoid no exit at all in so small a run: "alpha: no ...").
    assert (
        "EUR " in text and "Break-even: Zeta (zeta)" in text and "Break-even: Alpha (alpha)" in text
    )
    assert (out / "ranking.csv").exists()
    money = pd.read_csv(out / "money.csv")
    assert set(money["currency"]) == {"EUR"} and set(money["horizon_weeks"]) == {52}
    assert set(money["against"]) == {"baseline"} and set(money["design"]) == {"zeta", "alpha"}
    assert "replacement_cost_per_avoided_exit" in set(money["measure"])
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Costs and benefits" in page and "Cumulative net benefit" in page and "EUR " in page


def test_sim_compare_against_a_design(tmp_path, capsys):
    path = tmp_path / "two.toml"
    path.write_text(SCENARIO.format(currency="USD"))
    args = ["compare", str(path), "--quiet", "--against", "alpha", "--replicates", "2"]
    assert main([*args, "--out", str(tmp_path / "a"), "--uncertainty", "replicates"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Difference from Alpha (alpha) on the same seeds" in text
    assert "each design minus Alpha (alpha) on the same seeds" in text
    diff = pd.read_csv(tmp_path / "a" / "differences.csv")
    assert set(diff["design"]) == {"baseline", "zeta"} and set(diff["against"]) == {"alpha"}
    money = pd.read_csv(tmp_path / "a" / "money.csv")
    assert set(money["design"]) == {"baseline", "zeta"}
    assert main(["compare", str(path), "--quiet", "--against", "alpah"]) == 2
    err = capsys.readouterr().err
    assert "--against alpah: not a design of this run; did you mean alpha?" in err


def test_the_currency_is_validated_and_in_the_template():
    assert loads_scenario('[costs]\ncurrency = "IDR"\n').costs.currency == "IDR"
    for bad in ("usd", "Dollar", "US$", ""):
        with pytest.raises(InputError) as err:
            loads_scenario(f'[costs]\ncurrency = "{bad}"\n')
        assert "costs.currency" in str(err.value) and "ISO 4217" in str(err.value)
    assert '\ncurrency = "USD"\n' in scenario_template()


def test_designs_keep_the_scenario_order_in_money_and_differences():
    scenario = small_scenario(
        size=60,
        years=0.5,
        designs=(ProgramDesign(name="zeta"), ProgramDesign(name="alpha", cadence_weeks=4)),
    )
    results = run_scenario(scenario, seeds=[1, 2])
    money = results.money(scenario)
    assert list(analysis.money_display(money, "USD").columns) == ["zeta", "alpha"]
    titles = analysis.design_titles(scenario)
    shown = analysis.money_display(money, "USD", titles=titles)
    assert list(shown.columns) == ["Zeta (zeta)", "Alpha (alpha)"]


def test_year_k_net_benefit_uses_the_headlines_bootstrap_not_a_t_interval():
    """Nine paired runs gain nothing and one gains 1,000: a t-interval of the mean reaches
    below zero, which no resample's mean can; the bootstrap stays inside the runs' range."""
    from sim.analysis.money import _horizons

    nets = np.array([0.0] * 9 + [1000.0])
    yearly = pd.DataFrame({"design": "p", "seed": np.arange(10), "week": 52 + 52, "net": nets})
    rows = {m: value for m, value, _, _ in _horizons(yearly, "p", 52, 0.95, 2000, 7)}
    mean, low, high = rows["net_benefit_y1"]
    assert mean == 100.0 and 0.0 <= low < mean < high <= 1000.0
    assert _horizons(yearly, "p", 52, 0.95, 2000, 7) == _horizons(yearly, "p", 52, 0.95, 2000, 7)
