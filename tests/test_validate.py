"""Validation of what can actually run: each design's first intake, and programs that cannot run.

The user's report (a 2,000-person bank): `mentee_levels = [7, 9]` in a 5-level org validated
and ran with 0 pairs; a one-person org chart and an empty design name were accepted; a typo
in a design that others inherit from was reported once per inheriting table.
"""

import pytest

from sim.cli.main import main
from sim.errors import InputError
from sim.model.capacity import ProgramCheck, sessions_per_pair_year
from sim.model.model import OrgCultureModel
from sim.scenario.design import ProgramDesign
from sim.scenario.loading import load_scenario, loads_scenario
from sim.scenario.seeds import replicate_seeds


def problems(text, tmp_path=None):
    with pytest.raises(InputError) as err:
        loads_scenario(text, "bank.toml", base_dir=tmp_path, checks=[ProgramCheck()])
    return [str(p) for p in err.value.problems]


def test_validate_prints_each_designs_first_intake(capsys):
    assert main(["validate", "telecom"]) == 0
    out = capsys.readouterr().out
    header, row = (line.split() for line in out.splitlines() if "reverse_mentoring" in line[:40])
    for column in ("eligible", "enrolled", "pool", "pairs", "unpaired", "sessions/pair/year"):
        assert column in out
    name, week, eligible, enrolled, pool, pairs, unpaired, sessions = row
    assert (name, week) == ("reverse_mentoring", "53")  # the week after a 52-week warm-up
    assert int(eligible) == int(enrolled) == int(pairs) > 40  # every senior, coverage 1
    assert int(unpaired) == 0 and int(pool) > int(pairs)
    assert sessions == "23.4"  # 26 fortnightly sessions a year x commitment 0.9
    assert "tenure: drawn from workforce.junior_tenure_years" in out


def test_expected_pairs_are_the_pairs_the_model_forms_at_the_first_intake():
    # The first intake (week 1) comes before any exit, so the replay is exact. (No warm-up:
    # the example's designs were chosen on the people as drawn; after this org's warm-up,
    # same_department finds no allowed mentor among its five, which the check reports.)
    text = """
years = 0.5
warmup_weeks = 0
[org]
size = 400
[designs.same_department]
pairing = "same_department"
coverage = 0.6
[designs.skill_gap]
pairing = "skill_gap"
mentee_levels = [1, 2]
min_mentor_tenure_weeks = 150
"""
    check = ProgramCheck()
    scenario = loads_scenario(text, checks=[check])
    seed = replicate_seeds(scenario.seed, 1)[0]
    for capacity, design in zip(check.capacities, scenario.designs, strict=True):
        model = OrgCultureModel(scenario, design, seed)
        model.step()
        intake = model.program.intakes[0]
        assert capacity.week == intake.start == 1
        assert capacity.enrolled == len(intake.mentees)
        assert capacity.pairs == model.program.pairs_formed > 0
        assert capacity.unpaired == len(intake.mentees) - len(intake.mentor_positions)


def test_sessions_per_pair_per_year_follow_cadence_duration_commitment_and_formality():
    assert sessions_per_pair_year(ProgramDesign()) == pytest.approx(9 * 0.9)  # 17 weeks
    ongoing = ProgramDesign(duration_weeks=None, cadence_weeks=4, commitment=1.0)
    assert sessions_per_pair_year(ongoing) == 13
    informal = ongoing.with_changes(formal=False, informal_factor=0.5)
    assert sessions_per_pair_year(informal) == 6.5


def test_a_design_that_pairs_no_one_is_refused_by_validate_and_run(tmp_path, capsys):
    path = tmp_path / "bank.toml"
    path.write_text("[org]\nsize = 300\n[designs.leaders]\nmentee_levels = [7, 9]\n")
    expected = (
        "bank.toml: designs.leaders.mentee_levels: found [7, 9]: no senior at those levels in "
        'this org (seniors are at levels 0 to 3); allowed: levels among 0 to 3, or "all", '
        "e.g. mentee_levels = [0]"
    )
    for command in (["validate", str(path)], ["run", str(path), "--out", str(tmp_path / "o")]):
        assert main(command) == 2
        captured = capsys.readouterr()
        assert captured.err.splitlines() == [expected] and "Traceback" not in captured.err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("design", "message"),
    [
        (
            "coverage = 0.05\nmentee_levels = [1]",
            "designs.p.coverage: found 0.05: 0.05 of 7 eligible seniors rounds to 0 mentees; "
            "allowed: at least 0.08 here (1 mentee)",
        ),
        (
            "min_mentor_tenure_weeks = 5000",
            "designs.p.min_mentor_tenure_weeks: found 5000: no junior has that much tenure at "
            "the first intake (week 1; the longest: ",
        ),
        (
            "start_week = 60",
            "designs.p.start_week: found 60: the first intake would be in week 61, after the "
            "run's last week 52; allowed: at most 51 here, or more years",
        ),
    ],
)
def test_the_key_that_stops_every_pairing_is_named(design, message):
    (problem,) = problems(f"years = 1\n[org]\nsize = 300\n[designs.p]\n{design}\n")
    assert problem.startswith(f"bank.toml: {message}")


def test_a_one_person_org_chart_is_refused(tmp_path, capsys):
    chart = tmp_path / "one.csv"
    chart.write_text("employee_id,manager_id,department\nE1,,HQ\n")
    assert main(["validate", str(chart)]) == 2
    assert capsys.readouterr().err.startswith(
        f"{chart}: 1 person, 0 with reports: too small to hold a program; allowed: at least one "
        "manager"
    )
    msgs = problems('[org]\nchart = "one.csv"\n[designs.p]\n', tmp_path)
    assert len(msgs) == 1
    assert msgs[0].startswith("bank.toml: org.chart: one.csv has 1 person, 0 with reports")


def test_an_empty_design_name_is_refused():
    with pytest.raises(InputError) as err:
        loads_scenario('[designs.""]\ncoverage = 0.5\n[designs.p]\n', "bank.toml")
    assert [str(p) for p in err.value.problems] == [
        'bank.toml: designs."": an empty design name; allowed: a name for tables and figures, '
        "e.g. [designs.monthly]"
    ]


def test_an_inherited_mistake_is_reported_once_under_the_table_that_holds_it():
    text = """
[org]
size = 300
[designs.base]
cadance_weeks = 4
commitment = 1.5
[designs.two_way]
inherits = "base"
two_way = true
[designs.trained]
inherits = "two_way"
mentor_training = true
"""
    with pytest.raises(InputError) as err:
        loads_scenario(text, "bank.toml")
    assert [str(p) for p in err.value.problems] == [
        "bank.toml: designs.base.cadance_weeks: unknown key; did you mean cadence_weeks?",
        "bank.toml: designs.base.commitment: found 1.5; allowed: a number from 0 to 1",
    ]
    # A design that pairs no one because of an inherited key: once, under the parent.
    text = text.replace("cadance_weeks = 4\ncommitment = 1.5", "mentee_levels = [7]")
    (problem,) = problems(text)
    assert problem.startswith("bank.toml: designs.base.mentee_levels: found [7]")


def test_a_mistake_made_by_combining_inherited_keys_is_reported_where_they_meet():
    text = '[designs.base]\nintake_every_weeks = 20\n[designs.long]\ninherits = "base"\n'
    with pytest.raises(InputError) as err:
        loads_scenario(text + "duration_weeks = 26\n", "bank.toml")
    assert [str(p) for p in err.value.problems] == [
        "bank.toml: designs.long.intake_every_weeks: 20 is shorter than duration_weeks 26; "
        "intakes would overlap the same mentees"
    ]


def test_validate_reads_the_case_library_by_name(capsys):
    assert main(["validate", "hartford"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("hartford: a valid scenario 'hartford' (the built-in case, ")
    assert load_scenario("hartford").name == "hartford"
