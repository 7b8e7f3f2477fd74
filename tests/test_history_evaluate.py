"""`sim history --program-starts`: the rollout estimator applied to an organisation's exits."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sim.cli.main import main
from sim.errors import InputError
from sim.history.evaluate import PER_100_PERSON_YEARS, evaluate_program
from sim.history.read import ReadOptions, read_history
from sim.history.starts import read_starts
from sim.planning.assignment import assignment_table
from sim.planning.plans import parse_plans
from sim.runs.output import write_tables

SINCE = dt.date(2023, 7, 1)
AS_OF = dt.date(2026, 6, 30)  # 36 whole months from SINCE
TODAY = dt.date(2026, 12, 6)
DEPARTMENTS = [f"Dept{c}" for c in "ABCDEFGHIJKL"]
# Nine departments start one every two months from month 12 (July 2024); three never.
STARTS = {d: (12 + 2 * i if i < 9 else None) for i, d in enumerate(DEPARTMENTS)}
BASE = 0.015  # juniors' monthly exit probability without the program


def _month_start(m: int) -> dt.date:
    return dt.date(SINCE.year + (SINCE.month - 1 + m) // 12, (SINCE.month - 1 + m) % 12 + 1, 1)


def rollout_history(effect: float, seed: int, juniors: int = 80, tiny: bool = True) -> pd.DataFrame:
    """An event history whose juniors leave with monthly probability BASE, plus `effect` in
    their department's months from its start; a vacancy is refilled the next month.

    Each department also has 8 managers (Seniors, who must not count), and with `tiny` a
    department of 2 junior posts (under 5 juniors over the window: suppressed). People in
    post at the window's start were hired before it (left truncation).
    """
    rng = np.random.default_rng(seed)
    units = list(DEPARTMENTS) + (["Tiny"] if tiny else [])
    sizes = [juniors] * len(DEPARTMENTS) + ([2] if tiny else [])
    rows = []
    for unit, size in zip(units, sizes, strict=True):
        start = STARTS.get(unit)
        for senior, n in ((False, size), (True, 8)):
            hired = [SINCE - dt.timedelta(days=int(d)) for d in rng.integers(30, 2000, n)]
            for m in range(36):
                p = BASE / (2 if senior else 1)
                if not senior and start is not None and m >= start:
                    p += effect
                leave = rng.random(n) < p
                first = _month_start(m)
                days = (_month_start(m + 1) - first).days
                for i in np.flatnonzero(leave):
                    day = first + dt.timedelta(days=int(rng.integers(0, days)))
                    day = max(day, hired[i])
                    rows.append((hired[i], day, senior, unit))
                    hired[i] = _month_start(m + 1)  # the vacancy refilled next month
            rows.extend((h, None, senior, unit) for h in hired if h <= AS_OF)
    table = pd.DataFrame(rows, columns=["hire_date", "exit_date", "senior", "department"])
    return pd.DataFrame(
        {
            "employee_id": [f"E{i:05d}" for i in range(len(table))],
            "hire_date": table["hire_date"].astype(str),
            "exit_date": [d.isoformat() if d else "" for d in table["exit_date"]],
            "level": np.where(table["senior"], "Manager", "Associate"),
            "department": table["department"],
            "birth_year": 1990,
        }
    )


def starts_file(path, starts=None, extra=""):
    """A department,start_date file (a blank date: not started)."""
    starts = STARTS if starts is None else starts
    lines = ["department,start_date"]
    lines += [
        f"{d},{_month_start(m).isoformat() if m is not None else ''}" for d, m in starts.items()
    ]
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def read(path, **kw):
    return read_history(path, ReadOptions(since=SINCE, as_of=AS_OF, today=TODAY, **kw))


@pytest.fixture(scope="module")
def effect_export(tmp_path_factory):
    path = tmp_path_factory.mktemp("effect") / "export.csv"
    rollout_history(-0.006, seed=3).to_csv(path, index=False)
    return path


def test_an_injected_effect_is_recovered_within_its_interval(effect_export, tmp_path):
    result = evaluate_program(read(effect_export), read_starts(starts_file(tmp_path / "s.csv")))
    effect, low, high = result.scaled()
    truth = -0.006 * PER_100_PERSON_YEARS  # -7.2 exits per 100 junior person-years
    assert low <= truth <= high
    # Detected here; at this size that happens in about 4 histories of 10 (17 of 40 seeds).
    assert high < 0
    assert result.result.comparison == "concurrent comparison"
    assert result.result.units == 12  # Tiny (under 5 juniors) is left out
    assert abs(result.untreated_rate - BASE * PER_100_PERSON_YEARS) < 2.5


def test_over_twelve_histories_the_interval_covers_the_truth_and_the_mean_is_unbiased(tmp_path):
    starts = read_starts(starts_file(tmp_path / "s.csv"))
    truth = -0.006 * PER_100_PERSON_YEARS
    covered, estimates = 0, []
    for seed in range(100, 112):
        rollout_history(-0.006, seed=seed, juniors=60, tiny=False).to_csv(
            tmp_path / "e.csv", index=False
        )
        effect, low, high = evaluate_program(read(tmp_path / "e.csv"), starts).scaled()
        covered += low <= truth <= high
        estimates.append(effect)
    assert covered >= 10  # a 95% interval: 10 or more of 12 with probability 0.98
    assert abs(np.mean(estimates) - truth) < 3.0  # the mean's standard error is about 1.5


def test_no_effect_gives_an_interval_containing_zero(tmp_path):
    path = tmp_path / "export.csv"
    rollout_history(0.0, seed=5).to_csv(path, index=False)
    result = evaluate_program(read(path), read_starts(starts_file(tmp_path / "s.csv")))
    _, low, high = result.scaled()
    assert low <= 0 <= high
    assert "contains 0" in result.conclusion()


def test_the_panel_counts_juniors_only_and_small_departments_are_left_out(effect_export, tmp_path):
    result = evaluate_program(read(effect_export), read_starts(starts_file(tmp_path / "s.csv")))
    table = result.departments.set_index("department")
    assert not table.loc["Tiny", "in_estimate"] and np.isnan(table.loc["Tiny", "juniors"])
    assert "Tiny" in " ".join(result.notes)  # said, and counted as not started
    assert table.loc["DeptA", "juniors"] >= 80  # juniors, not the 8 managers
    assert table.loc["DeptL", "status"].startswith("not started")


def test_the_panel_equals_counts_made_directly_from_the_export(effect_export, tmp_path):
    result = evaluate_program(read(effect_export), read_starts(starts_file(tmp_path / "s.csv")))
    rows = pd.read_csv(effect_export, keep_default_na=False)
    juniors = rows[(rows["level"] == "Associate") & (rows["department"] == "DeptC")]
    hire = pd.to_datetime(juniors["hire_date"])
    leave = pd.to_datetime(juniors["exit_date"].replace("", None))
    panel = result.panel[result.panel["unit"] == "DeptC"].set_index("period")
    for m in (0, 13, 35):
        first, nxt = pd.Timestamp(_month_start(m)), pd.Timestamp(_month_start(m + 1))
        last_day = leave.fillna(pd.Timestamp(AS_OF))
        days = (
            last_day.clip(upper=nxt - pd.Timedelta(days=1)) - hire.clip(lower=first)
        ).dt.days + 1
        label = first.strftime("%Y-%m")
        assert panel.loc[label, "at_risk"] == pytest.approx(
            days.clip(lower=0).sum() / (nxt - first).days
        )
        assert panel.loc[label, "exits"] == ((leave >= first) & (leave < nxt)).sum()
        assert panel.loc[label, "treated"] == (m >= STARTS["DeptC"])
    assert (result.panel["exits"] <= result.panel["at_risk"]).all()
    assert set(result.panel["unit"]) == set(DEPARTMENTS)  # Tiny is not in it


def test_sim_plan_assignment_is_read_and_a_plan_chosen(effect_export, tmp_path, capsys):
    plans = parse_plans(["cluster", "stepped_wedge"], 12, 24, 6, None)
    table = assignment_table(plans, DEPARTMENTS, 7, _month_start(20), 24)
    write_tables(tmp_path, {"assignment": table}, {})
    path = tmp_path / "assignment.csv"
    wedge = read_starts(path, "stepped_wedge_6m")
    expected = table[table["plan"] == "stepped_wedge_6m"]
    assert wedge.plan == "stepped_wedge_6m"
    assert wedge.dates == {
        u: dt.date.fromisoformat(s)
        for u, s in zip(expected["unit"], expected["start_date"], strict=True)
    }
    with pytest.raises(InputError, match="choose one with --plan"):
        read_starts(path)
    with pytest.raises(InputError, match=r"--plan steped_wedge_6m.*did you mean stepped_wedge_6m"):
        read_starts(path, "steped_wedge_6m")
    # Starts after the export's date (the cluster's second half) count as not started.
    out = tmp_path / "out"
    status = main(
        [
            "history", str(effect_export), "--out", str(out), "--since", str(SINCE),
            "--as-of", str(AS_OF), "--program-starts", str(path), "--plan", "cluster",
        ]
    )  # fmt: skip
    printed = capsys.readouterr().out
    assert status == 0
    assert "not started by then" in printed and "plan 'cluster'" in printed
    row = pd.read_csv(out / "evaluation.csv").iloc[0]
    assert row["plan"] == "cluster" and row["departments"] == 12
    assert row["ci_low"] <= row["effect_per_100_person_years"] <= row["ci_high"]
    page = (out / "history.html").read_text(encoding="utf-8")
    assert "<h2>The program's effect on juniors' exits</h2>" in page
    assert "exits per 100 junior person-years [95% interval" in page
    departments = pd.read_csv(out / "evaluation_departments.csv")
    assert set(departments.columns) == {
        "department", "start_date", "status", "juniors", "in_estimate", "note"
    }  # fmt: skip
    assert "employee_id" not in (out / "evaluation.csv").read_text()


@pytest.mark.parametrize(
    ("starts", "extra", "words"),
    [
        ({"DeptA": 12, "Dpet B": 14}, "", ["s.csv:3", "'Dpet B'", "did you mean DeptB"]),
        ({"DeptA": -3}, "", ["s.csv:2", "before the panel's first month (2023-07)", "--since"]),
        ({"DeptA": 12}, "DeptB,2024-13-01\n", ["s.csv:3", "not a date", "YYYY-MM-DD"]),
        ({"DeptA": 12}, "DeptA,2024-01-01\n", ["s.csv:3", "repeats line 2"]),
    ],
)
def test_bad_starts_are_named_by_line(effect_export, tmp_path, capsys, starts, extra, words):
    path = starts_file(tmp_path / "s.csv", starts, extra)
    out = tmp_path / "out"
    status = main(
        [
            "history", str(effect_export), "--out", str(out), "--since", str(SINCE),
            "--as-of", str(AS_OF), "--program-starts", str(path),
        ]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert status == 2
    for w in words:
        assert w in err, err
    assert not out.exists()  # nothing half-written


def test_departments_missing_from_the_file_are_the_comparison_and_said(effect_export, tmp_path):
    path = starts_file(tmp_path / "s.csv", {d: STARTS[d] for d in DEPARTMENTS[:9]})
    result = evaluate_program(read(effect_export), read_starts(path))
    note = next(n for n in result.notes if "not in s.csv" in n)
    assert "DeptJ, DeptK, DeptL" in note and "not started" in note
    assert result.result.comparison == "concurrent comparison"


def test_a_snapshot_is_refused_with_the_reason(tmp_path, capsys):
    rng = np.random.default_rng(0)
    snap = pd.DataFrame(
        {
            "Attrition": rng.choice(["Yes", "No"], 40),
            "YearsAtCompany": rng.integers(0, 10, 40),
            "JobLevel": 1,
            "Department": rng.choice(["R&D", "Sales"], 40),
        }
    )
    snap.to_csv(tmp_path / "snap.csv", index=False)
    starts = starts_file(tmp_path / "s.csv", {"Sales": 1})
    status = main(
        [
            "history", str(tmp_path / "snap.csv"), "--window-months", "12", "--out",
            str(tmp_path / "out"), "--program-starts", str(starts),
        ]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert status == 2
    assert "snapshot" in err and "exit's date" in err and "event history" in err


def test_everyone_starting_after_the_export_is_refused_by_the_estimator(effect_export, tmp_path):
    path = starts_file(tmp_path / "s.csv", dict.fromkeys(DEPARTMENTS, 40))
    with pytest.raises(InputError, match="needs treated and untreated cells"):
        evaluate_program(read(effect_export), read_starts(path))


def test_plan_without_starts_and_starts_without_columns_are_refused(effect_export, tmp_path):
    assert main(["history", str(effect_export), "--out", str(tmp_path / "o"), "--plan", "x"]) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("team,when\nA,2024-01-01\n", encoding="utf-8")
    with pytest.raises(InputError, match="needs a department column"):
        read_starts(bad)
    with pytest.raises(InputError, match="has no plan column"):
        read_starts(starts_file(tmp_path / "s.csv"), "cluster")


def test_all_at_once_is_a_before_after_comparison_and_says_so(effect_export, tmp_path):
    path = starts_file(tmp_path / "s.csv", dict.fromkeys(DEPARTMENTS, 18))
    result = evaluate_program(read(effect_export), read_starts(path))
    assert result.result.comparison == "before/after"
    assert "before/after" in result.conclusion()
