"""The case files carry the committed posterior's medians, and --library/--install keep it so."""

import importlib.util
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.calibration.case_medians import (
    MARKER,
    carried_values,
    cases_with_medians,
    fit_named,
    median_text,
    posterior_medians,
    rewrite_case_medians,
)
from sim.calibration.posterior import library_posterior_path, read_posterior, read_sidecar
from sim.scenario.cases import CASES_DIR

REPO = Path(__file__).resolve().parent.parent

CASE = f"""name = "x"
[dynamics.exits]
base_junior = 0.2   # a comment that stays
beta_e = 1.0

{MARKER}
# (experiments/calibrate.py --quick, commit 0000000; docs/ODD.md section 11.2), written here
[dynamics.engagement]
a_climate = 0.1
[designs.d]
beta_e = 9   # not the exits table: never touched
"""


def test_every_case_file_carries_the_committed_posteriors_medians():
    medians = posterior_medians(read_posterior(library_posterior_path()))
    commit = read_sidecar(library_posterior_path())["git_commit"][:7]
    cases = cases_with_medians(CASES_DIR)
    assert {p.stem for p in cases} >= {"telecom", "pershing", "hartford", "surabaya"}
    for path in cases:
        text = path.read_text(encoding="utf-8")
        carried = carried_values(text, medians)
        assert {"dynamics.exits.base_junior", "dynamics.exits.beta_e"} <= carried.keys(), path
        wrong = {k: (v, medians[k]) for k, v in carried.items() if v != medians[k]}
        assert not wrong, f"{path.name}: case value vs posterior median {wrong}"
        assert fit_named(text)[1] == commit, path.name


def test_rewrite_changes_only_the_carried_keys_of_their_own_tables():
    medians = {
        "dynamics.exits.base_junior": "0.15",
        "dynamics.exits.beta_e": "1.7",
        "dynamics.engagement.a_climate": "0.12",
        "dynamics.engagement.h": "9.1",  # not in the file: not added
    }
    new = rewrite_case_medians(CASE, medians, "experiments/calibrate.py", "abc1234")
    assert "base_junior = 0.15   # a comment that stays" in new
    assert "\nbeta_e = 1.7\n" in new and "beta_e = 9   # not the exits table" in new
    assert "a_climate = 0.12" in new and "h = " not in new
    assert fit_named(new) == ("experiments/calibrate.py", "abc1234")
    assert len(new.splitlines()) == len(CASE.splitlines())
    assert rewrite_case_medians(new, medians, "experiments/calibrate.py", "abc1234") == new


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=1e-4, max_value=100, allow_nan=False))
def test_a_written_median_reads_back_within_its_three_figures(value):
    text = rewrite_case_medians(CASE, {"dynamics.exits.beta_e": median_text(value)}, "f", "1")
    read = float(carried_values(text, ["dynamics.exits.beta_e"])["dynamics.exits.beta_e"])
    assert abs(read - value) <= 5e-3 * value


def load_calibrate():
    spec = importlib.util.spec_from_file_location("calibrate", REPO / "experiments/calibrate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_install_writes_a_finished_fits_medians_into_every_case(tmp_path, monkeypatch):
    fit = tmp_path / "fit"
    fit.mkdir()
    post = read_posterior(library_posterior_path())
    post["dynamics.exits.beta_e"] = 1.9  # a different posterior: every case must follow it
    post.to_csv(fit / "posterior.csv", index=False)
    calibrate = load_calibrate()
    size = {k: calibrate.FULL[k] for k in ("population", "generations")}  # the default fit
    (fit / "posterior.json").write_text(json.dumps({"git_commit": "feedbee" + "0" * 33, **size}))
    monkeypatch.setattr(calibrate, "REPO", tmp_path)
    shutil.copytree(CASES_DIR, tmp_path / "scenarios")
    assert calibrate.main(["--install", str(fit)]) == 0
    assert read_posterior(tmp_path / "scenarios/posterior.csv").equals(post)
    for path in cases_with_medians(tmp_path / "scenarios"):
        text = path.read_text(encoding="utf-8")
        assert carried_values(text, ["dynamics.exits.beta_e"]) == {"dynamics.exits.beta_e": "1.9"}
        assert fit_named(text) == ("experiments/calibrate.py", "feedbee")


def test_install_without_a_finished_fit_is_a_clear_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as refused:
        load_calibrate().main(["--install", str(tmp_path)])
    assert refused.value.code == 2
    err = capsys.readouterr().err
    assert "no posterior.csv in" in err and "finished fit" in err
