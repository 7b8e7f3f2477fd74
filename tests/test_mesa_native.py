"""OrgCultureModel as Mesa users expect it: keyword parameters, rng, DataCollector, batch_run."""

import datetime as dt
import doctest
import json
import subprocess
import sys
import textwrap

import mesa
import numpy as np
import pandas as pd
import pytest

from helpers import design, small_scenario
from sim import OrgCultureModel
from sim.errors import InputError
from sim.model.collector import SERIES_ONLY, usual_agent_reporters
from sim.scenario.design import default_program
from sim.scenario.keywords import NOT_RUN_KEYS, keyword_of, model_keywords, run_inputs
from sim.scenario.loading import scenario_from_dict
from sim.scenario.raw import scenario_raw


def problems(**keywords) -> str:
    """The error text of a model built with these keywords."""
    with pytest.raises(InputError) as err:
        OrgCultureModel(small_scenario(size=40), **keywords)
    return str(err.value)


# --- keyword parameters ----------------------------------------------------------------
def test_design_knobs_as_keywords_ask_for_a_program_with_those_knobs():
    assert OrgCultureModel(small_scenario(size=40)).design is None
    model = OrgCultureModel(small_scenario(size=40), cadence_weeks=4, commitment=0.5, formal=False)
    assert model.design == default_program().with_changes(
        cadence_weeks=4, commitment=0.5, formal=False
    )
    assert model.program is not None


def test_knobs_change_the_given_design_and_keep_the_scenarios_designs():
    scenario = small_scenario(size=40)
    model = OrgCultureModel(scenario, design(two_way=True), 1, topic_focus=0.2)
    assert model.design == design(two_way=True, topic_focus=0.2)
    assert model.config.designs == scenario.designs


def test_scenario_keys_as_keywords_use_double_underscores_for_dots():
    model = OrgCultureModel(
        small_scenario(size=40),
        years=0.5,
        org__span=4,
        dynamics__exits__beta_e=1.2,
        workforce__junior_age=(25, 30),
        launch_date="2024-03-04",
    )
    c = model.config
    assert (c.years, c.org.span, c.dynamics.exits.beta_e) == (0.5, 4, 1.2)
    assert c.workforce.junior_age == (25, 30)
    assert c.launch_date == dt.date(2024, 3, 4)


@pytest.mark.parametrize(
    ("key", "value", "toml"),
    [
        ("years", 3, "3"),
        ("org.size", 80, "80"),
        ("dynamics.engagement.kappa", 0.07, "0.07"),
        ("workforce.junior_age", [20, 30], "[20, 30]"),
        ("launch_date", "2024-06-03", "2024-06-03"),
        ("costs.currency", "EUR", '"EUR"'),
        ("dynamics.pathways.voice", False, "false"),
    ],
)
def test_a_keyword_sets_the_same_scenario_as_the_same_set(key, value, toml):
    base = small_scenario(size=40)
    via_keyword, _ = run_inputs(base, None, {keyword_of(key): value})
    via_set = scenario_from_dict(scenario_raw(base), "test", [f"{key}={toml}"])
    assert via_keyword == via_set


def test_every_keyword_is_a_python_name_and_names_every_key_of_a_run():
    keywords = model_keywords()
    assert all(name.isidentifier() for name in keywords)
    knobs = {k for k, kw in keywords.items() if kw.is_knob}
    assert {"cadence_weeks", "commitment", "topic_focus", "formal", "two_way"} <= knobs
    assert {"coverage", "duration_weeks", "mentor_selection", "mentee_levels"} <= knobs
    scenario_keys = {kw.key for kw in keywords.values() if not kw.is_knob}
    assert "dynamics.exits.beta_e" in scenario_keys and "org.size" in scenario_keys
    assert not any(
        k == skip or k.startswith(skip + ".") for k in scenario_keys for skip in NOT_RUN_KEYS
    )


def test_keywords_run_exactly_the_run_their_objects_describe():
    scenario = small_scenario(size=60, years=0.4)
    by_objects = OrgCultureModel(
        scenario.with_changes(years=0.3), design(cadence_weeks=4, two_way=True), seed=5
    )
    by_keywords = OrgCultureModel(scenario, design(), 5, cadence_weeks=4, two_way=True, years=0.3)
    for model in (by_objects, by_keywords):
        model.run_model()
    pd.testing.assert_frame_equal(by_objects.series(), by_keywords.series(), check_exact=True)


def test_none_and_the_keys_word_for_it_are_the_same_value():
    ongoing = OrgCultureModel(small_scenario(size=40), duration_weeks=None, mentee_levels=None)
    word = OrgCultureModel(small_scenario(size=40), duration_weeks="ongoing", mentee_levels="all")
    assert ongoing.design == word.design
    assert ongoing.design.duration_weeks is None and ongoing.design.mentee_levels is None


def test_numpy_values_from_a_sweep_are_accepted():
    model = OrgCultureModel(
        small_scenario(size=40),
        cadence_weeks=np.int64(3),
        commitment=np.float64(0.25),
        mentee_levels=np.array([0, 1]),
    )
    assert model.design.cadence_weeks == 3 and type(model.design.cadence_weeks) is int
    assert model.design.mentee_levels == (0, 1)


def test_a_design_by_name_and_the_baseline_by_its_name():
    scenario = small_scenario(size=40)
    assert OrgCultureModel(scenario, "program").design == scenario.designs[0]
    baseline = OrgCultureModel(scenario, "baseline", cadence_weeks=4)
    assert baseline.design is None and baseline.program is None
    assert "no design of that name" in problems(design="progam")
    assert "did you mean program?" in problems(design="progam")


def test_an_unknown_keyword_names_close_matches():
    assert "OrgCultureModel(cadance_weeks=4): unknown keyword; did you mean cadence_weeks" in (
        problems(cadance_weeks=4)
    )
    assert "did you mean dynamics__exits__beta_e?" in problems(beta_e=1.0)
    assert "did you mean dynamics__exits__beta_e?" in problems(**{"dynamics.exits.beta_e": 1.0})
    text = problems(colour="red")
    assert "unknown keyword; allowed: a design knob (" in text
    assert "cadence_weeks, session_hours" in text and "docs/mesa.md" in text


def test_a_bad_value_is_refused_as_the_loader_refuses_it_naming_the_keyword():
    text = problems(commitment=1.5, org__size=1, mentor_selection="loudest")
    lines = text.splitlines()
    assert len(lines) == 3  # every problem at once
    assert "OrgCultureModel(commitment=1.5): found 1.5; allowed: a number from 0 to 1" in lines
    assert any(line.startswith("OrgCultureModel(org__size=1): found 1;") for line in lines)
    assert any("one of most_digital, volunteers" in line for line in lines)
    assert "before start_date" in problems(launch_date="2023-01-02")


def test_a_scenario_or_design_of_the_wrong_kind_says_what_is_allowed():
    with pytest.raises(InputError, match=r"scenario='telecom'\): allowed: a Scenario"):
        OrgCultureModel(scenario="telecom")
    with pytest.raises(InputError, match="allowed: a ProgramDesign, a design's name"):
        OrgCultureModel(design={"cadence_weeks": 2})


# --- seeds ------------------------------------------------------------------------------
def test_rng_is_mesas_name_for_the_seed():
    scenario = small_scenario(size=40, years=0.2)
    a, b = OrgCultureModel(scenario, design(), rng=9), OrgCultureModel(scenario, design(), seed=9)
    for model in (a, b):
        model.run_model()
    assert a.seed == b.seed == 9
    pd.testing.assert_frame_equal(a.series(), b.series(), check_exact=True)
    drawn = OrgCultureModel(scenario, rng=np.random.default_rng(4)).seed
    assert drawn == OrgCultureModel(scenario, rng=np.random.default_rng(4)).seed


def test_an_unseeded_run_keeps_the_seed_it_drew_and_that_seed_repeats_it():
    scenario = small_scenario(size=40, years=0.2)
    runs = [OrgCultureModel(scenario, design(), seed=None) for _ in range(3)]
    assert len({m.seed for m in runs}) == 3  # 32-bit draws from the OS: no repeat here
    again = OrgCultureModel(scenario, design(), seed=runs[0].seed)
    for model in (runs[0], again):
        model.run_model()
    pd.testing.assert_frame_equal(runs[0].series(), again.series(), check_exact=True)


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        ({"seed": 3, "rng": 4}, "give seed or rng, not both"),
        ({"seed": -1}, "OrgCultureModel(seed=-1): allowed: a whole number of at least 0"),
        ({"rng": 1.5}, "or a numpy Generator to draw the seed from"),
        ({"seed": True}, "OrgCultureModel(seed=True): allowed"),
    ],
)
def test_a_bad_seed_is_refused(keywords, message):
    assert message in problems(**keywords)


# --- running ----------------------------------------------------------------------------
def test_running_turns_false_at_the_scenarios_end():
    scenario = small_scenario(size=40, years=0.25, launch_date=dt.date(2024, 2, 5))
    model = OrgCultureModel(scenario, design(), seed=1)
    assert scenario.weeks == 5 + 13 and model.running
    model.run_model()
    assert model.steps == scenario.weeks and not model.running
    model.step()  # a model stepped past the end still steps (the animation may)
    assert not model.running


# --- the DataCollector ------------------------------------------------------------------
def model_vars_match_series(model: OrgCultureModel) -> None:
    frame = model.datacollector.get_model_vars_dataframe()
    series = model.series()
    assert list(frame.columns) == [c for c in series.columns if c not in SERIES_ONLY]
    pd.testing.assert_frame_equal(frame, series[frame.columns], check_exact=True)
    assert model.datacollector._collection_steps == [float(w) for w in series["week"]]


def test_the_datacollector_holds_the_series_whenever_it_is_read():
    # A warm-up, so that the launch week's numbers come after the collector was first read.
    scenario = small_scenario(size=60, years=0.3, launch_date=dt.date(2024, 2, 5))
    model = OrgCultureModel(scenario, design(cadence_weeks=1), seed=2)
    assert isinstance(model.datacollector, mesa.DataCollector)
    model_vars_match_series(model)  # week 0 only
    model.run_for(3)
    model_vars_match_series(model)
    model.run_model()
    model_vars_match_series(model)
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame["sessions_held"].iloc[-1] > 0 and frame["turnover_junior"].notna().iloc[-1]


def test_a_run_that_never_reads_the_datacollector_collects_nothing():
    model = OrgCultureModel(small_scenario(size=40, years=0.1), design(), seed=1)
    model.run_model()
    assert model._collection is None  # no reporter ran: runs of sim run and sweeps pay nothing
    assert len(model.datacollector.get_model_vars_dataframe()) == model.steps + 1


def test_agent_reporters_on_request_are_collected_every_week():
    model = OrgCultureModel(small_scenario(size=60, years=0.1), design(), 3, agent_reporters=True)
    model.run_model()
    agents = model.datacollector.get_agent_vars_dataframe()
    assert list(agents.columns) == list(usual_agent_reporters())
    heads = model.series()[["headcount_junior", "headcount_senior"]].sum(axis=1)
    assert agents.groupby(level="Step").size().tolist() == heads.tolist()
    last = agents.xs(float(model.steps), level="Step")
    filled = np.flatnonzero(model.people.filled)
    assert sorted(last["position"]) == filled.tolist()
    by_position = last.set_index("position")["engagement"].sort_index()
    assert np.array_equal(by_position.to_numpy(), model.people.engagement[filled])
    model_vars_match_series(model)


def test_agent_reporters_by_name_and_a_misspelt_one():
    model = OrgCultureModel(small_scenario(size=40), agent_reporters=["engagement", "role"])
    frame = model.datacollector.get_agent_vars_dataframe()
    assert list(frame.columns) == ["engagement", "role"]
    assert set(frame["role"]) == {"Junior", "Senior"}
    text = problems(agent_reporters=["engagment"])
    assert "not an attribute of an Employee; did you mean engagement?" in text


# --- batch_run ----------------------------------------------------------------------------
BATCH_RUN = textwrap.dedent(
    """
    import json, sys, warnings
    import mesa
    from sim import OrgCultureModel

    def run():
        return mesa.batch_run(
            OrgCultureModel,
            parameters={"cadence_weeks": [2, 4], "commitment": [0.5, 0.9]},
            rng=[1, 2, 3],
            max_steps=52,
            display_progress=False,
        )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        unseeded = mesa.batch_run(
            OrgCultureModel,
            parameters={"org__size": 40},
            iterations=2,
            max_steps=3,
            display_progress=False,
        )
    json.dump({"first": run(), "second": run(), "unseeded": unseeded}, sys.stdout, default=str)
    """
)


def test_batch_run_runs_the_issues_example_twice_with_the_same_data():
    # batch_run sets the process's multiprocessing start method: in a process of its own.
    done = subprocess.run(
        [sys.executable, "-c", BATCH_RUN], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    first, second = pd.DataFrame(out["first"]), pd.DataFrame(out["second"])
    assert len(first) == 2 * 2 * 3  # one row per run: the last week's data
    pd.testing.assert_frame_equal(first, second, check_exact=True)
    assert (first["Step"] == 52).all() and (first["week"] == 52).all()
    assert sorted(first["seed"].unique()) == [1, 2, 3]
    # The same seed and cadence with a different commitment: the same org, other numbers.
    one = first[(first["seed"] == 1) & (first["cadence_weeks"] == 2)]
    assert len(one) == 2 and one["sessions_held"].nunique() == 2
    unseeded = pd.DataFrame(out["unseeded"])
    assert unseeded["seed"].isna().all()  # iterations= passes no seed: each run draws its own
    assert unseeded["engagement_junior"].nunique() == 2


def test_the_models_docstring_examples_run():
    from sim.model import model as module

    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in doctest.DocTestFinder().find(module.OrgCultureModel, globs={}):
        runner.run(test)
    assert runner.tries >= 7 and runner.failures == 0
