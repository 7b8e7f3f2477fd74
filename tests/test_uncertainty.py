"""`sim compare --uncertainty posterior`: designs over posterior draws as well as replicates."""

import pandas as pd

from sim.cli.main import main

SCENARIO = """years = 0.3
replicates = 4
[org]
size = 60
[designs.program]
cadence_weeks = 2
"""


def _posterior(path):
    pd.DataFrame(
        {
            "weight": [0.5, 0.5, 0.0],
            "dynamics.exits.beta_e": [0.8, 2.0, 1.0],
            "dynamics.engagement.a_climate": [0.02, 0.07, 0.05],
        }
    ).to_csv(path, index=False)
    return path


def test_posterior_uncertainty_runs_each_replicate_on_its_own_draw(tmp_path, capsys):
    (tmp_path / "s.toml").write_text(SCENARIO)
    post = _posterior(tmp_path / "post.csv")
    args = ["compare", str(tmp_path / "s.toml"), "--quiet", "--uncertainty", "posterior"]
    assert main([*args, "--posterior", str(post), "--out", str(tmp_path / "a")]) == 0
    out = capsys.readouterr().out
    assert "Uncertainty shown: parameter uncertainty and run noise" in out
    summary = pd.read_csv(tmp_path / "a" / "summary.csv")
    # Every design of a replicate shares its draw and seed; the zero-weight particle never runs.
    per_rep = summary.groupby("replicate")[["posterior_particle", "seed"]].nunique()
    assert (per_rep == 1).all().all() and len(per_rep) == 4
    assert set(summary["posterior_particle"]) <= {0, 1}
    # The draw's values reached the model: the two particles give two scenario hashes.
    by_particle = summary.groupby("posterior_particle")["scenario_hash"].nunique()
    assert (by_particle == 1).all() and summary["scenario_hash"].nunique() == len(by_particle)
    report = (tmp_path / "a" / "report.html").read_text()
    assert "Uncertainty shown: parameter uncertainty and run noise" in report
    # The same command again gives the same draws and rows.
    assert main([*args, "--posterior", str(post), "--out", str(tmp_path / "b")]) == 0
    again = pd.read_csv(tmp_path / "b" / "summary.csv")
    pd.testing.assert_frame_equal(
        summary.drop(columns="git_commit"), again.drop(columns="git_commit")
    )


def test_run_shows_replicate_noise_and_compare_the_posterior_by_default(tmp_path, capsys):
    (tmp_path / "s.toml").write_text(SCENARIO)
    code = main(["run", str(tmp_path / "s.toml"), "--quiet", "--replicates", "2",
                 "--out", str(tmp_path / "a")])  # fmt: skip
    assert code == 0
    assert "Uncertainty shown: run noise over replicates only" in capsys.readouterr().out
    assert "posterior_particle" not in pd.read_csv(tmp_path / "a" / "summary.csv")
    code = main(["compare", str(tmp_path / "s.toml"), "--quiet", "--replicates", "2",
                 "--out", str(tmp_path / "b")])  # fmt: skip
    assert code == 0
    assert "Uncertainty shown: parameter uncertainty and run noise" in capsys.readouterr().out
    assert "posterior_particle" in pd.read_csv(tmp_path / "b" / "summary.csv")


def test_a_bad_posterior_file_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "s.toml").write_text(SCENARIO)
    (tmp_path / "bad.csv").write_text("beta_e\n1.0\n")
    bad = str(tmp_path / "bad.csv")
    code = main(["compare", str(tmp_path / "s.toml"), "--quiet", "--uncertainty", "posterior",
                 "--posterior", bad, "--out", str(tmp_path / "a")])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "bad.csv" in err and "weight" in err and "Traceback" not in err
    assert not (tmp_path / "a").exists()
