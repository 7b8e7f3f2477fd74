"""HR org-chart import (sim.scenario.orgchart): loading, clear errors, synthetic exports."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.errors import InputError
from sim.scenario.orgchart import (
    DEPARTMENT_NAMES,
    GENERATIONS,
    HEAD_DEPARTMENT,
    OrgChart,
    generation_index,
    load_org_chart,
    synthesize_org_chart,
    write_synthetic_org_chart,
)
from sim.scenario.orgchart.synthetic import _department_names

HEADER = "employee_id,manager_id,department"


def write(tmp_path: Path, text: str, name: str = "org.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(InputError) as info:
        load_org_chart(path)
    messages = [str(p) for p in info.value.problems]
    assert all("\n" not in m for m in messages), "one line per problem"
    assert str(info.value) == "\n".join(messages)
    return messages


def only(messages: list[str], needle: str) -> str:
    hits = [m for m in messages if needle in m]
    assert len(hits) == 1, (needle, messages)
    return hits[0]


# --------------------------------------------------------------------------------------------
# Synthetic exports load, and their summary is right


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> tuple[pd.DataFrame, OrgChart]:
    path = tmp_path_factory.mktemp("synth") / "org.csv"
    write_synthetic_org_chart(2000, path, seed=11)
    return pd.read_csv(path, dtype=str), load_org_chart(path)


def test_synthetic_export_loads_with_right_summary(synthetic):
    table, chart = synthetic
    summary = chart.summary()
    assert summary["people"] == len(chart) == 2000
    assert summary["levels"][0] == 1
    assert sum(summary["levels"].values()) == 2000
    assert list(summary["levels"]) == list(range(len(summary["levels"])))
    assert sum(summary["generations"].values()) == 2000
    assert summary["generations"]["unknown"] == 0
    assert set(summary["generations"]) == {*GENERATIONS, "unknown"}
    # Departments: the head's own, plus one per level-1 subtree.
    assert summary["departments"] == 1 + summary["levels"][1]
    assert chart.source == "org.csv"
    assert any("location" in notice for notice in chart.notices)


def test_positions_are_breadth_first_with_one_head(synthetic):
    _, chart = synthetic
    parent, level = chart.parent, chart.level
    assert parent[0] == -1 and np.count_nonzero(parent < 0) == 1
    assert np.all(parent[1:] < np.arange(1, len(chart)))
    assert np.all(level[1:] == level[parent[1:]] + 1)
    assert np.all(np.diff(level) >= 0)
    assert parent.dtype == np.int64 and chart.department.dtype == np.int64
    assert chart.hire_date.dtype == np.dtype("datetime64[D]")
    with pytest.raises(ValueError):
        chart.level[0] = 3  # frozen: arrays are read-only


def test_departments_are_the_level1_subtrees(synthetic):
    _, chart = synthetic
    top = np.arange(len(chart))
    while np.any(chart.level[top] > 1):
        top = np.where(chart.level[top] > 1, chart.parent[top], top)
    heads = np.flatnonzero(chart.level == 1)
    for head in heads:
        assert np.unique(chart.department[top == head]).tolist() == [chart.department[head]]
    codes = chart.department[heads].tolist() + [chart.department[0]]
    assert sorted(codes) == list(range(len(codes)))  # distinct, numbered by first appearance
    assert chart.department[0] == 0
    assert chart.department_names[0] == HEAD_DEPARTMENT


def test_synthetic_values_follow_the_model(synthetic):
    table, chart = synthetic
    senior = chart.has_reports
    assert abs(chart.digital[~senior].mean() - 0.75) < 0.02
    assert abs(chart.digital[senior].mean() - 0.35) < 0.03
    assert abs(chart.engagement[~senior].mean() - 0.55) < 0.02
    assert abs(chart.engagement[senior].mean() - 0.65) < 0.03
    assert abs(chart.digital[~senior].std() - 0.12) < 0.02
    age = 2024 - chart.birth_year
    assert age[~senior].min() >= 21 and age[~senior].max() <= 36
    assert age[chart.level <= 1].min() >= 44
    hire_year = chart.hire_date.astype("datetime64[Y]").astype(int) + 1970
    assert np.all(hire_year - chart.birth_year >= 17)
    assert np.all(chart.hire_date <= np.datetime64("2024-01-01"))
    tenure = (np.datetime64("2024-01-01") - chart.hire_date).astype(float) / 365.25
    assert 2.0 < tenure[~senior].mean() < 3.5  # mean 3 years, truncated at age 18
    # Realistic export: shuffled rows, one manager id outside the file.
    assert table["employee_id"].str.fullmatch(r"E\d{6}").all()
    outside = set(table["manager_id"]) - set(table["employee_id"])
    assert len(outside) == 1
    head_row = table.index[table["manager_id"].isin(outside)][0]
    assert head_row != 0
    assert {"Director", "Manager", "Associate"} <= set(table["title"])


def test_synthesis_is_reproducible():
    a = synthesize_org_chart(300, 5)
    b = synthesize_org_chart(300, np.random.default_rng(5))
    c = synthesize_org_chart(300, 6)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    one = synthesize_org_chart(1, 0)
    assert len(one) == 1 and one.loc[0, "department"] == HEAD_DEPARTMENT
    with pytest.raises(InputError, match="at least|>= 1"):
        synthesize_org_chart(0, 0)


def test_department_names_cycle_with_numbers():
    names = _department_names(len(DEPARTMENT_NAMES) + 2)
    assert names[: len(DEPARTMENT_NAMES)] == list(DEPARTMENT_NAMES)
    assert names[-2:] == [f"{DEPARTMENT_NAMES[0]} 2", f"{DEPARTMENT_NAMES[1]} 2"]
    assert len(set(names)) == len(names)


def test_write_is_atomic_and_leaves_no_temporary(tmp_path):
    out = write_synthetic_org_chart(50, tmp_path / "org.csv", seed=2)
    assert out == tmp_path / "org.csv"
    assert [p.name for p in tmp_path.iterdir()] == ["org.csv"]
    assert pd.read_csv(out).shape == (50, 9)
    with pytest.raises(InputError, match="does not exist"):
        write_synthetic_org_chart(5, tmp_path / "no" / "org.csv", seed=2)


# --------------------------------------------------------------------------------------------
# Encodings and delimiters


def test_bom_semicolon_and_decimal_comma(tmp_path):
    table = synthesize_org_chart(120, 3)
    plain = tmp_path / "plain.csv"
    table.to_csv(plain, index=False)
    semi = tmp_path / "semi.csv"
    semi.write_bytes(table.to_csv(sep=";", decimal=",", index=False).encode("utf-8-sig"))
    a, b = load_org_chart(plain), load_org_chart(semi)
    assert a.summary() == b.summary()
    np.testing.assert_array_equal(a.parent, b.parent)
    np.testing.assert_array_equal(a.digital, b.digital)
    assert a.department_names == b.department_names


def test_bom_file_loads_without_notice(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(f"{HEADER}\nA,,Région Est\nB,A,Région Est\n".encode("utf-8-sig"))
    chart = load_org_chart(path)
    assert chart.department_names == ("Région Est",)
    assert chart.notices == ()


def test_cp1252_file_loads_with_notice(tmp_path):
    path = tmp_path / "cp.csv"
    path.write_bytes(f"{HEADER}\nA,,Région – Ventes\nB,A,Région – Ventes\n".encode("cp1252"))
    chart = load_org_chart(path)
    assert chart.department_names == ("Région – Ventes",)
    assert any("cp1252" in n and "line 2" in n for n in chart.notices)


def test_header_names_are_case_and_space_insensitive(tmp_path):
    path = write(tmp_path, " Employee_ID ;MANAGER_ID; Department ;Level\nA;;X;0\nB;A;X;1\n")
    chart = load_org_chart(path)
    assert chart.level.tolist() == [0, 1]


def test_quoted_multiline_value_keeps_line_numbers(tmp_path):
    path = write(tmp_path, f'{HEADER},digital\nA,,"Sales\nNorth",0.5\nB,A,X,0.5\nC,A,X,7\n')
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:5: digital '7' is not a number from 0 to 1")


# --------------------------------------------------------------------------------------------
# Each kind of mistake: one line naming the file, the line and the ids


def test_missing_file_and_empty_files(tmp_path):
    assert problems_of(tmp_path / "nope.csv") == [f"{tmp_path / 'nope.csv'}: file not found"]
    empty = write(tmp_path, "\n  \n", "empty.csv")
    assert "empty" in only(problems_of(empty), f"{empty}: ")
    commas = write(tmp_path, ",,\n , ,\n", "commas.csv")
    assert "empty" in only(problems_of(commas), f"{commas}: ")
    header = write(tmp_path, HEADER + "\n", "header.csv")
    assert problems_of(header) == [f"{header}:1: the file has a header but no employee rows"]


def test_missing_columns_name_each_with_suggestions(tmp_path):
    path = write(tmp_path, "employee_id,manager,Dept,location\nA,,X,Y\n")
    messages = problems_of(path)
    assert len(messages) == 2
    manager = only(messages, "manager_id")
    assert manager.startswith(f"{path}:1: missing required column manager_id")
    assert "did you mean 'manager'?" in manager
    assert "did you mean 'Dept'?" in only(messages, "column department")
    path = write(tmp_path, "employee_id,managerid,department\nA,,X\n")
    assert "did you mean 'managerid'?" in only(problems_of(path), "manager_id")


def test_cycle_names_its_ids_and_lines(tmp_path):
    path = write(tmp_path, f"{HEADER}\nH,,X\nA,C,X\nB,A,X\nC,B,X\nD,A,X\n")
    messages = problems_of(path)
    cycle = only(messages, "reporting cycle")
    assert cycle.startswith(f"{path}:3: reporting cycle: A -> C -> B -> A")
    assert "lines 3, 5, 4" in cycle
    assert only(messages, "D cannot be reached").startswith(f"{path}:6:")


def test_a_cycle_is_listed_before_the_people_it_cuts_off_though_they_come_first(tmp_path):
    # D (line 3) reports into the cycle B -> C -> B (lines 4 and 5): the cause first
    path = write(tmp_path, f"{HEADER}\nH,,X\nD,B,X\nB,C,X\nC,B,X\n")
    messages = problems_of(path)
    assert len(messages) == 2
    assert messages[0].startswith(f"{path}:4: reporting cycle: B -> C -> B")
    assert messages[1].startswith(f"{path}:3: D cannot be reached from the head")
    # validate prints them in that order too
    from sim.cli.main import main

    assert main(["validate", str(path)]) == 2


def test_self_manager_is_a_cycle(tmp_path):
    path = write(tmp_path, f"{HEADER}\nH,,X\nA,A,X\n")
    assert problems_of(path) == [f"{path}:3: manager_id A is the employee's own id"]


def test_duplicate_ids_name_both_lines(tmp_path):
    path = write(tmp_path, f"{HEADER}\nH,,X\nA,H,X\nB,H,X\nA,H,Y\n")
    assert problems_of(path) == [f"{path}:5: employee_id A appears more than once: lines 3 and 5"]


def test_unknown_manager_named_with_line(tmp_path):
    path = write(tmp_path, f"{HEADER}\nH,,X\nA,H,X\nB,E99999,X\n")
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:4: manager_id E99999 is not an employee_id in this file")
    assert "line 2" in message


def test_one_outside_manager_is_the_heads(tmp_path):
    chart = load_org_chart(write(tmp_path, f"{HEADER}\nA,H,X\nH,BOSS,X\nB,H,X\n"))
    assert chart.level.tolist() == [0, 1, 1]
    # A second outside manager is a mistake; the head's is the one above most people.
    path = write(tmp_path, f"{HEADER}\nA,H,X\nH,BOSS,X\nB,H,X\nC,TYPO,X\n")
    (message,) = problems_of(path)
    assert message.startswith(f"{path}:5: manager_id TYPO is not an employee_id")
    assert "BOSS, line 3" in message


def test_several_heads_and_no_head(tmp_path):
    path = write(tmp_path, f"{HEADER}\nA,,X\nB,A,X\nC,,Y\n")
    message = only(problems_of(path), "several heads")
    assert message.startswith(f"{path}: several heads: A (line 2), C (line 4)")
    path = write(tmp_path, f"{HEADER}\nA,B,X\nB,A,X\n")
    messages = problems_of(path)
    assert only(messages, "no head").startswith(f"{path}: no head")
    assert "A -> B -> A" in only(messages, "reporting cycle")


def test_bad_values_named_with_line_and_value(tmp_path):
    path = write(
        tmp_path,
        f"{HEADER},birth_year,hire_date,digital,engagement\n"
        "H,,X,1970,2001-02-03,0.3,0.6\n"
        "A,H,X,1990,2021-02-30,0.5,0.5\n"
        "B,H,X,19x0,10/02/2019,1.5,high\n"
        "C,H,X,1800,,75,-0.1\n"
        "D,H,X,1990,2000-01-01,,\n",
    )
    messages = problems_of(path)
    assert f"{path}:3: hire_date '2021-02-30' is not a date YYYY-MM-DD" in only(messages, "02-30")
    assert only(messages, "10/02/2019").startswith(f"{path}:4: hire_date")
    assert only(messages, "'19x0'").startswith(f"{path}:4: birth_year")
    assert only(messages, "'1800'").startswith(f"{path}:5: birth_year")
    assert only(messages, "digital '1.5'").startswith(f"{path}:4:")
    assert "divide by 100" in only(messages, "digital '75'")
    assert only(messages, "engagement 'high'").startswith(f"{path}:4:")
    assert only(messages, "engagement '-0.1'").startswith(f"{path}:5:")
    assert only(messages, "before age 14").startswith(f"{path}:6:")
    assert len(messages) == 9


def test_out_of_range_digital(tmp_path):
    path = write(tmp_path, f"{HEADER},digital\nH,,X,0.4\nA,H,X,1.2\n")
    assert problems_of(path) == [
        f"{path}:3: digital '1.2' is not a number from 0 to 1 (a 1-5 survey score? rescale to 0..1)"
    ]


def test_level_column_checked_against_the_tree(tmp_path):
    good = load_org_chart(write(tmp_path, f"{HEADER},level\nH,,X,0\nA,H,X,1\nB,A,X,\n"))
    assert good.level.tolist() == [0, 1, 2]
    path = write(tmp_path, f"{HEADER},level\nH,,X,0\nA,H,X,1\nB,A,X,3\nC,A,X,two\n")
    messages = problems_of(path)
    assert only(messages, "level is 3").startswith(f"{path}:4: level is 3")
    assert "B at level 2" in only(messages, "level is 3")
    assert only(messages, "'two'").startswith(f"{path}:5:")
    one_based = write(tmp_path, f"{HEADER},level\nH,,X,1\nA,H,X,2\nB,A,X,3\n")
    assert "counts from 1" in only(problems_of(one_based), "level")


def test_ten_mistakes_in_one_file_all_reported_at_once(tmp_path):
    rows = ["H,,X,1970,0.3,0.6,0"] + [f"A{k},H,X,1990,0.5,0.5,1" for k in range(12)]
    rows[1] = "A0,H,X,1990,1.7,0.5,1"  # digital out of range
    rows[2] = "A1,H,X,1990,0.5,high,1"  # engagement not a number
    rows[3] = "A2,H,X,19x5,0.5,0.5,1"  # birth_year not a number
    rows[4] = "A3,H,X,1850,0.5,0.5,1"  # birth_year out of range
    rows[5] = "A0,H,X,1990,0.5,0.5,1"  # duplicate id
    rows[6] = "A5,ZZ,X,1990,0.5,0.5,1"  # unknown manager
    rows[7] = "A6,A6,X,1990,0.5,0.5,1"  # own manager
    rows[8] = "A7,H,,1990,0.5,0.5,1"  # empty department
    rows[9] = "A8,H,X,1990,0.5,0.5,4"  # level disagrees
    rows[10] = "A9,A10,X,1990,0.5,0.5,1"  # cycle A9 <-> A10
    rows[11] = "A10,A9,X,1990,0.5,0.5,1"
    rows[12] = "A11,H,X,1990,0.5,0.5,-1"  # negative level
    text = f"{HEADER},birth_year,digital,engagement,level\n" + "\n".join(rows) + "\n"
    messages = problems_of(write(tmp_path, text))
    assert len(messages) >= 11
    lines = {int(m.split(":")[1]) for m in messages}
    assert lines == set(range(3, 15)) - {13}  # the cycle is named once, at its first line


def test_many_lines_with_one_problem_are_summarised(tmp_path):
    rows = "\n".join(f"A{k},H,X,9" for k in range(100))
    messages = problems_of(write(tmp_path, f"{HEADER},digital\nH,,X,0.5\n{rows}\n"))
    assert len(messages) == 21
    assert messages[-1].endswith("80 more lines with the same problem (bad digital) not shown")


def test_short_and_long_rows(tmp_path):
    path = write(tmp_path, f"{HEADER},digital\nH,,X,0.5\nA,H\nB,H,X,0.5,extra\nC,H,X,0.5,\n")
    messages = problems_of(path)
    assert messages == [
        f"{path}:3: 2 fields but the header has 4",
        f"{path}:3: department is empty",
        f"{path}:4: 5 fields but the header has 4 (a separator inside an unquoted value?)",
    ]


def test_excel_workbook_is_named_as_the_problem(tmp_path):
    path = tmp_path / "org.xlsx"
    path.write_bytes(b"PK\x03\x04rest-of-zip")
    assert "Excel" in only(problems_of(path), "not CSV")


# --------------------------------------------------------------------------------------------
# Privacy: ids never leave the loader except in error messages


def test_ids_never_appear_in_the_chart(synthetic):
    table, chart = synthetic
    ids = set(table["employee_id"]) | set(table["manager_id"])
    texts = [repr(chart), repr(chart.summary()), repr(chart.notices), repr(chart.source)]
    texts += [repr(chart.department_names)]
    with np.printoptions(threshold=10**7):
        for name in ("parent", "level", "department", "birth_year", "hire_date", "digital"):
            texts.append(repr(getattr(chart, name)))
        texts.append(repr(chart.engagement))
    blob = "\n".join(texts)
    assert not [i for i in ids if i in blob]
    assert not [f for f in vars(chart) if "id" in f.lower()]


def test_generation_index_boundaries():
    years = np.array([1940, 1964, 1965, 1980, 1981, 1996, 1997, 2010, np.nan])
    assert generation_index(years).tolist() == [0, 0, 1, 1, 2, 2, 3, 3, -1]


# --------------------------------------------------------------------------------------------
# Invariant: any tree written as a shuffled export comes back with the same structure


@st.composite
def exports(draw):
    n = draw(st.integers(1, 40))
    parent = [-1] + [draw(st.integers(0, i - 1)) for i in range(1, n)]
    names = draw(st.permutations([f"P{k:03d}" for k in range(n)]))
    rows = draw(st.permutations(range(n)))
    outside_head = draw(st.booleans())
    return parent, names, rows, outside_head


def depths(parent: list[int]) -> np.ndarray:
    depth = np.zeros(len(parent), dtype=int)
    for i in range(1, len(parent)):  # parents come first in this encoding
        depth[i] = depth[parent[i]] + 1
    return depth


@settings(derandomize=True, deadline=None, max_examples=60)
@given(exports())
def test_loader_recovers_any_tree(export):
    parent, names, rows, outside_head = export
    n = len(parent)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["employee_id", "manager_id", "department", "digital"])
    for node in rows:  # digital tags each row with its node, to map positions back
        manager = names[parent[node]] if parent[node] >= 0 else ("OUT" if outside_head else "")
        writer.writerow([names[node], manager, f"D{node % 3}", f"{node / 1000:.3f}"])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "org.csv"
        path.write_text(out.getvalue(), encoding="utf-8")
        chart = load_org_chart(path)

    node_of = np.rint(chart.digital * 1000).astype(int)
    assert sorted(node_of.tolist()) == list(range(n))
    expected = depths(parent)
    assert np.bincount(chart.level).tolist() == np.bincount(expected).tolist()
    assert node_of[0] == 0 and chart.parent[0] == -1
    for position in range(1, n):
        assert node_of[chart.parent[position]] == parent[node_of[position]]
        assert chart.level[position] == expected[node_of[position]]
    # Breadth-first, and one manager's reports keep the file's order.
    assert np.all(np.diff(chart.level) >= 0)
    row_of = {node: k for k, node in enumerate(rows)}
    for manager in range(n):
        reports = np.flatnonzero(chart.parent == manager)
        assert np.all(np.diff(reports) == 1)
        file_order = [row_of[node_of[p]] for p in reports]
        assert file_order == sorted(file_order)
    # Department codes are numbered by first appearance in position order.
    first_seen = pd.unique(chart.department)
    assert first_seen.tolist() == list(range(len(chart.department_names)))
