"""`sim history`: reading HR history exports, fitting them back, and using the fit in a run."""

import datetime as dt
import re
import tomllib

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.analysis.survey_scale import JOB_RETENTION_SCALE, KNOWN_SCALES
from sim.cli.main import main
from sim.errors import InputError
from sim.history.analyse import analyse
from sim.history.fit import cox_engagement_link, fit_exit_equation
from sim.history.rates import poisson_rate, window_rate
from sim.history.read import ReadOptions, read_history
from sim.history.synth import TrueValues, synthesize_history
from sim.history.values import read_history_values, with_history_draws

AS_OF = dt.date(2026, 6, 30)
TODAY = dt.date(2026, 12, 6)


def export(tmp_path, people=300, years=2.0, seed=0, truth=None, name="h.csv"):
    """A synthetic event-history export on disk and the window's start."""
    table = synthesize_history(people, years, truth=truth, seed=seed, as_of=AS_OF)
    path = tmp_path / name
    table.to_csv(path, index=False)
    return path, AS_OF - dt.timedelta(days=int(round(years * 52)) * 7)


def read(path, **kw):
    return read_history(path, ReadOptions(today=TODAY, **kw))


def test_twenty_synthetic_organisations_cover_the_true_values_at_least_16_times(tmp_path):
    truth = TrueValues(base_junior=0.20, base_senior=0.07, beta_e=1.5)
    keys = {"base_junior": 0.20, "base_senior": 0.07, "beta_e": 1.5}
    covered = dict.fromkeys(keys, 0)
    for seed in range(20):
        path, since = export(tmp_path, people=600, years=2.0, seed=seed, truth=truth)
        fit = fit_exit_equation(read(path, since=since))
        draws = fit.draws(2000, seed)
        for key, true in keys.items():
            lo, hi = np.quantile(draws[f"dynamics.exits.{key}"], [0.05, 0.95])
            covered[key] += bool(lo <= true <= hi)
    assert all(n >= 16 for n in covered.values()), covered


def test_left_truncation_matters_a_window_from_the_first_hire_underestimates(tmp_path):
    path, since = export(tmp_path, people=1500, years=2.0, seed=3)
    right = fit_exit_equation(read(path, since=since)).point()
    wrong = fit_exit_equation(read(path, since=dt.date(1990, 1, 1))).point()
    assert wrong["dynamics.exits.base_junior"] < 0.8 * right["dynamics.exits.base_junior"]
    assert abs(right["dynamics.exits.base_junior"] - 0.16) < 0.03


def test_job_retention_gives_the_hazard_ratio_the_calibration_reports(tmp_path):
    from sim.analysis.survey_scale import job_retention_path

    try:
        path = job_retention_path()
    except InputError as err:
        pytest.skip(f"peopleanalyticsdata is not installed: {err}")
    data = pd.read_csv(path)
    direct = cox_engagement_link(
        pd.DataFrame(
            {"duration": data["month"], "event": data["left"], "score": data["sentiment"]}
        ),
        JOB_RETENTION_SCALE,
    )
    assert direct.coef == pytest.approx(-1.107, abs=0.002)
    assert (direct.ci_low, direct.ci_high) == pytest.approx((-1.351, -0.863), abs=0.002)
    history = read_history(path, ReadOptions(window_months=12, scale="1-10"))
    assert history.shape == "snapshot" and history.times_known
    via_export = analyse(history).link
    assert via_export.coef == pytest.approx(direct.coef, abs=1e-9)
    # No birth years: the figure's second panel shows the survey's score bands instead.
    from sim.history.page import history_figure

    figure = history_figure(history, analyse(history).turnover)
    right = figure.axes[1]
    assert right.get_title().startswith("Staying, by score band")
    assert {line.get_label().split(" (")[0] for line in right.get_lines()} >= {
        "low score",
        "middle score",
        "high score",
    }


def write(tmp_path, text, name="bad.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "employee_id,hire_date,exit_date,level,birth_year,department,engagement\n"
GOOD = "".join(
    f"E{i},2020-0{1 + i % 9}-01,{f'2024-0{1 + i % 9}-15' if i % 3 == 0 else ''},Associate,1990,"
    f"Sales,{50 + i}\n"
    for i in range(12)
)


@pytest.mark.parametrize(
    ("rows", "where", "words"),
    [
        ("X1,2022-05-01,2021-01-01,Associate,1990,Sales,60\n", ":14", "before hire_date"),
        ("X1,2027-05-01,,Associate,1990,Sales,60\n", ":14", "in the future"),
        ("X1,2021-05-01,2027-01-01,Associate,1990,Sales,60\n", ":14", "exit_date 2027-01-01"),
        ("X1,2021-05-01,,Associate,1990,Sales,160\n", ":14", "outside the 0-100 scale"),
        ("X1,05/01/2021,,Associate,1990,Sales,60\n", ":14", "not a date"),
        ("E3,2021-05-01,,Associate,1990,Sales,60\n", ":14", "repeats line 5"),
    ],
)
def test_bad_rows_are_named_by_line_and_column(tmp_path, rows, where, words):
    path = write(tmp_path, HEADER + GOOD + rows)
    with pytest.raises(InputError) as err:
        read(path)
    text = str(err.value)
    assert f"bad.csv{where}" in text and words in text, text


def test_an_exit_after_the_stated_export_date_is_refused(tmp_path):
    path = write(tmp_path, HEADER + GOOD)
    with pytest.raises(InputError, match=r"bad.csv:8: exit_date 2024-07-15 is after the export"):
        read(path, as_of=dt.date(2024, 6, 1))


def test_scores_outside_a_stated_scale_are_refused(tmp_path):
    path = write(tmp_path, HEADER + GOOD)
    with pytest.raises(InputError, match=r"bad.csv:3: engagement 51 is outside the 1-10 scale"):
        read(path, scale="1-10")


def test_a_snapshot_without_a_window_asks_for_one(tmp_path):
    path = write(
        tmp_path, "Attrition,YearsAtCompany,Age,JobLevel\n" + "Yes,2,30,1\nNo,5,40,2\n" * 6
    )
    with pytest.raises(InputError, match=r"--window-months: the export is a snapshot \(Attrition"):
        read(path)


def test_missing_columns_name_the_column_and_the_near_miss(tmp_path):
    path = write(tmp_path, "employee_id,hire_date,exit_dat\nE1,2020-01-01,\n")
    with pytest.raises(InputError, match=r"missing column exit_date.*did you mean 'exit_dat'"):
        read(path)
    path = write(tmp_path, "id,start,level\nE1,2020-01-01,1\n")
    with pytest.raises(InputError, match="cannot tell the export's shape"):
        read(path)


def test_one_person_and_all_left_files_are_refused(tmp_path):
    one = write(tmp_path, HEADER + "E1,2020-01-01,2024-01-01,Associate,1990,Sales,60\n")
    with pytest.raises(InputError, match="1 person in the file or its window: too few"):
        read(one)
    gone = "".join(
        f"E{i},2020-01-01,2024-0{1 + i % 9}-01,Associate,1990,Sales,60\n" for i in range(12)
    )
    with pytest.raises(InputError, match="everyone in the file left"):
        read(write(tmp_path, HEADER + gone))
    stayed = "".join(f"E{i},2020-01-01,,Associate,1990,Sales,60\n" for i in range(12))
    with pytest.raises(InputError, match="no one in the file has left"):
        read(write(tmp_path, HEADER + stayed))


def test_bom_crlf_and_semicolons_read_as_a_plain_export(tmp_path):
    path, since = export(tmp_path, people=200)
    text = path.read_text(encoding="utf-8")
    odd = tmp_path / "odd.csv"
    odd.write_bytes(b"\xef\xbb\xbf" + text.replace(",", ";").replace("\n", "\r\n").encode())
    plain, other = read(path, since=since), read(odd, since=since)
    pd.testing.assert_frame_equal(plain.people, other.people)


def test_snapshot_in_the_public_attrition_shape(tmp_path):
    rng = np.random.default_rng(1)
    n = 400
    satisfaction = rng.integers(1, 5, n)
    left = rng.random(n) < 0.25 - 0.04 * (satisfaction - 2.5)
    table = pd.DataFrame(
        {
            "EmployeeNumber": np.arange(n),
            "Attrition": np.where(left, "Yes", "No"),
            "YearsAtCompany": rng.integers(0, 15, n),
            "Age": rng.integers(20, 60, n),
            "JobLevel": rng.choice(["1", "2", "3", "4", "5"], n),
            "Department": rng.choice(["Sales", "R&D"], n),
            "JobSatisfaction": satisfaction,
        }
    )
    table.to_csv(tmp_path / "ibm.csv", index=False)
    history = read(tmp_path / "ibm.csv", window_months=12, scale="1-4", senior_levels=("4", "5"))
    assert history.shape == "snapshot" and not history.times_known
    result = analyse(history)
    assert result.link is None and "discrete-time" in result.fit.form
    assert set(result.values) >= {"dynamics.exits.base_junior", "dynamics.exits.beta_e"}
    assert result.values["dynamics.exits.beta_e"] > 0


def test_sim_history_writes_aggregates_only_and_suppresses_small_groups(tmp_path, capsys):
    path, since = export(tmp_path, people=400)
    table = pd.read_csv(path, keep_default_na=False)
    table.loc[:2, "level"] = "Intern"  # a level of three people: a group under five
    table.to_csv(path, index=False)
    out = tmp_path / "out"
    assert main(["history", str(path), "--out", str(out), "--since", str(since)]) == 0
    printed = capsys.readouterr().out
    assert "read as an event history" in printed and "left truncation" in printed
    files = {p.name for p in out.iterdir()}
    assert {"history.toml", "history.html", "history.png", "turnover.csv"} <= files
    turnover = pd.read_csv(out / "turnover.csv", keep_default_na=False)
    boomers = turnover[turnover["group"] == "Intern"].iloc[0]
    assert boomers["annual_rate"] == "" and "fewer than 5" in boomers["note"]
    ids = set(table["employee_id"])
    for name in ("history.toml", "history.html", "turnover.csv"):
        text = (out / name).read_text(encoding="utf-8")
        assert not ids & set(re.findall(r"E\d{6}", text)), name
    values = tomllib.loads((out / "history.toml").read_text(encoding="utf-8"))
    assert values["source"]["shape"] == "event history"
    assert len(values["draws"]["dynamics.exits.beta_e"]) == 400
    assert main(["history", str(path), "--out", str(out), "--since", str(since)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_history_toml_is_the_same_for_the_same_export(tmp_path):
    path, since = export(tmp_path, people=300)
    texts = []
    for name in ("a", "b"):
        assert (
            main(["history", str(path), "--out", str(tmp_path / name), "--since", str(since)]) == 0
        )
        texts.append((tmp_path / name / "history.toml").read_text(encoding="utf-8"))
    assert texts[0] == texts[1]


def test_history_draws_replace_only_the_fitted_columns_of_the_posterior(tmp_path):
    path, since = export(tmp_path, people=300)
    main(["history", str(path), "--out", str(tmp_path / "o"), "--since", str(since)])
    history = read_history_values(tmp_path / "o" / "history.toml")
    posterior = pd.read_csv("scenarios/posterior.csv")
    merged = with_history_draws(posterior, history, seed=1)
    for key in posterior.columns:
        if key in history.values:
            assert set(merged[key]) <= set(history.draws[key])
        else:
            assert merged[key].equals(posterior[key])


def test_a_broken_history_file_is_named_with_its_key(tmp_path):
    bad = write(tmp_path, "[dynamics.exits]\nbase_junior = 1.5\nbeta_x = 1\n", "history.toml")
    with pytest.raises(InputError) as err:
        read_history_values(bad)
    text = str(err.value)
    assert "dynamics.exits.base_junior: found 1.5; allowed: 0 to 0.99" in text
    assert "dynamics.exits.beta_x: not a value a history sets" in text


@settings(max_examples=60)
@given(exits=st.integers(0, 500), extra=st.floats(0.5, 1e4))
def test_a_rate_lies_inside_its_interval_and_between_0_and_1(exits, extra):
    for rate, lo, hi in (
        poisson_rate(exits, extra),
        window_rate(min(exits, 50), 50, extra / 1e3 + 0.1),
    ):
        assert 0 <= lo <= rate <= hi <= 1


def test_sim_compare_with_history_draws_its_values_from_the_history(tmp_path, capsys):
    path, since = export(tmp_path, people=300)
    main(["history", str(path), "--out", str(tmp_path / "o"), "--since", str(since)])
    sets = ["--set", "org.size=40", "--years", "0.05", "--replicates", "2", "--quiet"]
    toml = str(tmp_path / "o" / "history.toml")
    assert main(["compare", "telecom", *sets, "--history", toml, "--out", str(tmp_path / "c")]) == 0
    printed = capsys.readouterr().out
    assert "replaced by draws from your history" in printed
    summary = pd.read_csv(tmp_path / "c" / "summary.csv")
    assert summary["posterior_particle"].notna().all()


def test_sim_run_with_history_uses_its_values_and_says_where_numbers_came_from(tmp_path, capsys):
    path, since = export(tmp_path, people=300)
    main(["history", str(path), "--out", str(tmp_path / "o"), "--since", str(since)])
    history = read_history_values(tmp_path / "o" / "history.toml")
    sets = ["--set", "org.size=60", "--years", "0.1", "--replicates", "2", "--quiet"]
    toml = str(tmp_path / "o" / "history.toml")
    assert main(["run", "telecom", *sets, "--history", toml, "--out", str(tmp_path / "r")]) == 0
    printed = capsys.readouterr().out
    assert "From your organisation's history" in printed
    assert "From the published calibration" in printed and "beta_c" in printed
    import json

    scenario = json.loads((tmp_path / "r" / "manifest.json").read_text())["scenario"]
    fitted = history.values["dynamics.exits.beta_e"]
    assert scenario["dynamics"]["exits"]["beta_e"] == pytest.approx(fitted)
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    assert manifest["history"]["values"] == history.values


def test_known_scales_are_the_ones_the_help_offers():
    assert set(KNOWN_SCALES) == {"1-4", "1-5", "1-10", "0-100"}


def test_a_value_the_user_sets_is_credited_to_them_not_to_the_history(tmp_path, capsys):
    path, since = export(tmp_path, people=300)
    main(["history", str(path), "--out", str(tmp_path / "o"), "--since", str(since)])
    toml = str(tmp_path / "o" / "history.toml")
    sets = ["--set", "org.size=60", "--set", "dynamics.exits.beta_e=1.23", "--years", "0.1"]
    args = ["run", "telecom", *sets, "--replicates", "2", "--quiet", "--history", toml]
    assert main([*args, "--out", str(tmp_path / "r")]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    history_line = printed.split("From your organisation's history", 1)[1]
    assert "base_junior =" in history_line.split("From the published")[0]
    assert "beta_e =" not in history_line.split("From the published")[0]
    assert "own values for beta_e: they win over the history's" in printed
