"""An imported informal network (`org.ties_file`) and a list of mentees (`mentees_file`).

Both name employees of an imported chart; every bad line is a problem naming the file and
line, all at once, and the CLI exits 2 without a traceback.
"""

import textwrap

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.cli.main import main
from sim.errors import InputError
from sim.model.model import OrgCultureModel
from sim.model.org import INFORMAL, shuffle_informal_ties
from sim.scenario.loading import load_scenario
from sim.scenario.orgchart import load_chart
from sim.scenario.orgchart.synthetic import synthesize_org_chart, synthesize_ties
from sim.scenario.orgchart.ties import load_mentee_list, load_ties

IDS = ["A", "B", "C", "D", "E", "F"]  # positions breadth-first: A, B, C, D, E, F


def ties_of(tmp_path, text, min_weight=0.0, name="ties.csv"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return load_ties(path, IDS, "org.csv", min_weight)


def problems_of(tmp_path, text, min_weight=0.0):
    with pytest.raises(InputError) as err:
        ties_of(tmp_path, text, min_weight)
    return [str(p) for p in err.value.problems]


def test_ties_are_undirected_positions_each_once(tmp_path):
    ties = ties_of(tmp_path, "from_id,to_id,weight\nD,F,3\nE,C,1\nA,D,2.5\nB,C,\nE,F,4\n")
    assert ties.pairs.tolist() == [[3, 5], [2, 4], [0, 3], [1, 2], [4, 5]]
    assert ties.weights.tolist() == [3, 1, 2.5, 1, 4]
    assert ties.isolated == 0 and ties.dropped == 0


@settings(max_examples=30, deadline=None)
@given(
    ties=st.sets(st.tuples(st.integers(0, 5), st.integers(0, 5)).filter(lambda t: t[0] < t[1])),
    flips=st.lists(st.booleans(), min_size=15, max_size=15),
    weights=st.lists(st.integers(0, 50), min_size=15, max_size=15),
)
def test_any_clean_edge_list_reads_back_as_its_ties(tmp_path_factory, ties, flips, weights):
    ties = sorted(ties)
    if len(ties) < 3:  # fewer would leave most of the six people alone: refused, tested above
        return
    rows = [
        (IDS[b], IDS[a]) if flip else (IDS[a], IDS[b])
        for (a, b), flip in zip(ties, flips, strict=False)
    ]
    text = "from_id,to_id,weight\n" + "".join(
        f"{x},{y},{w}\n" for (x, y), w in zip(rows, weights, strict=False)
    )
    path = tmp_path_factory.mktemp("t") / "ties.csv"
    path.write_text(text)
    try:
        read = load_ties(path, IDS, "org.csv")
    except InputError as err:
        assert "have no informal tie" in str(err)
        return
    assert read.pairs.tolist() == [list(t) for t in ties]
    assert read.weights.tolist() == weights[: len(ties)]


def test_weight_optional_semicolons_bom_and_crlf(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("\ufeffFrom_ID;To_ID\r\nD;F\r\nA;E\r\nB;C\r\n".encode())
    ties = load_ties(path, IDS, "org.csv")
    assert ties.pairs.tolist() == [[3, 5], [0, 4], [1, 2]]
    assert (ties.weights == 1).all()


def test_every_bad_line_is_named_at_once(tmp_path):
    found = problems_of(
        tmp_path,
        """\
        from_id,to_id,weight
        A,B,1
        A,E99,2
        C,C,1
        B,A,3
        D,E,lots
        D,F,-2
        ,F,1
        """,
    )
    assert found == [
        f"{tmp_path / 'ties.csv'}:3: to_id E99 is not an employee_id of org.csv; allowed: ids "
        "of the org chart (is the edge list from the same export?)",
        f"{tmp_path / 'ties.csv'}:4: C is tied to themself; remove it",
        f"{tmp_path / 'ties.csv'}:5: the tie B - A is already on line 2 (ties are undirected: "
        "list each pair once)",
        f"{tmp_path / 'ties.csv'}:6: weight 'lots' is not a number; allowed: a number >= 0 "
        "(e.g. messages exchanged), or empty for 1",
        f"{tmp_path / 'ties.csv'}:7: weight '-2' is negative; allowed: a number >= 0 "
        "(e.g. messages exchanged), or empty for 1",
        f"{tmp_path / 'ties.csv'}:8: from_id is empty",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the file is empty; expected a header: from_id,to_id"),
        ("from_id,to_id\n", "the file has a header but no rows"),
        ("source,to_id\nA,B\n", "missing required column from_id (columns found: source, "),
        ("from,target\nA,B\n", "did you mean 'from'? (rename that column to from_id)"),
    ],
)
def test_unreadable_files_say_what_is_missing(tmp_path, text, expected):
    assert any(expected in p for p in problems_of(tmp_path, text))


def test_min_weight_drops_weak_ties_and_isolation_warns_then_refuses(tmp_path):
    text = "from_id,to_id,weight\nA,B,9\nC,D,9\nE,F,1\n"
    ties = ties_of(tmp_path, text, min_weight=5)
    assert ties.pairs.tolist() == [[0, 1], [2, 3]] and ties.dropped == 1
    assert ties.isolated == 2
    assert any("1 of 3 ties have a weight below org.min_tie_weight 5" in n for n in ties.notices)
    few = ties_of(tmp_path, "from_id,to_id\nA,B\n")  # 4 of 6 alone: a warning
    assert any("warning: 4 of 6 people (67%) have no informal tie" in n for n in few.notices)
    (problem,) = problems_of(tmp_path, text, min_weight=10)  # every tie dropped
    assert "6 of 6 people (100%) have no informal tie at org.min_tie_weight 10" in problem
    assert "allowed: at most 90% without a tie" in problem


def test_mentee_list_problems(tmp_path):
    path = tmp_path / "mentees.csv"
    path.write_text("employee_id\nB\nZ9\nB\nD\nA\n")
    with pytest.raises(InputError) as err:
        load_mentee_list(path, IDS, np.array([1, 1, 1, 0, 0, 0], dtype=bool), "org.csv")
    found = [str(p).split(":", 1)[1] for p in err.value.problems]
    assert found == [
        "3: employee_id Z9 is not an employee_id of org.csv",
        "4: employee_id B is already listed on line 2",
        "5: employee_id D has no reports in org.csv; allowed: seniors (people with reports), "
        "who are the mentees",
    ]
    path.write_text("employee_id\nC\nA\n")
    listed = load_mentee_list(path, IDS, np.array([1, 1, 1, 0, 0, 0], dtype=bool), "org.csv")
    assert listed.tolist() == [0, 2]


@pytest.fixture
def org_files(tmp_path):
    """A 400-person synthetic export with its informal network, and a scenario using both."""
    chart = synthesize_org_chart(400, 5)
    chart.to_csv(tmp_path / "org.csv", index=False)
    synthesize_ties(chart, 5).to_csv(tmp_path / "ties.csv", index=False)
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        'name = "t"\nyears = 0.5\n[org]\nchart = "org.csv"\nties_file = "ties.csv"\n'
        '[designs.rm]\nmentee_selection = "most_connected"\nmax_pairs = 5\n'
    )
    return tmp_path


def test_a_run_uses_every_imported_tie_and_no_generated_one(org_files):
    scenario = load_scenario(org_files / "s.toml")
    chart = load_chart(scenario)
    model = OrgCultureModel(scenario, "rm", 3, org_chart=chart)
    n = model.org.size
    edges = set((model.org.edges[:, 0] * n + model.org.edges[:, 1]).tolist())
    imported = set((chart.informal[:, 0] * n + chart.informal[:, 1]).tolist())
    assert imported <= edges  # every imported tie is an org tie (informal, or also team)
    informal = model.org.edges[model.org.edge_kind == INFORMAL]
    assert set((informal[:, 0] * n + informal[:, 1]).tolist()) <= imported
    model.run_for(4)
    assert len(model.program.intakes[0].mentees) == 5


def test_the_network_ablation_shuffles_imported_ties_keeping_degrees(org_files):
    scenario = load_scenario(org_files / "s.toml")
    model = OrgCultureModel(scenario, None, 3, org_chart=load_chart(scenario))
    shuffled = shuffle_informal_ties(model.org, np.random.default_rng(0))

    def degrees(org):
        ties = org.edges[org.edge_kind == INFORMAL]
        return np.bincount(ties.ravel(), minlength=org.size)

    assert (degrees(shuffled) == degrees(model.org)).all()
    assert not np.array_equal(shuffled.edges, model.org.edges)


def test_ties_or_a_list_need_an_imported_chart(tmp_path, capsys):
    (tmp_path / "ties.csv").write_text("from_id,to_id\nA,B\n")
    (tmp_path / "m.csv").write_text("employee_id\nA\n")
    (tmp_path / "s.toml").write_text(
        'name = "t"\n[org]\nties_file = "ties.csv"\n'
        '[designs.rm]\nmentee_selection = "listed"\nmentees_file = "m.csv"\n'
        '[designs.other]\nmentees_file = "m.csv"\n'
    )
    assert main(["validate", str(tmp_path / "s.toml")]) == 2
    err = capsys.readouterr().err
    assert "org.ties_file: found 'ties.csv', but the organisation is generated" in err
    assert 'designs.rm.mentee_selection: found "listed", but the organisation is generated' in err
    assert 'designs.other.mentees_file: found a file, but mentee_selection is "random"' in err
    assert "Traceback" not in err


def test_validate_exits_2_naming_the_ties_line(org_files, capsys):
    ties = pd.read_csv(org_files / "ties.csv")
    ties.loc[16, "to_id"] = "E99"  # line 18 of the file (header on line 1)
    ties.to_csv(org_files / "ties.csv", index=False)
    assert main(["validate", str(org_files / "s.toml")]) == 2
    err = capsys.readouterr().err
    assert "ties.csv:18: to_id E99 is not an employee_id of org.csv" in err
    assert "Traceback" not in err


def test_validate_and_pairs_show_who_is_enrolled_and_why(org_files, capsys):
    (org_files / "m.csv").write_text("employee_id\n" + _seniors(org_files, 3))
    text = (org_files / "s.toml").read_text()
    text += '[designs.chosen]\nmentee_selection = "listed"\nmentees_file = "m.csv"\n'
    (org_files / "s.toml").write_text(text)
    assert main(["validate", str(org_files / "s.toml")]) == 0
    out = capsys.readouterr().out
    assert "informal network: " in out and "ties imported from ties.csv" in out
    assert "rm: mentee_selection most_connected, max_pairs 5: level 0: " in out
    assert "chosen: mentee_selection listed: " in out
    for design, n in (("rm", 5), ("chosen", 3)):
        out_file = org_files / f"pairs-{design}.csv"
        args = ["pairs", str(org_files / "org.csv"), "--scenario", str(org_files / "s.toml")]
        assert (
            main([*args, "--design", design, "--out", str(out_file), "--date", "2024-06-03"]) == 0
        )
        rows = pd.read_csv(out_file, dtype=str, keep_default_na=False)
        assert len(rows) == n
        assert (rows["mentee_selection"] == ("most_connected" if n == 5 else "listed")).all()
        if design == "rm":
            assert rows["mentee_score"].astype(int).min() >= 1
        else:
            assert set(rows["mentee_id"]) == set(_seniors(org_files, 3).split())


def _seniors(folder, k):
    chart = pd.read_csv(folder / "org.csv", dtype=str)
    managers = chart["manager_id"].dropna().unique()
    seniors = chart.loc[chart["employee_id"].isin(managers), "employee_id"]
    return "\n".join(sorted(seniors)[:k]) + "\n"


def test_sweeps_and_explain_read_the_ties_and_lists_too(org_files):
    from sim.runs.experiment import tasks
    from sim.scenario.orgchart.load import chart_inputs
    from sim.studies import explain

    scenario = load_scenario(org_files / "s.toml")
    for module in (tasks, explain):
        chart = module._chart(chart_inputs(scenario))
        assert chart.informal is not None
        assert chart.informal.tolist() == load_chart(scenario).informal.tolist()


def test_sim_run_says_what_validate_says_of_the_imported_files(org_files, capsys):
    org = pd.read_csv(org_files / "org.csv")
    org["favourite_colour"] = "blue"  # a column the model does not use: a notice
    org.to_csv(org_files / "org.csv", index=False)
    out = org_files / "run"
    args = ["run", str(org_files / "s.toml"), "--replicates", "2", "--quiet", "--out", str(out)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    (line,) = [x for x in printed.splitlines() if x.startswith("notice: org.csv: ignored")]
    assert line.startswith("notice: org.csv: ignored columns not used by the model: ")
    assert "favourite_colour" in line
