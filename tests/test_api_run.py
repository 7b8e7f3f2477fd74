"""The results-folder API (`sim.write_results`) writes what `sim run` and `sim compare` write."""

import doctest
import json
import re

import pytest

import sim
from sim.cli.main import main
from sim.errors import InputError
from sim.runs import results_folder
from sim.runs.replicates import run_scenario
from sim.scenario.loading import load_scenario
from sim.viz import results_report

SETS = ["org.size=80", "years=0.3", "replicates=2"]
CREATED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+0-9:]*")


def files(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")}


@pytest.mark.parametrize("command", ["run", "compare"])
def test_write_results_writes_the_same_files_as_the_command(tmp_path, command, capsys):
    sets = [arg for s in SETS for arg in ("--set", s)]
    sets += [
        "--uncertainty",
        "replicates",
    ]  # the point runs run_scenario makes (compare: posterior)
    assert main([command, "telecom", *sets, "--quiet", "--out", str(tmp_path / "cli")]) == 0
    wrote = capsys.readouterr().out.splitlines()[-1]
    scenario = load_scenario("telecom", SETS)
    results = run_scenario(scenario)
    written = sim.write_results(
        results,
        scenario,
        tmp_path / "api",
        against="baseline" if command == "compare" else None,
        manifest_extra={"wall_seconds": 0.0, "uncertainty": "x"},
    )
    assert wrote.startswith(f"Wrote {tmp_path / 'cli'}/ ({', '.join(written.files)}) in ")
    cli, api = files(tmp_path / "cli"), files(tmp_path / "api")
    assert sorted(cli) == sorted(api) and "report.html" in api and "targets.csv" in api
    for name in cli:
        if name.endswith(".csv"):
            assert cli[name] == api[name], name
    cli_report, api_report = (CREATED.sub("TIME", f["report.html"].decode()) for f in (cli, api))
    assert cli_report == api_report
    manifest = json.loads(api["manifest.json"])
    assert manifest["scenario_hash"] == scenario.digest() and manifest["uncertainty"] == "x"


def test_the_scenarios_outputs_choose_the_folder_and_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scenario = load_scenario("telecom", SETS).with_overrides(
        {"outputs.folder": "mine", "outputs.series": False, "outputs.report": False}
    )
    written = sim.write_results(run_scenario(scenario), scenario)
    assert written.folder.name == "mine"
    assert written.files == ["summary.csv", "targets.csv", "manifest.json"]
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == sorted(written.files)


def test_an_existing_folder_is_refused_without_force(tmp_path):
    scenario = load_scenario("telecom", SETS)
    results = run_scenario(scenario, designs=["baseline"])
    results_folder.write_results(results, scenario, tmp_path / "out")
    with pytest.raises(InputError, match="already exists; choose another --out"):
        results_folder.write_results(results, scenario, tmp_path / "out")
    again = results_folder.write_results(results, scenario, tmp_path / "out", force=True)
    assert again.files == ["series.csv", "summary.csv", "targets.csv", "manifest.json"]


@pytest.mark.parametrize("module", [results_folder, results_report])
def test_the_docstring_examples_run(module):
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in doctest.DocTestFinder().find(module, globs=vars(module).copy()):
        runner.run(test)
    assert runner.tries >= 5 and runner.failures == 0
