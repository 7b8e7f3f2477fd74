"""Scenario files: validation messages, inheritance, --set, the template."""

import datetime as dt

import pytest

from sim.errors import InputError
from sim.scenario.calibrated import calibrated_values
from sim.scenario.design import ProgramDesign, default_program
from sim.scenario.loading import load_scenario, loads_scenario, scenario_from_dict
from sim.scenario.template import parameter_table, scenario_template


def problems(text, sets=None):
    with pytest.raises(InputError) as err:
        loads_scenario(text, "case.toml", sets)
    return [str(p) for p in err.value.problems]


def test_the_template_loads_as_it_is_and_uses_every_default():
    scenario = loads_scenario(scenario_template(), "template.toml")
    assert scenario.design_names == ("baseline", "program")
    assert scenario.design("program") == ProgramDesign(name="program")
    # behaviour the calibration fits comes from it: the template leaves it out
    calibrated = calibrated_values()
    assert scenario.org.size == 500
    assert scenario.dynamics.exits.beta_e == calibrated["dynamics.exits.beta_e"] != 1.7
    assert scenario.dynamics.exits.e_ref == 0.55  # not fitted: the schema's default


def _leaf_paths(table, prefix=()):
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _leaf_paths(value, (*prefix, key))
        else:
            yield (*prefix, key)


def _loaded_value(scenario, path):
    if path[0] == "designs":
        return getattr(scenario.design(path[1]), path[2])
    obj = scenario
    for part in path:
        obj = getattr(obj, part)
    return obj


def test_every_key_of_the_template_shows_the_value_a_left_out_key_gets():
    # The user's report: a design that left keys out got duration_weeks 17, topic_focus 0.5
    # and mentee_levels (0, 1) while the template printed "ongoing", 1.0 and "all".
    import copy
    import tomllib

    raw = tomllib.loads(scenario_template())
    printed = loads_scenario(scenario_template(), "template.toml")
    paths = list(_leaf_paths(raw))
    assert ("designs", "program", "duration_weeks") in paths and len(paths) > 80
    for path in paths:
        without = copy.deepcopy(raw)
        table = without
        for part in path[:-1]:
            table = table[part]
        del table[path[-1]]
        left_out = scenario_from_dict(without, "template.toml")
        assert _loaded_value(left_out, path) == _loaded_value(printed, path), ".".join(path)


def test_the_built_in_design_differs_from_the_defaults_only_where_the_template_says():
    text = scenario_template()
    assert 'the built-in design "program"' in text
    assert 'mentee_levels = "all", duration_weeks = "ongoing", topic_focus = 1.0.' in text
    assert default_program() == ProgramDesign(
        name="program", mentee_levels=None, duration_weeks=None, topic_focus=1.0
    )


def test_a_misspelt_key_gets_the_closest_valid_one():
    msgs = problems("[designs.formal]\ncadance_weeks = 2\n")
    assert msgs == [
        "case.toml: designs.formal.cadance_weeks: unknown key; did you mean cadence_weeks?"
    ]


def test_ten_mistakes_give_ten_messages_at_once():
    text = """
yeers = 2
replicates = 0
start_date = 2021-08-10
launch_date = 2020-01-01
[org]
size = "big"
[dynamics.exits]
beta_e = -1
[designs.formal]
commitment = 1.5
pairing = "randon"
formal = "yes"
[designs.copy]
inherits = "formall"
"""
    msgs = problems(text)
    assert len(msgs) == 9
    text += '[designs.x]\ninherits = "y"\n[designs.y]\ninherits = "x"\n'
    msgs = problems(text)
    assert len(msgs) == 10
    joined = "\n".join(msgs)
    for fragment in (
        "yeers: unknown key; did you mean years?",
        "replicates: found 0; allowed: a whole number of at least 1",
        "launch_date: 2020-01-01 is before start_date 2021-08-10",
        "org.size: found 'big'",
        "dynamics.exits.beta_e: found -1; allowed: a number from 0 to 10",
        "designs.formal.commitment: found 1.5; allowed: a number from 0 to 1",
        "did you mean random?",
        "designs.formal.formal: found 'yes'; allowed: true or false",
        "no design named 'formall'; did you mean formal?",
        "circular inheritance",
    ):
        assert fragment in joined, fragment
    assert all(m.startswith("case.toml: ") for m in msgs)


def test_inheritance_overrides_only_what_it_names():
    s = loads_scenario("""
[designs.formal]
cadence_weeks = 4
topic_focus = 1.0
[designs.formal_two_way]
inherits = "formal"
two_way = true
""")
    child = s.design("formal_two_way")
    assert child.cadence_weeks == 4 and child.topic_focus == 1.0 and child.two_way


def test_words_for_none_and_dates():
    s = loads_scenario(
        'launch_date = "2024-06-03"\n[designs.p]\nduration_weeks = "ongoing"\n'
        'mentee_levels = "all"\nintake_every_weeks = "never"\n'
    )
    d = s.design("p")
    assert d.duration_weeks is None and d.mentee_levels is None and d.intake_every_weeks is None
    assert s.launch_date == dt.date(2024, 6, 3) and s.launch_week == 22


def test_baseline_is_a_reserved_design_name():
    assert "rename this design" in problems("[designs.baseline]\ncommitment = 0.5\n")[0]


def test_bad_toml_and_missing_files(tmp_path):
    assert "not valid TOML" in problems("name = \n")[0]
    with pytest.raises(InputError, match="no such scenario file; did you mean telecom.toml"):
        (tmp_path / "telecom.toml").write_text("")
        load_scenario(tmp_path / "telecon.toml")
    (tmp_path / "s.toml").write_text('[org]\nchart = "missing.csv"\n')
    with pytest.raises(InputError, match="org.chart: no such file"):
        load_scenario(tmp_path / "s.toml")


def test_set_overrides_are_validated_and_named():
    s = loads_scenario("[designs.p]\n", sets=["designs.p.cadence_weeks=4", "years=3"])
    assert s.design("p").cadence_weeks == 4 and s.years == 3
    msgs = problems("[designs.p]\n", sets=["designs.p.cadance_weeks=4", "oops"])
    assert "--set oops: expected key.path=value" in msgs[0]
    assert msgs[1] == "--set designs.p.cadance_weeks: unknown key; did you mean cadence_weeks?"


def test_scenario_hash_changes_with_any_value():
    a = loads_scenario("[designs.p]\n")
    b = loads_scenario("[designs.p]\ncommitment = 0.8\n")
    assert a.digest() == loads_scenario("[designs.p]\n").digest() != b.digest()


def test_parameter_table_lists_every_parameter():
    table = parameter_table()
    for key in ("`dynamics.exits.beta_e`", "`designs.NAME.cadence_weeks`", "`org.span`"):
        assert key in table


def test_a_synthetic_hr_export_imports_and_runs(tmp_path):
    from sim.runs.replicates import run_scenario
    from sim.scenario.orgchart import write_synthetic_org_chart

    write_synthetic_org_chart(2000, tmp_path / "org.csv", seed=3)
    (tmp_path / "hr.toml").write_text(
        'years = 0.25\n[org]\nchart = "org.csv"\n[designs.p]\nmentee_levels = "all"\n'
    )
    scenario = load_scenario(tmp_path / "hr.toml")
    results = run_scenario(scenario, seeds=[1])
    series = results.series
    first = series[series["week"] == 0].iloc[0]
    filled = first["headcount_junior"] + first["headcount_senior"]
    assert filled + first["vacancies_junior"] + first["vacancies_senior"] == 2000
    assert filled > 0.95 * 2000  # the warm-up's vacancies still open at week 0
    assert results.summary.set_index("design").loc["p", "pairs_formed"] > 100
    # Ids from the HR file never reach the outputs.
    import pandas as pd

    ids = pd.read_csv(tmp_path / "org.csv", dtype=str)["employee_id"]
    text = series.to_csv() + results.summary.to_csv()
    assert not any(i in text for i in ids)


def test_a_design_label_is_a_title_that_changes_no_result():
    plain = loads_scenario("[designs.monthly_chats]\ncadence_weeks = 4\n")
    labelled = loads_scenario(
        '[designs.monthly_chats]\ncadence_weeks = 4\nlabel = "Coffee chats, monthly"\n'
    )
    assert labelled.design("monthly_chats").title == "Coffee chats, monthly"
    assert plain.design("monthly_chats").title == "Monthly chats"  # the name, in words
    assert labelled.digest() == plain.digest()  # stored results keep their scenario hash
    via_set = loads_scenario(
        "[designs.monthly_chats]\ncadence_weeks = 4\n",
        sets=['designs.monthly_chats.label="Coffee chats, monthly"'],
    )
    assert via_set.design("monthly_chats").label == "Coffee chats, monthly"
    assert 'label = ""' in scenario_template()
    assert "`designs.NAME.label`" in parameter_table()


@pytest.mark.parametrize(
    ("value", "allowed"),
    [
        ("3", "text in quotes"),
        ('"two\\nlines"', "one line of at most 80 characters"),
        ('"' + "x" * 81 + '"', "one line of at most 80 characters"),
    ],
)
def test_a_bad_label_is_named_with_what_is_allowed(value, allowed):
    msgs = problems(f"[designs.p]\nlabel = {value}\n")
    assert len(msgs) == 1
    assert msgs[0].startswith("case.toml: designs.p.label: found ") and allowed in msgs[0]
