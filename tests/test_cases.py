"""The built-in cases by name, from any folder: `sim run telecom`, `load_scenario("telecom")`."""

import subprocess
import sys

import pandas as pd
import pytest

from sim.cli.main import main
from sim.errors import InputError
from sim.scenario.cases import CASES_DIR, case_names, case_source
from sim.scenario.loading import load_scenario


def test_every_case_file_is_a_case_and_loads_by_name_from_another_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert case_names() == sorted(p.stem for p in CASES_DIR.glob("*.toml"))
    assert {"telecom", "pershing", "surabaya", "hartford", "ge1999"} <= set(case_names())
    for name in case_names():
        assert load_scenario(name).name == name
    assert load_scenario("telecom.toml").name == "telecom"


def test_sim_run_telecom_works_outside_the_repository(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "sim", "run", "telecom", "--years", "0.2", "--replicates", "2"]
        + ["--quiet", "--out", "res"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Scenario 'telecom'" in result.stdout
    assert set(pd.read_csv(tmp_path / "res" / "summary.csv")["design"]) == {
        "baseline",
        "reverse_mentoring",
    }


def test_sim_compare_pershing_works_outside_the_repository(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    args = ["compare", "pershing", "--years", "0.1", "--replicates", "2", "--quiet"]
    assert main([*args, "--out", "res"]) == 0, capsys.readouterr().err
    assert "Scenario 'pershing'" in capsys.readouterr().out
    assert (tmp_path / "res" / "differences.csv").exists()


def test_a_local_file_wins_over_a_case_of_the_same_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "telecom.toml").write_text('name = "mine"\n[designs.p]\n')
    assert load_scenario("telecom.toml").name == "mine"
    assert load_scenario("telecom").name == "telecom"  # no file called "telecom" here


def test_a_name_that_is_neither_a_file_nor_a_case_lists_the_cases(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as err:
        load_scenario("telecon")
    (problem,) = err.value.problems
    cases = ", ".join(case_names())
    assert str(problem) == (
        f"telecon: no such scenario file or case; cases: {cases}; did you mean telecom?"
    )
    assert main(["run", "pershng", "--quiet"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"pershng: no such scenario file or case; cases: {cases}; did you mean pershing?"
    )


def test_a_folder_is_named_as_a_folder_not_a_missing_file(tmp_path, monkeypatch):
    # The user's report: a folder got "no such scenario file; did you mean <the same name>?".
    monkeypatch.chdir(tmp_path)
    (tmp_path / "study.toml").mkdir()
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "a.toml").write_text("")
    with pytest.raises(InputError) as err:
        load_scenario("study.toml")
    assert [str(p) for p in err.value.problems] == [
        "study.toml: is a folder, not a scenario file; give the path of a .toml file"
    ]
    with pytest.raises(InputError, match="runs: is a folder, not a scenario file; scenario files"):
        load_scenario("runs")


def test_sim_cases_lists_each_case_on_one_line_with_its_source(capsys):
    assert main(["cases"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "sim run" in lines[0]
    rows = lines[1:]
    assert [r.split()[0] for r in rows] == case_names()
    assert all(len(r) <= 100 for r in rows)
    pershing = next(r for r in rows if r.split()[0] == "pershing")
    assert "Harvard Business Review (2019)" in pershing
    assert case_source("ge1999").startswith("GE, 1999 (widely reported;")
