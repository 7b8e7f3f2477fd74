"""Causal accounting (`sim explain`): Shapley shares of a design's effect over the pathways."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from helpers import small_scenario
from sim.cli.main import main
from sim.model.observe import PROGRAM_COLUMNS
from sim.runs.replicates import run_one, run_scenario
from sim.scenario.design import ProgramDesign
from sim.studies.explain import PATHWAYS, TOTAL, explain, shapley, with_switches
from sim.viz.explain_plot import explain_figure, explain_tables

# The program's own columns: they count sessions, which run whatever the switches say.
OWN = {
    *PROGRAM_COLUMNS,
    "sessions_per_pair",
    "program_cost",
    "mean_listening",
    "pairs_formed",
    "sessions_held",
    "unpaired_mentees_max",
    "program_hours",
    "mentor_retention_52w",
    "scenario_hash",  # the switches are part of the scenario
}
TWO_WAY = ProgramDesign(name="two_way", two_way=True, mentee_levels=None, duration_weeks=None)
ONE_WAY = ProgramDesign(name="one_way", two_way=False, mentee_levels=None, duration_weeks=None)
OUTCOMES = ["turnover_junior_y1", "engagement_junior_end", "leadership_fluency_end"]


# The network pathways are weightless in most tests here (inert: not toggled, share exactly
# 0), which keeps them at 2^5 combinations; test_the_network_pathways_are_toggled_... runs
# all seven.
WEIGHTLESS = {"dynamics.engagement.w_net": 0.0, "dynamics.engagement.rho_v": 0.0}


def scenario(*designs, size=60, network=False):
    s = small_scenario(size=size, years=1.0, designs=designs or (TWO_WAY, ONE_WAY))
    return s if network else s.with_overrides(WEIGHTLESS)


NET_INERT = {
    "network_climate": "w_net is 0 in the scenario",
    "peer_voice": "rho_v is 0 in the scenario",
}


def test_every_pathway_off_is_the_baseline_run_outside_the_programs_own_columns():
    s = scenario()
    off = with_switches(s, dict.fromkeys(PATHWAYS, False))
    series_off, row_off, _ = run_one(off, "two_way", 0, 11)
    series_base, row_base, _ = run_one(s, "baseline", 0, 11)
    assert row_off["sessions_held"] > 0  # the program ran its sessions
    for c in series_base.columns:
        if c not in OWN and c != "design":
            assert series_off[c].equals(series_base[c]), c
    shared = [c for c in row_base if c not in OWN and c != "design"]
    assert len(shared) > 15
    for c in shared:  # so v(empty) = 0 exactly, which explain relies on
        a, b = row_off[c], row_base[c]
        assert a == b or (pd.isna(a) and pd.isna(b)), c


def test_shapley_of_an_additive_game_is_each_players_own_part():
    parts = np.array([0.3, -0.1, 0.05])
    game = np.array([sum(parts[i] for i in range(3) if m >> i & 1) for m in range(8)])
    np.testing.assert_allclose(shapley(game), parts, atol=1e-15)


def test_shapley_matches_the_definition_over_orderings_and_adds_up():
    rng = np.random.default_rng(3)
    game = rng.normal(size=(16, 4))  # four independent games of four players
    game[0] = 0.0
    by_orderings = np.zeros((4, 4))
    for order in itertools.permutations(range(4)):
        mask = 0
        for player in order:
            by_orderings[player] += game[mask | 1 << player] - game[mask]
            mask |= 1 << player
    by_orderings /= math.factorial(4)
    phi = shapley(game)
    np.testing.assert_allclose(phi, by_orderings, atol=1e-12)
    np.testing.assert_allclose(phi.sum(axis=0), game[-1], atol=1e-12)


@pytest.fixture(scope="module")
def explained():
    return explain(scenario(), replicates=3, outcomes=OUTCOMES)


def test_shares_add_up_to_the_total_in_every_replicate(explained):
    shares = explained.shares
    assert set(shares["pathway"]) == {*PATHWAYS, TOTAL}
    parts = shares[shares["pathway"] != TOTAL].groupby(["design", "outcome", "replicate"])["share"]
    total = shares[shares["pathway"] == TOTAL].set_index(["design", "outcome", "replicate"])
    gap = (parts.sum() - total["share"]).abs()
    assert len(gap) == 2 * 3 * 3 and gap.max() <= 1e-12
    moved = shares[(shares["pathway"] == "learning") & (shares["outcome"] == OUTCOMES[2])]
    assert (moved["share"] > 0).all()  # leaders' learning lifts leadership fluency


def test_the_total_is_the_designs_paired_difference_on_the_same_seeds(explained):
    s = scenario()
    runs = run_scenario(s, seeds=explained.seeds).summary.set_index(["design", "seed"])
    total = explained.shares[explained.shares["pathway"] == TOTAL]
    for t in total.itertuples():
        expected = (
            runs.loc[(t.design, t.seed), t.outcome] - runs.loc[("baseline", t.seed), t.outcome]
        )
        assert t.share == expected


def test_growth_is_exactly_zero_for_a_one_way_design_and_leaving_it_out_changes_nothing(
    explained,
):
    full = explain(scenario(ONE_WAY), replicates=3, outcomes=OUTCOMES, skip_inert=False)
    assert full.toggled["one_way"] == PATHWAYS and full.runs == 3 + 3 * 127
    growth = full.shares[full.shares["pathway"] == "growth"]
    assert len(growth) == 9 and (growth["share"] == 0.0).all()
    quick = explained.shares[explained.shares["design"] == "one_way"].reset_index(drop=True)
    assert explained.toggled["one_way"] == ("listening", "learning", "voice", "mentee_impulse")
    assert explained.inert["one_way"] == {
        "growth": "no two-way exchange in this design",
        **NET_INERT,
    }
    np.testing.assert_allclose(full.shares["share"], quick["share"], rtol=0, atol=1e-12)
    # ... while a two-way design's growth is toggled, and carries something.
    two_way = explained.shares[
        (explained.shares["design"] == "two_way") & (explained.shares["pathway"] == "growth")
    ]
    assert (two_way["share"] != 0).any()


def test_the_network_pathways_are_toggled_when_they_have_weight_and_add_up():
    result = explain(scenario(ONE_WAY, network=True), replicates=1, outcomes=OUTCOMES[:2])
    assert result.toggled["one_way"] == tuple(p for p in PATHWAYS if p != "growth")
    assert result.runs == 1 + 63  # 2^6 combinations, the all-off one being the baseline
    shares = result.shares
    parts = shares[shares["pathway"] != TOTAL].groupby("outcome")["share"].sum()
    total = shares[shares["pathway"] == TOTAL].set_index("outcome")["share"]
    np.testing.assert_allclose(parts[total.index], total, rtol=0, atol=1e-12)
    net = shares[shares["pathway"].isin(["network_climate", "peer_voice"])]
    assert (net[net["outcome"] == "engagement_junior_end"]["share"] > 0).all()
    weightless = explain(scenario(ONE_WAY), replicates=1, outcomes=OUTCOMES[:1])
    assert weightless.inert["one_way"]["network_climate"] == "w_net is 0 in the scenario"
    assert weightless.inert["one_way"]["peer_voice"] == "rho_v is 0 in the scenario"


def test_a_pathway_the_scenario_switches_off_stays_off_and_gets_zero():
    s = with_switches(scenario(TWO_WAY), {"voice": False})
    result = explain(s, replicates=2, outcomes=["engagement_junior_end"])
    assert result.inert["two_way"] == {"voice": "switched off in the scenario", **NET_INERT}
    assert result.runs == 2 + 2 * 15
    voice = result.shares[result.shares["pathway"] == "voice"]["share"]
    assert (voice == 0.0).all()
    summary = result.summary()
    row = summary[summary["pathway"] == "voice"].iloc[0]
    assert row["note"] == "switched off in the scenario" and row["mean"] == 0.0


def test_observation_extras_are_not_run_and_change_no_share(monkeypatch):
    from dataclasses import replace

    import sim.runs.replicates

    def never(*args, **kwargs):
        raise AssertionError("explain ran a mentor counterfactual")

    monkeypatch.setattr(sim.runs.replicates, "mentor_counterfactual", never)
    plain = scenario(ONE_WAY)
    extras = plain.with_changes(
        observation=replace(plain.observation, mentor_counterfactual=True, record_people=True)
    )
    a = explain(plain, replicates=2, outcomes=["turnover_junior_y1"])
    b = explain(extras, replicates=2, outcomes=["turnover_junior_y1"])
    assert a.runs == b.runs == 2 * 16
    pd.testing.assert_frame_equal(a.shares, b.shares)


def test_summary_intervals_and_percent_of_total(explained):
    summary = explained.summary()
    assert len(summary) == 2 * 3 * 8  # designs x outcomes x (pathways + total)
    row = summary[
        (summary["design"] == "two_way")
        & (summary["outcome"] == "leadership_fluency_end")
        & (summary["pathway"] == "learning")
    ].iloc[0]
    shares = explained.shares
    values = shares[
        (shares["design"] == "two_way")
        & (shares["outcome"] == "leadership_fluency_end")
        & (shares["pathway"] == "learning")
    ]["share"]
    assert row["mean"] == pytest.approx(values.mean())
    assert row["ci_low"] < row["mean"] < row["ci_high"] and row["n"] == 3
    pct = summary[(summary["design"] == "two_way") & (summary["outcome"] == OUTCOMES[2])]
    assert pct[pct["pathway"] != TOTAL]["percent_of_total"].sum() == pytest.approx(100.0)


def test_figure_and_table_are_drawn_from_the_summary(explained):
    summary = explained.summary()
    fig = explain_figure(summary)
    assert len(fig.axes) == 3 * 2  # outcomes x designs
    ax = fig.axes[0]
    total = summary.iloc[7]  # two_way, turnover_junior_y1, total
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert [line.get_xdata()[0] for line in dashed] == [pytest.approx(100 * total["mean"])]
    tables = explain_tables(summary)
    assert list(tables) == ["two_way", "one_way"]
    assert tables["one_way"].loc["growth (two-way)"].tolist() == ["0 (cannot act)"] * 3
    assert list(tables["two_way"].columns)[0] == "junior turnover, year 1 (pp)"


def test_bad_outcomes_and_designs_are_input_errors():
    from sim.errors import InputError

    with pytest.raises(InputError) as err:
        explain(scenario(), replicates=1, outcomes=["program_cost", "turnover_junior_y3", "x"])
    text = str(err.value)
    assert "program_cost: counts the program itself" in text
    assert "turnover_junior_y3: the scenario simulates 1 complete year after the launch" in text
    assert "--outcomes x: not a summary outcome" in text
    with pytest.raises(InputError, match="split digital_relevance_end instead"):
        explain(scenario(), replicates=1, outcomes=["digital_relevance_effect_end"])
    with pytest.raises(InputError, match="counts the program itself"):
        explain(scenario(), replicates=1, outcomes=["mentor_retention_effect_52w"])
    with pytest.raises(InputError, match="did you mean turnover_junior_y1"):
        explain(scenario(), replicates=1, outcomes=["turnover_junor_y1"])
    with pytest.raises(InputError, match="--designs nope: no such design; designs: two_way"):
        explain(scenario(), designs=["nope"], replicates=1)


# --- the command ------------------------------------------------------------------------------
SMALL = """name = "small"
years = 1
replicates = 2
[org]
size = 80
[dynamics.engagement]
w_net = 0
rho_v = 0
[designs.one_way]
mentee_levels = "all"
duration_weeks = "ongoing"
"""


@pytest.fixture
def small_file(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text(SMALL)
    return path


def test_explain_is_identical_with_one_and_two_workers(small_file, tmp_path, capsys):
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}"
        args = ["explain", str(small_file), "--replicates", "3", "--workers", workers, "--quiet"]
        assert main([*args, "--out", str(out)]) == 0
        outs.append(out)
    for name in ("explain.csv", "explain_summary.csv"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes()
    assert (outs[0] / "explain.png").stat().st_size > 10_000
    printed = capsys.readouterr().out
    assert "growth (two-way): exactly 0, not toggled" in printed
    assert "Design 'one_way'" in printed and "total effect" in printed
    assert "3 replicate seeds, 48 runs of 52 weeks" in printed  # 3 x (1 + 15)
    tidy = pd.read_csv(outs[0] / "explain.csv")
    assert list(tidy.columns) == ["design", "outcome", "pathway", "replicate", "seed", "share"]
    assert len(tidy) == 1 * 2 * 8 * 3  # designs x outcomes x (pathways + total) x replicates


def test_explain_errors_are_one_line_with_exit_2(small_file, tmp_path, capsys):
    assert main(["explain", str(small_file), "--designs", "nope", "--quiet"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "--designs nope: no such design; designs: one_way"
    ]
    out = tmp_path / "taken"
    out.mkdir()
    (out / "mine.txt").write_text("keep")
    assert main(["explain", str(small_file), "--quiet", "--out", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "already exists" in err[0]
    assert (out / "mine.txt").read_text() == "keep"


def test_explain_help(capsys):
    with pytest.raises(SystemExit) as done:
        main(["explain", "--help"])
    text = capsys.readouterr().out
    assert done.value.code == 0 and "usage: sim explain" in text
    for words in ("Shapley", "--replicates", "--workers", "--all-pathways", "explain.csv"):
        assert words in text


def test_compare_explain_adds_the_section_to_the_output_and_the_report(small_file, tmp_path):
    out = tmp_path / "c"
    code = main(["compare", str(small_file), "--explain", "--workers", "1", "--quiet",
                 "--uncertainty", "replicates", "--out", str(out)])  # fmt: skip
    assert code == 0
    report = (out / "report.html").read_text()
    assert "Which pathway carries the effect" in report and "mentors&#x27; voice" in report
    summary = pd.read_csv(out / "explain_summary.csv")
    diff = pd.read_csv(out / "differences.csv").set_index(["design", "outcome"])
    total = summary[(summary["pathway"] == TOTAL) & (summary["outcome"] == "turnover_junior_y1")]
    # The same seeds as the comparison: the total is its paired difference.
    assert total["mean"].iloc[0] == pytest.approx(
        diff.loc[("one_way", "turnover_junior_y1"), "difference"], abs=1e-15
    )
    assert (out / "explain.png").is_file() and (out / "explain.csv").is_file()
