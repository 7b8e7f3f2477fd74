"""Scenario.with_overrides: a new validated scenario, checked as the loader checks a file."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import small_scenario
from sim import OrgCultureModel, default_scenario
from sim.errors import InputError
from sim.scenario.loading import default_with_overrides


def problems(scenario, *args, **keys) -> list[str]:
    with pytest.raises(InputError) as err:
        scenario.with_overrides(*args, **keys)
    return [str(p) for p in err.value.problems]


def test_with_overrides_returns_a_new_scenario_and_leaves_the_old_one_unchanged():
    old = default_scenario()
    new = old.with_overrides({"dynamics.exits.beta_e": 1.2}, org__size=80, years=3)
    assert new is not old
    assert (new.dynamics.exits.beta_e, new.org.size, new.years) == (1.2, 80, 3.0)
    assert old == default_scenario() and old.dynamics.exits.beta_e == 1.7
    assert new.digest() != old.digest()
    assert old.with_overrides() == old


def test_dots_and_double_underscores_name_the_same_key_in_either_place():
    base = default_scenario()
    expected = base.with_overrides({"dynamics.engagement.kappa": 0.07})
    assert base.with_overrides(dynamics__engagement__kappa=0.07) == expected
    assert base.with_overrides({"dynamics__engagement__kappa": 0.07}) == expected
    assert problems(base, {"years": 2}, years=3) == ["years: given twice (also as years)"]


def test_values_that_are_no_mapping_are_refused():
    (line,) = problems(default_scenario(), ["years=3"])
    assert line.startswith("with_overrides(['years=3']): allowed: a mapping of keys to values")


def test_a_designs_knob_is_designs_name_key_and_other_designs_stay():
    base = default_scenario()
    two = base.with_changes(designs=(*base.designs, base.designs[0].with_changes(name="other")))
    changed = two.with_overrides({"designs.program.cadence_weeks": 4})
    assert changed.designs[0] == two.designs[0].with_changes(cadence_weeks=4)
    assert changed.designs[1] is two.designs[1]


def test_values_convert_as_the_loader_converts_them():
    s = default_scenario().with_overrides(
        launch_date="2024-03-04",
        workforce__junior_age=[25, 30],
        designs__program__duration_weeks="ongoing",
        designs__program__mentee_levels=np.array([0, 1]),
        designs__program__commitment=np.float64(0.5),
        years=np.int64(3),
    )
    assert s.launch_date == dt.date(2024, 3, 4) and s.workforce.junior_age == (25, 30)
    program = s.designs[0]
    assert program.duration_weeks is None and program.mentee_levels == (0, 1)
    assert type(program.commitment) is float and type(s.years) is float


def test_a_bad_value_is_refused_with_the_key_named_and_every_problem_at_once():
    lines = problems(
        default_scenario(),
        {"designs.program.commitment": 1.5},
        org__size=1,
        costs__currency="euro",
    )
    assert len(lines) == 3
    assert "designs.program.commitment: found 1.5; allowed: a number from 0 to 1" in lines
    assert "org__size: found 1; allowed: a whole number of at least 2" in lines
    assert any(line.startswith("costs__currency: found 'euro'; allowed: a three") for line in lines)


def test_an_unknown_key_is_refused_with_close_matches():
    base = default_scenario()
    assert problems(base, beta_e=1.0) == [
        "beta_e: unknown key; did you mean dynamics.exits.beta_e?"
    ]
    (line,) = problems(base, {"dynamics.exit.beta_e": 1.0})
    assert line.startswith("dynamics.exit.beta_e: unknown key; did you mean dynamics.exits.beta_e")
    (line,) = problems(base, {"designs.progam.cadence_weeks": 4})
    assert line.endswith("no design named 'progam' in the scenario; did you mean program?")
    (line,) = problems(base, colour="red")
    assert "unknown key; allowed: a scenario file's key" in line
    assert "removed in model v3" in problems(base, {"dynamics.sessions.g_mentor": 0.1})[0]
    no_designs = base.with_changes(designs=())
    assert problems(no_designs, {"designs.program": 1}) == [
        "designs.program: expected designs.NAME.KEY, e.g. designs.NAME.cadence_weeks"
    ]
    assert problems(no_designs, {"designs.program.coverage": 1}) == [
        "designs.program.coverage: no design named 'program' in the scenario; designs: none"
    ]


def test_the_loaders_checks_of_several_values_run_again():
    base = default_scenario()
    (line,) = problems(base, launch_date="2023-06-05")
    assert line == (
        "launch_date: 2023-06-05 is before start_date 2024-01-01; the launch must be on or "
        "after the start"
    )
    (line,) = problems(
        base, designs__program__duration_weeks=10, designs__program__intake_every_weeks=4
    )
    assert line.startswith("designs__program__intake_every_weeks: 4 is shorter than duration")


def test_a_model_built_with_keywords_equals_one_built_with_with_overrides():
    scenario = small_scenario(size=60, years=0.4)
    keys = {"dynamics__exits__beta_e": 2.5, "org__span": 4, "years": 0.3}
    by_keywords = OrgCultureModel(scenario, scenario.designs[0], 3, **keys)
    by_scenario = OrgCultureModel(scenario.with_overrides(**keys), scenario.designs[0], 3)
    assert by_keywords.config == by_scenario.config
    for model in (by_keywords, by_scenario):
        model.run_model()
    pd.testing.assert_frame_equal(by_keywords.series(), by_scenario.series(), check_exact=True)


# Numeric keys, mostly inside their allowed ranges and a little outside (both must refuse).
NUMERIC = {
    "years": st.floats(0.0, 52.0),
    "org.size": st.integers(1, 5000),
    "dynamics.exits.beta_e": st.floats(0.0, 10.5),
    "dynamics.engagement.kappa": st.floats(0.0, 1.05),
    "workforce.sd": st.floats(0.005, 0.26),
    "designs.program.cadence_weeks": st.integers(0, 53),
    "designs.program.commitment": st.floats(0.0, 1.02),
}


@settings(max_examples=100)
@given(st.fixed_dictionaries({}, optional=NUMERIC))
def test_with_overrides_agrees_with_the_same_set_through_the_loader(values):
    sets = [f"{key}={value!r}" for key, value in values.items()]
    try:
        via_set = default_with_overrides(sets)
    except InputError as err:
        with pytest.raises(InputError) as ours:
            default_with_overrides([]).with_overrides(values)
        # The same messages, each under its key (--set KEY for the loader, KEY here).
        expected = [(p.where.removeprefix("--set "), p.message) for p in err.problems]
        assert sorted((p.where, p.message) for p in ours.value.problems) == sorted(expected)
        return
    assert default_with_overrides([]).with_overrides(values) == via_set
