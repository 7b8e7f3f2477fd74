"""The `sim` command as a user meets it: output, files, errors, no tracebacks."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from sim.cli.main import main


def run_cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_run_prints_the_table_and_writes_byte_identical_files(tmp_path):
    args = ["run", "--replicates", "3", "--years", "1", "--quiet"]
    first = run_cli(*args, "--out", str(tmp_path / "a"))
    second = run_cli(*args, "--out", str(tmp_path / "b"))
    assert second.returncode == 0, second.stderr
    assert first.returncode == 0, first.stderr
    assert "junior turnover, year 1" in first.stdout and "baseline" in first.stdout
    for name in ("series.csv", "summary.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    summary = pd.read_csv(tmp_path / "a" / "summary.csv")
    assert set(summary["design"]) == {"baseline", "reverse_mentoring"} and len(summary) == 6
    meta = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert meta["versions"]["mesa"].startswith("3.") and "command" in meta


def test_existing_results_are_not_overwritten(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    code = main(["run", "--replicates", "1", "--years", "0.1", "--quiet", "--out", str(out)])
    assert code == 2
    assert "already exists" in capsys.readouterr().err
    assert (out / "keep.txt").read_text() == "mine"


def test_replicate_seed_reproduces_one_row(tmp_path):
    main(["run", "--replicates", "2", "--years", "0.5", "--quiet", "--out", str(tmp_path / "a")])
    rows = pd.read_csv(tmp_path / "a" / "summary.csv")
    seed = int(rows["seed"].iloc[-1])
    main(
        [
            "run",
            "--replicate-seed",
            str(seed),
            "--years",
            "0.5",
            "--quiet",
            "--out",
            str(tmp_path / "b"),
        ]
    )
    again = pd.read_csv(tmp_path / "b" / "summary.csv")
    cols = [
        "design",
        "seed",
        "turnover_junior_y1" if "turnover_junior_y1" in rows else "leadership_fluency_end",
        "leadership_fluency_end",
    ]
    pd.testing.assert_frame_equal(
        rows[rows["seed"] == seed][cols].reset_index(drop=True), again[cols]
    )


def test_bad_scenario_exits_2_with_one_line_per_problem_and_no_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("replicates = 0\n[designs.p]\ncadance_weeks = 2\n")
    result = run_cli("run", str(bad), "--out", str(tmp_path / "o"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "bad.toml: designs.p.cadance_weeks: unknown key; did you mean cadence_weeks?",
        "bad.toml: replicates: found 0; allowed: a whole number of at least 1",
    ]
    assert "Traceback" not in result.stderr and not (tmp_path / "o").exists()


def test_compare_prints_paired_differences(tmp_path, capsys):
    code = main(
        ["compare", "--replicates", "3", "--years", "1", "--quiet", "--out", str(tmp_path / "c")]
    )
    out = capsys.readouterr().out
    assert code == 0 and "Difference from No program (baseline)" in out
    assert "Money over 52 weeks" in out
    diff = pd.read_csv(tmp_path / "c" / "differences.csv")
    assert set(diff["design"]) == {"reverse_mentoring"}


def test_unknown_design_is_named(capsys):
    assert main(["run", "--designs", "nope", "--quiet"]) == 2
    assert (
        "--designs nope: no such design; designs: baseline, reverse_mentoring"
        in capsys.readouterr().err
    )


def test_template_and_validate(tmp_path, capsys):
    assert main(["scenario", "--template"]) == 0
    path = tmp_path / "t.toml"
    path.write_text(capsys.readouterr().out)
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "a valid scenario" in out and "500 people" in out and "Millennial" in out


@pytest.mark.parametrize(
    "command", [[], ["run"], ["compare"], ["validate"], ["scenario"], ["org", "synth"]]
)
def test_every_command_has_help(command):
    result = run_cli(*command, "--help")
    assert result.returncode == 0 and "usage: sim" in result.stdout


def test_scenario_outputs_choose_the_folder_and_the_files(tmp_path, monkeypatch, capsys):
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        'name = "s"\nyears = 0.2\nreplicates = 2\n[org]\nsize = 120\n'
        '[outputs]\nfolder = "mine/first"\nseries = false\nreport = false\nfigures = "svg"\n'
    )
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(scenario), "--quiet"]) == 0
    out = tmp_path / "mine" / "first"
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == [
        "figures/designs.svg",
        "figures/series.svg",
        "manifest.json",
        "summary.csv",
    ]
    assert (out / "figures" / "series.svg").read_text().lstrip().startswith("<?xml")
    assert "figures/*.svg" in capsys.readouterr().out
    # The folder now exists: a second run refuses it; --out wins over the scenario's folder.
    assert main(["run", str(scenario), "--quiet"]) == 2
    assert main(["run", str(scenario), "--quiet", "--out", "other"]) == 0
    assert (tmp_path / "other" / "summary.csv").exists()


def test_outputs_do_not_change_the_scenario_hash(tmp_path):
    from sim.scenario.loading import loads_scenario

    plain = loads_scenario("[designs.p]\n")
    elsewhere = loads_scenario('[outputs]\nfolder = "x"\nfigures = "png"\n[designs.p]\n')
    assert plain.digest() == elsewhere.digest()


def test_force_replaces_only_results_folders(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    args = ["run", "--replicates", "1", "--years", "0.1", "--quiet", "--force"]
    assert main([*args, "--out", "mine"]) == 2
    assert "is not a results folder" in capsys.readouterr().err
    assert (mine / "notes.txt").read_text() == "keep"
    for here in (".", str(tmp_path), str(tmp_path.parent)):
        assert main([*args, "--out", here]) == 2
        assert "is the current folder or holds it" in capsys.readouterr().err
    assert main([*args, "--out", "res"]) == 0  # a results folder: written, then replaced
    assert main([*args, "--out", "res"]) == 0
    assert (tmp_path / "res" / "manifest.json").exists() and (mine / "notes.txt").exists()
