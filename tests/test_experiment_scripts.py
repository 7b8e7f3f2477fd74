"""The experiment scripts run end to end at tiny sizes and write their tables and figures."""

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

EXPERIMENTS = Path(__file__).resolve().parent.parent / "experiments"
TINY = ["--size", "60", "--years", "1", "--quiet"]


def load_script(name):
    spec = importlib.util.spec_from_file_location(name.removesuffix(".py"), EXPERIMENTS / name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_script(name, *args):
    """Call the script's main() in this process (no interpreter start-up per test)."""
    assert load_script(name).main(list(args)) == 0


def is_png(path: Path) -> bool:
    return path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "name",
    ["compare_program_designs.py", "sweep_cadence_commitment.py", "sensitivity.py", "targeting.py"],
)
def test_every_script_has_help_with_the_common_flags(name, capsys):
    with pytest.raises(SystemExit) as done:
        run_script(name, "--help")
    assert done.value.code == 0
    out = capsys.readouterr().out
    for flag in ("--replicates", "--workers", "--out"):
        assert flag in out


def test_compare_program_designs_writes_its_table_and_figure(tmp_path):
    run_script(
        "compare_program_designs.py",
        "--replicates",
        "2",
        "--workers",
        "1",
        *TINY,
        "--out",
        str(tmp_path),
    )
    table = pd.read_csv(tmp_path / "compare_program_designs.csv")
    designs = {
        "baseline",
        "coffee_chats",
        "formal_biweekly",
        "formal_focused",
        "formal_focused_two_way",
        "top_two_levels",
        "four_months",
        "twelve_months",
        "formal_focused_monthly",
        "formal_focused_half_commitment",
        "formal_focused_every_26_weeks",
    }
    assert set(table["design"]) == designs
    pairs = pd.read_csv(tmp_path / "compare_program_designs_contrasts.csv")
    assert list(pairs["against"]) == [
        "formal_biweekly",
        "formal_focused_half_commitment",
        "formal_focused_monthly",
    ]
    assert (pairs["design"] == "formal_focused").all()
    assert (pairs["ci_low"] <= pairs["difference"]).all()
    assert (pairs["difference"] <= pairs["ci_high"]).all()
    assert {
        "turnover_junior_y1",
        "engagement_junior_end",
        "leadership_fluency_end",
        "program_cost",
        "cost_per_avoided_exit",
    } <= set(table["outcome"])
    ok = table[table["outcome"] != "cost_per_avoided_exit"]
    assert (ok["ci_low"] <= ok["mean"]).all() and (ok["mean"] <= ok["ci_high"]).all()
    assert is_png(tmp_path / "compare_program_designs.png")


def test_targeting_compares_every_rule_with_random_at_every_weight(tmp_path, capsys):
    tiny = ["--size", "60", "--years", "2", "--quiet", "--replicates", "2", "--workers", "1"]
    run_script("targeting.py", *tiny, "--out", str(tmp_path))
    table = pd.read_csv(tmp_path / "targeting.csv")
    assert is_png(tmp_path / "targeting.png")
    generated = table[table["org"] == "generated"]
    assert set(generated["rule"]) == {"random", "top_levels", "most_reports", "most_connected"}
    assert generated["weights"].nunique() == 3 and set(table["year"]) == {"year 1", "year 2"}
    random = table[table["rule"] == "random"]
    assert (random["vs_random_pp"] == 0).all()  # random against itself, seed by seed
    # With both network weights 0 the network pathways carry nothing, exactly.
    none = table[table["weights"].str.startswith("none")]
    assert (none["network_carries_pp"] == 0).all()
    assert (table["effect_pp_low"] <= table["effect_pp"]).all()
    out = capsys.readouterr().out
    assert "Rule against random" in out
    assert "holds at every weight" in out or "depends on the weights" in out


def test_targeting_refuses_a_run_too_short_for_year_2(tmp_path, capsys):
    assert load_script("targeting.py").main([*TINY, "--out", str(tmp_path)]) == 2
    assert "--years 1: at least 2" in capsys.readouterr().err


def test_sweep_cadence_commitment_writes_its_grid_and_heatmap(tmp_path):
    run_script(
        "sweep_cadence_commitment.py",
        "--replicates",
        "1",
        "--workers",
        "1",
        *TINY,
        "--out",
        str(tmp_path),
    )
    cells = pd.read_csv(tmp_path / "sweep_cadence_commitment.csv")
    turnover = cells[cells["outcome"] == "turnover_junior_y1"]
    assert len(turnover) == 6 * 5
    # commitment 0 holds no session: every cadence gives the same (baseline) turnover
    zero = turnover[turnover["commitment"] == 0.0]["mean"]
    assert zero.nunique() == 1
    assert is_png(tmp_path / "sweep_cadence_commitment.png")


def test_sensitivity_script_runs_the_ablation_alone_and_writes_its_tables(tmp_path, capsys):
    # --only ablation: the Morris and Sobol part is tested at tiny sizes in
    # tests/test_experiment_sensitivity.py (the quick sample is hundreds of runs).
    args = ["--only", "ablation", "--replicates", "2", "--workers", "1", *TINY]
    run_script("sensitivity.py", *args, "--out", str(tmp_path))
    assert not (tmp_path / "sensitivity").exists()
    abl = tmp_path / "ablation"
    table = pd.read_csv(abl / "ablation.csv")
    assert set(table["variant"]) == {
        "shuffled_ties",
        "no_contagion",
        "no_spillover",
        "no_tie_effects",
    }
    # A one-year run reads year 1.
    outcomes = {"turnover_junior_y1", "engagement_junior_y1", "leadership_fluency_end"}
    assert set(table["outcome"]) == outcomes
    assert set(table["design"]) == {"baseline", "program", "program effect"}
    assert is_png(abl / "ablation.png")
    assert "# Network ablation" in capsys.readouterr().out


def test_a_failed_run_stops_a_script_before_its_table_and_a_rerun_resumes(
    tmp_path, monkeypatch, capsys
):
    import sim.runs.experiment.tasks

    real = sim.runs.experiment.tasks.run_one

    def flaky(scenario, design, replicate, seed, chart, **options):
        if design == "formal_focused_two_way" and replicate == 0:
            raise RuntimeError("boom in the model")
        return real(scenario, design, replicate, seed, chart, **options)

    script = load_script("compare_program_designs.py")
    args = ["--replicates", "2", "--workers", "1", "--out", str(tmp_path), *TINY]
    monkeypatch.setattr(sim.runs.experiment.tasks, "run_one", flaky)
    assert script.main(args) == 1
    err = capsys.readouterr().err
    assert "1 runs failed" in err and "RuntimeError: boom in the model" in err
    assert not (tmp_path / "compare_program_designs.csv").exists()
    monkeypatch.setattr(sim.runs.experiment.tasks, "run_one", real)
    assert script.main(args) == 0
    assert (tmp_path / "compare_program_designs.csv").exists()


def test_bad_input_to_a_script_exits_2_with_the_message(tmp_path, capsys):
    script = load_script("sweep_cadence_commitment.py")
    assert script.main(["--size", "0", "--out", str(tmp_path), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "org.size" in err and "Traceback" not in err


CALIBRATE_TINY = ["--org-size", "40", "--population", "3", "--generations", "2", "--draws", "2",
                  "--workers", "1", "--replicates", "1", "--min-epsilon", "0"]  # fmt: skip


def test_calibrate_stops_part_way_resumes_and_writes_every_file(tmp_path, capsys):
    out = tmp_path / "cal"
    run_script("calibrate.py", *CALIBRATE_TINY, "--out", str(out), "--stop-after-generations", "1")
    assert (out / "abc.db").is_file() and not (out / "posterior.csv").exists()
    run_script("calibrate.py", *CALIBRATE_TINY, "--out", str(out), "--resume")
    written = ["posterior.csv", "posterior.json", "predictive.csv", "generations.csv",
               "posterior_summary.csv", "predictive_summary.csv", "calibration.md",
               "run.json"]  # fmt: skip
    for name in written:
        assert (out / name).is_file(), name
    assert is_png(out / "pairs.png") and is_png(out / "predictive.png")
    assert len(pd.read_csv(out / "generations.csv")) == 2
    pred = pd.read_csv(out / "predictive_summary.csv")
    assert {"telecom", "pershing", "hartford", "surabaya"} <= set(pred["case"])
    report = (out / "calibration.md").read_text()
    assert "Held out: Pershing's mentor retention" in report and "0.96" in report
    # An existing result is not overwritten without --force.
    with pytest.raises(SystemExit) as refused:
        run_script("calibrate.py", *CALIBRATE_TINY, "--out", str(out))
    assert refused.value.code == 2 and "--force" in capsys.readouterr().err


def test_calibrate_takes_one_dask_option_at_a_time(tmp_path, capsys):
    with pytest.raises(SystemExit) as refused:
        load_script("calibrate.py").main(
            ["--scheduler", "tcp://127.0.0.1:1", "--dask-local", "1", "--out", str(tmp_path)]
        )
    assert refused.value.code == 2 and "one of --scheduler" in capsys.readouterr().err
