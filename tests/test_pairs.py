"""`sim pairs`: the real pairing list of a design's first intake on an HR export."""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim.pairs.match as match_module
from sim.cli.main import main
from sim.errors import InputError
from sim.model.model import OrgCultureModel
from sim.model.program import Program
from sim.pairs import (
    PairingList,
    pairing_list,
    tenure_weeks,
    write_pairing_list,
)
from sim.scenario.design import MENTOR_SELECTIONS, PAIRING_RULES, ProgramDesign
from sim.scenario.orgchart import write_synthetic_org_chart
from sim.scenario.orgchart.roster import load_roster
from sim.scenario.parameters import Scenario

DATE = dt.date(2026, 3, 2)


def export(
    parent: list[int],
    department: list[str] | None = None,
    *,
    hire: list[str] | None = None,
    digital: list[float] | None = None,
    engagement: list[float] | None = None,
    volunteer: list[str] | None = None,
    names: list[str] | None = None,
    shuffle: int | None = None,
) -> pd.DataFrame:
    """An HR export of a tree given by parents (-1 for the head), in text columns."""
    n = len(parent)
    ids = [f"P{100 + 7 * i}" for i in range(n)]
    table = {
        "employee_id": ids,
        "manager_id": ["" if p < 0 else ids[p] for p in parent],
        "department": department or ["Ops"] * n,
    }
    for column, values in (
        ("hire_date", hire),
        ("digital", digital),
        ("engagement", engagement),
        ("volunteer", volunteer),
        ("name", names),
    ):
        if values is not None:
            table[column] = [str(v) for v in values]
    frame = pd.DataFrame(table)
    if shuffle is not None:
        frame = frame.sample(frac=1.0, random_state=shuffle).reset_index(drop=True)
    return frame


def save(frame: pd.DataFrame, folder: Path, name: str = "org.csv") -> Path:
    path = Path(folder) / name
    frame.to_csv(path, index=False)
    return path


def scenario_of(design: ProgramDesign, **changes) -> Scenario:
    return Scenario(designs=(design,), **changes)


def pairs_of(result: PairingList) -> set[tuple[str, str]]:
    rows = result.frame()
    paired = rows[rows["status"] == "paired"]
    return set(zip(paired["mentor_id"], paired["mentee_id"], strict=True))


# --------------------------------------------------------------------------------------------
# The rules hold on any small organisation


@st.composite
def small_orgs(draw):
    n = draw(st.integers(3, 40))
    parent = [-1] + [draw(st.integers(0, i - 1)) for i in range(1, n)]
    department = [draw(st.sampled_from(["Ops", "Sales", "IT"])) for _ in range(n)]
    hire = [
        str(np.datetime64("2026-03-02") - np.timedelta64(draw(st.integers(0, 400)), "D"))
        for _ in range(n)
    ]
    digital = [draw(st.integers(0, 1000)) / 1000 for _ in range(n)]
    engagement = [draw(st.integers(0, 1000)) / 1000 for _ in range(n)]
    volunteer = draw(
        st.none() | st.lists(st.sampled_from(["yes", "no", ""]), min_size=n, max_size=n)
    )
    levels = draw(st.none() | st.lists(st.integers(0, 4), min_size=1, max_size=3, unique=True))
    design = ProgramDesign(
        name="d",
        mentee_levels=None if levels is None else tuple(sorted(levels)),
        coverage=draw(st.sampled_from([1.0, 0.5, 0.3])),
        min_mentor_tenure_weeks=draw(st.sampled_from([0, 10, 52])),
        mentor_selection=draw(st.sampled_from(MENTOR_SELECTIONS)),
        pairing=draw(st.sampled_from(PAIRING_RULES)),
    )
    frame = export(
        parent,
        department,
        hire=hire,
        digital=digital,
        engagement=engagement,
        volunteer=volunteer,
        shuffle=draw(st.integers(0, 5)),
    )
    return frame, design, draw(st.integers(0, 2**31))


@settings(max_examples=80)
@given(small_orgs())
def test_the_rules_hold_on_any_small_org(case):
    frame, design, seed = case
    with tempfile.TemporaryDirectory() as folder:
        roster = load_roster(save(frame, folder))
    try:
        result = pairing_list(roster, scenario_of(design), "d", seed, DATE)
    except InputError as err:
        # Refused only for a design that can pair no one here; one line per problem.
        text = str(err)
        assert any(
            s in text for s in ("mentee_levels", "coverage", "tenure", "volunteer", "too small")
        ), text
        assert len(err.problems) == len(text.splitlines())
        return
    by_id = frame.set_index("employee_id")
    manager = by_id["manager_id"].to_dict()
    has_reports = set(frame["manager_id"])
    level = {}
    for person in frame["employee_id"]:
        up, depth = manager[person], 0
        while up:
            up, depth = manager[up], depth + 1
        level[person] = depth
    rows = result.frame()
    paired, unpaired = rows[rows["status"] == "paired"], rows[rows["status"] == "unpaired"]
    for mentor, mentee in zip(paired["mentor_id"], paired["mentee_id"], strict=True):
        # Never a direct or skip-level report.
        boss = manager[mentor]
        assert boss != mentee and (not boss or manager[boss] != mentee)
        assert mentor not in has_reports and mentee in has_reports
        weeks = (np.datetime64(DATE) - np.datetime64(by_id.loc[mentor, "hire_date"])).astype(int)
        assert weeks // 7 >= design.min_mentor_tenure_weeks
        if "volunteer" in frame:
            assert by_id.loc[mentor, "volunteer"] == "yes"
        same = by_id.loc[mentor, "department"] == by_id.loc[mentee, "department"]
        if design.pairing == "same_department":
            assert same
        if design.pairing == "cross_department":
            assert not same
    people = list(paired["mentor_id"]) + list(rows["mentee_id"])
    assert len(people) == len(set(people)), "each person in at most one row"
    # Levels and coverage: the enrolled mentees are a coverage share of the seniors there.
    eligible = [
        p
        for p in has_reports - {""}
        if design.mentee_levels is None or level[p] in design.mentee_levels
    ]
    assert set(rows["mentee_id"]) <= set(eligible)
    assert len(rows) == result.enrolled == math.floor(design.coverage * len(eligible) + 0.5)
    assert all(rows["mentee_level"].astype(int) == [level[p] for p in rows["mentee_id"]])
    assert (unpaired["reason"] != "").all() and (paired["reason"] == "").all()
    assert (unpaired["mentor_id"] == "").all()


# --------------------------------------------------------------------------------------------
# Same rules, same inputs: the pairs the model's first intake forms


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("synth") / "org.csv"
    write_synthetic_org_chart(400, path, seed=5)
    return path


@pytest.mark.parametrize("rule", PAIRING_RULES)
@pytest.mark.parametrize("selection", MENTOR_SELECTIONS)
def test_the_pairs_are_the_models_first_intake_on_the_same_people(synthetic, rule, selection):
    design = ProgramDesign(
        name="d",
        mentee_levels=None,
        coverage=0.7,
        min_mentor_tenure_weeks=150,  # about half the juniors have it on DATE
        mentor_selection=selection,
        pairing=rule,
    )
    scenario = scenario_of(design, start_date=dt.date(2025, 1, 6), launch_date=dt.date(2025, 3, 3))
    roster = load_roster(synthetic)
    result = pairing_list(roster, scenario, "d", 1234, DATE)
    # The model, built on the chart with the same seed and no warm-up (the list is for the
    # chart's people as they are, not as two model years would leave them); tenure on the
    # intake's date.
    cold = scenario.with_changes(warmup_weeks=0)
    model = OrgCultureModel(cold, design, 1234, org_chart=roster.chart)
    people = model.people.replace(tenure=tenure_weeks(roster.chart.hire_date, DATE))
    program = Program(
        design,
        model.org,
        people,
        scenario.launch_week,
        model.keys["program"],
        scenario.dynamics.sessions,
        scenario.dynamics.pathways,
        scenario.dynamics.volunteers,
    )
    program.open_intake(program.first_week)
    ids = roster.ids
    expected = {
        (ids[j], ids[s])
        for j, s in zip(program.pairs.mentor.tolist(), program.pairs.mentee.tolist(), strict=True)
    }
    assert pairs_of(result) == expected
    assert len(expected) > 0.5 * result.enrolled
    assert 0.2 * result.may_mentor < result.eligible_mentors < 0.8 * result.may_mentor
    assert result.enrolled == len(program.intakes[0].mentees)


def test_no_simulated_value_changes_the_list(synthetic, monkeypatch):
    """The model's initial people are drawn; none of their drawn values may choose anyone."""
    frame = pd.read_csv(synthetic, dtype=str, keep_default_na=False)
    folder = synthetic.parent
    with_volunteers = frame.drop(columns=["digital", "hire_date"]).assign(
        volunteer=np.where(np.arange(len(frame)) % 2 == 0, "yes", "no")
    )
    volunteer_path = save(with_volunteers, folder, "volunteers.csv")
    cases = [
        (synthetic, ProgramDesign(name="d", pairing="skill_gap")),
        (synthetic, ProgramDesign(name="d", mentor_selection="volunteers", coverage=0.5)),
        (volunteer_path, ProgramDesign(name="d", mentee_levels=None)),
    ]
    real = match_module.initial_people
    for path, design in cases:
        roster = load_roster(path)
        first = pairing_list(roster, scenario_of(design), "d", 9, DATE)
        monkeypatch.setattr(
            match_module,
            "initial_people",
            lambda org, wf, year, rng: real(org, wf, year, np.random.default_rng(777)),
        )
        again = pairing_list(roster, scenario_of(design), "d", 9, DATE)
        monkeypatch.setattr(match_module, "initial_people", real)
        assert first.rows == again.rows and first.pairs > 0


# --------------------------------------------------------------------------------------------
# The command: the synthetic export, reproducibility, names, unpaired rows


def test_sim_pairs_on_a_synthetic_export_of_2000(tmp_path):
    org, out = tmp_path / "org.csv", tmp_path / "pairs.csv"
    made = subprocess.run(
        [sys.executable, "-m", "sim", "org", "synth", "2000", "--out", str(org)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    args = ["--scenario", "telecom", "--design", "reverse_mentoring", "--out", str(out)]
    done = subprocess.run(
        [sys.executable, "-m", "sim", "pairs", str(org), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "contains employee ids" in done.stdout and "Traceback" not in done.stderr
    rows = pd.read_csv(out, dtype=str, keep_default_na=False)
    export_rows = pd.read_csv(org, dtype=str, keep_default_na=False).set_index("employee_id")
    seniors = set(export_rows["manager_id"]) & set(export_rows.index)
    # The telecom design enrols every senior; the synthetic export has what it needs.
    assert set(rows["mentee_id"]) == seniors
    paired = rows[rows["status"] == "paired"]
    assert len(paired) > 0.95 * len(seniors)
    assert not set(paired["mentor_id"]) & seniors
    assert "name" not in " ".join(rows.columns)
    assert f"{len(paired)} pairs" in done.stdout
    assert oct(out.stat().st_mode & 0o777) == oct(0o600)
    # The synthetic export has no volunteer column: with one added, mentors are volunteers.
    table = pd.read_csv(org, dtype=str, keep_default_na=False)
    table["volunteer"] = np.where(np.arange(len(table)) % 4 == 0, "yes", "no")
    table.to_csv(org, index=False)
    args = [*args[:-1], str(tmp_path / "volunteers.csv")]
    args += ["--set", "designs.reverse_mentoring.mentor_selection=volunteers"]
    assert main(["pairs", str(org), *args]) == 0
    rows = pd.read_csv(tmp_path / "volunteers.csv", dtype=str, keep_default_na=False)
    volunteers = set(table.loc[table["volunteer"] == "yes", "employee_id"]) - seniors
    mentors = set(rows.loc[rows["status"] == "paired", "mentor_id"])
    assert mentors <= volunteers and len(mentors) > 0.9 * min(len(volunteers), len(seniors))
    assert (rows["mentor_selection"] == "at random among the volunteers (volunteer = yes)").all()


def test_seed_and_date_give_a_byte_identical_file(synthetic, tmp_path, capsys):
    def run(name: str, seed: str) -> bytes:
        args = ["pairs", str(synthetic), "--scenario", "telecom", "--seed", seed]
        args += ["--date", "2026-03-02", "--out", str(tmp_path / name)]
        args += ["--set", "designs.reverse_mentoring.coverage=0.5"]
        assert main(args) == 0, capsys.readouterr().err
        return (tmp_path / name).read_bytes()

    first, second, other = run("a.csv", "42"), run("b.csv", "42"), run("c.csv", "43")
    assert first == second
    assert first != other
    assert "Same list again:" in capsys.readouterr().out


def test_names_only_with_with_names(tmp_path, capsys):
    names = [f"Person Number{i}" for i in range(9)]
    frame = export([-1, 0, 0, 1, 1, 1, 2, 2, 2], hire=["2020-01-01"] * 9, digital=[0.5] * 9)
    path = save(frame.assign(name=names), tmp_path)
    base = ["pairs", str(path), "--scenario", "telecom", "--date", "2026-03-02"]
    assert main([*base, "--out", str(tmp_path / "ids.csv")]) == 0
    out = capsys.readouterr().out
    text = (tmp_path / "ids.csv").read_text()
    assert "Person" not in text and "name" not in text.splitlines()[0]
    assert "no names" in out
    assert main([*base, "--out", str(tmp_path / "names.csv"), "--with-names"]) == 0
    with_names = pd.read_csv(tmp_path / "names.csv", dtype=str, keep_default_na=False)
    assert {"mentee_name", "mentor_name"} <= set(with_names.columns)
    assert with_names["mentee_name"].str.startswith("Person").all()
    assert "ids and names" in capsys.readouterr().out
    # Nor in a repr, which ends up in logs and tracebacks.
    roster = load_roster(path, names=True)
    result = pairing_list(roster, Scenario(), "program", 1, DATE, with_names=True)
    for text in (repr(roster), repr(result)):
        assert "P1" not in text and "Person" not in text


def test_unpaired_mentees_have_a_row_with_the_reason(tmp_path):
    design = ProgramDesign(name="d", mentee_levels=None)
    # Head 0 -> managers 1, 2; 1 has juniors 3, 4; 2 has junior 5. Three mentees, three
    # mentors; every junior is the head's skip-level report.
    frame = export([-1, 0, 0, 1, 1, 2], hire=["2020-01-01"] * 6, digital=[0.5] * 6)
    roster = load_roster(save(frame, tmp_path))
    result = pairing_list(roster, scenario_of(design), "d", 1, DATE)
    rows = result.frame().set_index("mentee_id")
    head = roster.ids[0]
    assert (rows.loc[head, "status"], rows.loc[head, "mentor_id"]) == ("unpaired", "")
    assert rows.loc[head, "reason"] == (
        "no allowed mentor left: the mentor left in the pool is in the mentee's reporting line "
        "(direct or skip-level reports)"
    )
    assert result.pairs == 2 and result.reasons == {"no allowed mentor left": 1}
    # Two mentors for three mentees: the pool runs out.
    short = export([-1, 0, 0, 1, 2], hire=["2020-01-01"] * 5, digital=[0.5] * 5)
    roster = load_roster(save(short, tmp_path, "short.csv"))
    result = pairing_list(roster, scenario_of(design), "d", 1, DATE)
    unpaired = result.frame().query("status == 'unpaired'")
    assert unpaired["reason"].tolist() == [
        "no mentor left: the pool had 2 mentors for 3 mentees, and every one is paired"
    ]
    # Same department: the IT manager has no IT mentor; the head only its reporting line.
    departments = ["Ops", "Ops", "IT", "Ops", "Ops", "Ops", "Ops"]
    other = export([-1, 0, 0, 1, 1, 2, 2], departments, hire=["2020-01-01"] * 7, digital=[0.5] * 7)
    roster = load_roster(save(other, tmp_path, "dept.csv"))
    same = ProgramDesign(name="d", mentee_levels=None, pairing="same_department")
    result = pairing_list(roster, scenario_of(same), "d", 1, DATE)
    rows = result.frame().set_index("mentee_id")
    assert rows.loc[roster.ids[2], "reason"] == (
        "no allowed mentor left: the 2 mentors left are outside the mentee's department "
        "(pairing = same_department)"
    )
    assert "reporting line" in rows.loc[roster.ids[0], "reason"]
    assert rows.loc[roster.ids[1], "status"] == "paired"


# --------------------------------------------------------------------------------------------
# Refusals: one line per problem, exit 2, nothing written


def refused(tmp_path, capsys, frame: pd.DataFrame, *extra: str, out: str = "p.csv"):
    path = save(frame, tmp_path)
    before = (tmp_path / out).read_bytes() if (tmp_path / out).exists() else None
    args = ["pairs", str(path), "--scenario", "telecom", "--date", "2026-03-02"]
    code = main([*args, "--out", str(tmp_path / out), *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    after = (tmp_path / out).read_bytes() if (tmp_path / out).exists() else None
    assert after == before, "nothing written"
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
    return err.strip().splitlines()


def tree(n: int = 13) -> list[int]:
    # A head, 3 managers, 9 juniors (3 each).
    return [-1, 0, 0, 0] + [1 + (i // 3) for i in range(n - 4)]


def test_missing_columns_are_refused_with_the_column_to_add(tmp_path, capsys):
    bare = export(tree())
    lines = refused(tmp_path, capsys, bare)
    assert len(lines) == 2
    hire, digital = lines
    assert hire.startswith(f"{tmp_path / 'org.csv'}: hire_date: missing column;")
    assert "allowed: a hire_date column (YYYY-MM-DD)" in hire and "volunteer column" in hire
    assert "min_mentor_tenure_weeks = 0" in hire
    assert digital.startswith(f"{tmp_path / 'org.csv'}: digital: missing column;")
    assert 'mentor_selection = "most_digital"' in digital and "number from 0 to 1" in digital
    assert "add a volunteer column" in digital


def test_volunteers_weights_need_engagement_and_digital(tmp_path, capsys):
    frame = export(tree(), hire=["2020-01-01"] * 13)
    lines = refused(
        tmp_path, capsys, frame, "--set", "designs.reverse_mentoring.mentor_selection=volunteers"
    )
    assert len(lines) == 2
    assert any(line.split(": ")[1] == "digital" and "s_dig = 0" in line for line in lines)
    assert any(line.split(": ")[1] == "engagement" and "s_eng = 0" in line for line in lines)


def test_skill_gap_needs_digital_even_with_volunteers(tmp_path, capsys):
    frame = export(tree(), volunteer=["yes"] * 13)
    lines = refused(tmp_path, capsys, frame, "--set", "designs.reverse_mentoring.pairing=skill_gap")
    assert len(lines) == 1
    assert ": digital: missing column;" in lines[0] and 'pairing = "skill_gap"' in lines[0]
    assert "choose another pairing rule" in lines[0]


def test_empty_values_are_refused_with_their_lines(tmp_path, capsys):
    digital = [0.5] * 13
    digital[5] = ""
    hire = ["2020-01-01"] * 13
    hire[7] = ""
    lines = refused(tmp_path, capsys, export(tree(), hire=hire, digital=digital))
    assert len(lines) == 2
    assert ": hire_date: empty for 1 of the 9 juniors who may mentor (lines 9)" in lines[0]
    assert ": digital: empty for 1 of the 9 juniors who may mentor (lines 7)" in lines[1]


def test_bad_and_unanswered_volunteer_columns(tmp_path, capsys):
    said = ["yes"] * 4 + ["maybe"] + ["no"] * 8
    lines = refused(tmp_path, capsys, export(tree(), volunteer=said))
    assert lines == [
        f"{tmp_path / 'org.csv'}:6: volunteer 'maybe' is not yes or no; allowed: yes, no, y, "
        "n, true, false, 1, 0, x (for yes) or empty (for no)"
    ]
    lines = refused(tmp_path, capsys, export(tree(), volunteer=["yes"] * 4 + ["no"] * 9))
    assert (
        len(lines) == 1 and ": volunteer: no junior (employee without reports) says yes" in lines[0]
    )


def test_no_one_with_the_tenure_is_refused(tmp_path, capsys):
    frame = export(tree(), hire=["2026-01-05"] * 13, digital=[0.5] * 13)
    lines = refused(tmp_path, capsys, frame)
    assert len(lines) == 1
    assert ": hire_date: none of the 9 juniors who may mentor has 52 weeks' tenure" in lines[0]
    assert "the longest: 8 weeks" in lines[0] and "a later --date" in lines[0]


def test_designs_that_pair_no_one_and_bad_options(tmp_path, capsys):
    frame = export(tree(), hire=["2020-01-01"] * 13, digital=[0.5] * 13)
    lines = refused(tmp_path, capsys, frame, "--set", "designs.reverse_mentoring.mentee_levels=[3]")
    assert lines[0].startswith("telecom.toml: designs.reverse_mentoring.mentee_levels: found [3]")
    lines = refused(tmp_path, capsys, frame, "--set", "designs.reverse_mentoring.coverage=0.1")
    assert "coverage: found 0.1" in lines[0] and "rounds to 0 mentees" in lines[0]
    lines = refused(tmp_path, capsys, frame, "--design", "baseline")
    assert lines == [
        "--design baseline: the no-program baseline pairs no one; designs: reverse_mentoring"
    ]
    lines = refused(tmp_path, capsys, frame, "--design", "reverse_mentorin")
    assert "did you mean reverse_mentoring?" in lines[0]
    lines = refused(tmp_path, capsys, frame, "--with-names")
    assert lines[0].endswith(
        "name: missing column (asked for by --with-names); allowed: a column "
        "named name with each employee's name; add it, or leave out --with-names"
    )


def test_existing_output_is_kept_and_the_export_never_overwritten(tmp_path, capsys):
    frame = export(tree(), hire=["2020-01-01"] * 13, digital=[0.5] * 13)
    (tmp_path / "p.csv").write_text("mine")
    lines = refused(tmp_path, capsys, frame)
    assert lines == [
        f"{tmp_path / 'p.csv'}: already exists; choose another --out, or pass --force to replace it"
    ]
    assert (tmp_path / "p.csv").read_text() == "mine"
    lines = refused(tmp_path, capsys, frame, "--force", out="org.csv")
    assert "is the HR export itself" in lines[0]
    assert (tmp_path / "org.csv").read_text().startswith("employee_id")
    code = main(
        [
            "pairs",
            str(tmp_path / "org.csv"),
            "--scenario",
            "telecom",
            "--out",
            str(tmp_path / "p.csv"),
            "--force",
            "--date",
            "2026-03-02",
        ]
    )
    assert code == 0 and (tmp_path / "p.csv").read_text().startswith("status,")
    lines = refused(tmp_path, capsys, frame, out="org.csv/p.csv")
    assert lines == [f"{tmp_path / 'org.csv' / 'p.csv'}: cannot be written: "
                     f"{tmp_path / 'org.csv'} is a file, not a folder"]  # fmt: skip


def test_a_failed_write_leaves_nothing(tmp_path):
    broken = PairingList(
        header=("a",), rows=(("x",), 5), design="d", seed=1, date=DATE, selection="",
        seniors=1, juniors=1, eligible=1, enrolled=1, may_mentor=1, eligible_mentors=1,
        pool=1, pairs=1,
    )  # fmt: skip
    with pytest.raises(csv.Error):
        write_pairing_list(broken, tmp_path / "p.csv")
    assert os.listdir(tmp_path) == []


def test_volunteers_stand_in_for_missing_values(tmp_path, capsys):
    # No digital, no hire date: mentors drawn at random among the volunteers, on trust.
    said = ["", "", "", ""] + ["yes", "no", "yes"] * 3
    frame = export(tree(), volunteer=said)
    path = save(frame, tmp_path)
    code = main(["pairs", str(path), "--scenario", "telecom", "--date", "2026-03-02",
                 "--out", str(tmp_path / "p.csv")])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "at random among the volunteers" in out and "taken on trust" in out
    rows = pd.read_csv(tmp_path / "p.csv", dtype=str, keep_default_na=False)
    yes = set(frame.loc[frame["volunteer"] == "yes", "employee_id"])
    assert set(rows.loc[rows["status"] == "paired", "mentor_id"]) <= yes
    assert (rows["mentor_selection"] == "at random among the volunteers (volunteer = yes)").all()
