"""experiments/evidence_engagement_exit.py: the fits, the beta_e prior they give, the check."""

import importlib.util
import json
from pathlib import Path

import pytest

from sim.scenario.priors import BETA_E_EVIDENCE, BETA_E_HI, BETA_E_LO, prior_for

pytest.importorskip("lifelines")
SCRIPT = Path(__file__).resolve().parent.parent / "experiments" / "evidence_engagement_exit.py"


def load_script():
    spec = importlib.util.spec_from_file_location("evidence_engagement_exit", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script():
    return load_script()


@pytest.fixture(scope="module")
def result(script, tmp_path_factory):
    out = tmp_path_factory.mktemp("ev") / "evidence"
    assert script.main(["--out", str(out)]) == 0
    return out, json.loads((out / "evidence.json").read_text())


def test_the_script_reproduces_the_shipped_beta_e_prior(result):
    _, ev = result
    prior = prior_for("dynamics.exits.beta_e")
    assert (ev["prior"]["prior_lo"], ev["prior"]["prior_hi"]) == (BETA_E_LO, BETA_E_HI)
    assert (prior.lo, prior.hi) == (BETA_E_LO, BETA_E_HI)
    cox = ev["fits"][0]
    # The numbers the prior's source quotes.
    assert -cox["log_hazard_per_engagement"] == pytest.approx(1.107, abs=5e-4)
    assert (-cox["ci95_hi"], -cox["ci95_lo"]) == pytest.approx((0.863, 1.351), abs=5e-4)
    assert f"{BETA_E_EVIDENCE.transfer_hi:g}" in prior.source
    assert ev["rows"] == 3770


def test_the_fits_agree_and_more_engagement_means_fewer_exits(result):
    out, ev = result
    fits = {r["model"]: r for r in ev["fits"]}
    assert set(fits) == {"cox", "cox_level_field", "weibull_ph"}
    for r in fits.values():
        assert r["ci95_lo"] < r["log_hazard_per_engagement"] < r["ci95_hi"] < 0
        assert r["hr_ci95_lo"] < r["hazard_ratio_per_engagement"] < r["hr_ci95_hi"] < 1
    # The Weibull and the adjusted Cox fit lie inside the plain Cox fit's interval.
    for name in ("cox_level_field", "weibull_ph"):
        assert fits["cox"]["ci95_lo"] < fits[name]["log_hazard_per_engagement"]
        assert fits[name]["log_hazard_per_engagement"] < fits["cox"]["ci95_hi"]
    assert (out / "km_by_score.png").read_bytes()[:4] == b"\x89PNG"
    assert "hazard_ratio_per_engagement" in (out / "hazard_ratio.csv").read_text()


def test_gallup_check_is_reported_not_fitted(result):
    _, ev = result
    g = ev["gallup_check"]
    assert 0 < g["share_inside_gallup"] <= 1
    assert g["reduction_90"][0] < g["reduction_median"] < g["reduction_90"][1]


def test_refuses_to_overwrite_a_result(script, result, capsys):
    out, _ = result
    with pytest.raises(SystemExit) as caught:
        script.main(["--out", str(out)])
    assert caught.value.code == 2
    assert "--force" in capsys.readouterr().err
