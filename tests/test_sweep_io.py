"""Sweep files and the Experiment API: what is accepted, what is refused, and how it reads."""

import pytest

from helpers import small_scenario
from sim.errors import InputError
from sim.runs.experiment import Experiment, LatinHypercube, Morris, Range, Sobol
from sim.runs.sweep_file import load_sweep, sweep_from_dict

BASE = {"set": {"org.size": 60, "years": 0.2}, "replicates": 2}


def problems_of(raw) -> list[str]:
    with pytest.raises(InputError) as err:
        sweep_from_dict({**BASE, **raw}, "s.toml")
    return [str(p) for p in err.value.problems]


def test_a_factorial_sweep_has_every_combination_in_order():
    exp = sweep_from_dict(
        {
            **BASE,
            "parameters": {
                "designs.*.cadence_weeks": [1, 4],
                "designs": {"program": {"commitment": {"low": 0.5, "high": 1.0, "steps": 3}}},
            },
        },
        "s.toml",
    )
    assert exp.points == [
        {"designs.*.cadence_weeks": c, "designs.program.commitment": m}
        for c in (1, 4)
        for m in (0.5, 0.75, 1.0)
    ]
    assert exp.designs == ("baseline", "program")
    assert len(exp.tasks()) == 6 * 2 * 2
    scenario = exp.point_scenario(5)
    assert scenario.design("program").cadence_weeks == 4
    assert scenario.design("program").commitment == 1.0
    assert scenario.org.size == 60


def test_seeds_are_shared_by_every_design_and_point():
    exp = sweep_from_dict({**BASE, "parameters": {"dynamics.exits.beta_e": [1.0, 2.0]}}, "s")
    seeds = {}
    for t in exp.tasks():
        seeds.setdefault(t.replicate, set()).add(t.seed)
    assert all(len(s) == 1 for s in seeds.values()) and len(seeds) == 2
    again = sweep_from_dict({**BASE, "parameters": {"dynamics.exits.beta_e": [1.0, 2.0]}}, "s")
    assert again.seeds == exp.seeds and again.digest() == exp.digest()


def test_nested_and_quoted_parameter_keys_mean_the_same():
    quoted = sweep_from_dict({**BASE, "parameters": {"dynamics.exits.beta_e": [1.0]}}, "s")
    nested = sweep_from_dict(
        {**BASE, "parameters": {"dynamics": {"exits": {"beta_e": [1.0]}}}}, "s"
    )
    assert quoted.digest() == nested.digest()


def test_unknown_key_gets_a_suggestion():
    assert problems_of({"replicats": 3}) == [
        "s.toml: replicats: unknown key; did you mean replicates?"
    ]


def test_unknown_parameter_path_gets_the_scenario_loaders_suggestion():
    (msg,) = problems_of({"parameters": {"dynamics.exits.bta_e": [1.0]}})
    assert msg == "s.toml: parameters.dynamics.exits.bta_e: unknown key; did you mean beta_e?"


def test_a_range_on_an_unknown_path_is_called_unknown_not_non_numeric():
    spec = {"low": 1.0, "high": 2.0, "steps": 2}
    (msg,) = problems_of({"parameters": {"dynamics.exits.bta_e": spec}})
    assert msg == "s.toml: parameters.dynamics.exits.bta_e: unknown key; did you mean beta_e?"


def test_value_out_of_range_is_refused_with_the_allowed_range():
    (msg,) = problems_of({"parameters": {"dynamics.exits.beta_e": [1.0, 20]}})
    assert msg.startswith("s.toml: parameters.dynamics.exits.beta_e: found 20")
    assert "from 0 to 10" in msg


def test_range_bounds_are_checked_against_the_schema():
    (msg,) = problems_of(
        {"parameters": {"designs.*.commitment": {"low": 0.5, "high": 1.5, "steps": 3}}}
    )
    assert "parameters.designs.*.commitment: found 1.5; allowed: a number from 0 to 1" in msg


def test_bad_range_is_refused():
    msgs = problems_of(
        {
            "parameters": {
                "dynamics.exits.beta_e": {"low": 2.0, "high": 1.0, "steps": 3},
                "dynamics.exits.c_e": {"low": 0.0, "high": 0.1},
                "dynamics.exits.beta_c": {"low": 0.0, "hgh": 0.1},
            }
        }
    )
    assert "s.toml: parameters.dynamics.exits.beta_e: low 2 must be below high 1" in msgs
    assert any("beta_c.hgh: unknown key; did you mean high?" in m for m in msgs)
    assert any("c_e: a factorial grid needs steps" in m for m in msgs)


def test_unknown_design_is_refused_with_a_suggestion():
    msgs = problems_of(
        {"designs": ["baseline", "progam"], "parameters": {"designs.progrm.cadence_weeks": [1]}}
    )
    assert "s.toml: designs: no design named 'progam'; did you mean program?" in msgs
    assert any(
        "parameters.designs.progrm.cadence_weeks: no design named 'progrm' in the scenario; "
        "did you mean program?" in m
        for m in msgs
    )


def test_every_problem_is_reported_at_once():
    msgs = problems_of(
        {
            "replicats": 3,
            "outcomes": "serie",
            "set": {"org.sise": 10},
            "sample": {"method": "sobol", "n": 100},
            "parameters": {"dynamics.exits.beta_e": [1.0, 99]},
        }
    )
    joined = "\n".join(msgs)
    assert "replicats: unknown key" in joined
    assert "outcomes: found 'serie'; allowed: summary or series; did you mean series?" in joined
    assert "s.toml: set.org.sise: unknown key; did you mean size?" in joined
    # sample n and the parameter value are checked once the base scenario is valid
    assert len(msgs) == 3


def test_sample_and_parameter_problems_are_reported_together():
    msgs = problems_of(
        {
            "sample": {"method": "sobol", "n": 100},
            "parameters": {"dynamics.exits.beta_e": [1.0, 2.0], "dynamics.exits.c_e": {"low": 0}},
        }
    )
    joined = "\n".join(msgs)
    assert "sample.n: found 100; allowed: a power of 2" in joined
    assert "beta_e: a sobol sample draws from a range" in joined
    assert "c_e: a range needs high" in joined


def test_seed_and_replicates_cannot_be_varied():
    (msg,) = problems_of({"parameters": {"seed": [1, 2]}})
    assert "parameters.seed: cannot be varied" in msg


def test_a_sweep_file_reports_its_own_name(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('replicates = 2\n[parameters]\n"designs.*.cadense_weeks" = [1, 2]\n')
    with pytest.raises(InputError) as err:
        load_sweep(path)
    assert [str(p) for p in err.value.problems] == [
        "mine.toml: parameters.designs.*.cadense_weeks: unknown key; did you mean cadence_weeks?"
    ]
    (tmp_path / "bad.toml").write_text("replicates = = 2\n")
    with pytest.raises(InputError, match="bad.toml: not valid TOML"):
        load_sweep(tmp_path / "bad.toml")


def test_a_scenario_file_is_found_relative_to_the_sweep(tmp_path):
    (tmp_path / "case.toml").write_text("name = 'case'\n[org]\nsize = 70\n")
    (tmp_path / "sweep.toml").write_text('scenario = "case.toml"\nreplicates = 1\n')
    exp = load_sweep(tmp_path / "sweep.toml")
    assert exp.base.org.size == 70 and exp.name == "sweep" and exp.points == [{}]


# --- sample sizes ---------------------------------------------------------------------------
def test_latin_hypercube_has_n_points_inside_the_bounds_one_per_stratum():
    exp = Experiment(
        small_scenario(),
        {"dynamics.exits.beta_e": Range(1.0, 2.0), "designs.*.cadence_weeks": Range(1, 8)},
        sample=LatinHypercube(n=10, seed=3),
    )
    assert len(exp.points) == 10
    beta = sorted(p["dynamics.exits.beta_e"] for p in exp.points)
    assert all(1.0 <= b <= 2.0 for b in beta)
    # one value per tenth of the range: the Latin hypercube property
    assert sorted(int((b - 1.0) * 10) for b in beta) == list(range(10))
    assert all(isinstance(p["designs.*.cadence_weeks"], int) for p in exp.points)


def test_sobol_sample_size_is_n_times_d_plus_2_or_2d_plus_2():
    params = {f"dynamics.exits.{k}": Range(0.0, 0.2) for k in ("beta_c", "c_e", "base_junior")}
    first = Experiment(small_scenario(), params, sample=Sobol(n=8))
    assert len(first.points) == 8 * (3 + 2)
    second = Experiment(small_scenario(), params, sample=Sobol(n=8, second_order=True))
    assert len(second.points) == 8 * (2 * 3 + 2)


def test_morris_sample_size_is_trajectories_times_d_plus_1():
    params = {f"dynamics.exits.{k}": Range(0.0, 0.2) for k in ("beta_c", "c_e")}
    exp = Experiment(small_scenario(), params, sample=Morris(trajectories=5, levels=4, seed=1))
    assert len(exp.points) == 5 * (2 + 1)
    assert (
        exp.digest()
        == Experiment(
            small_scenario(), params, sample=Morris(trajectories=5, levels=4, seed=1)
        ).digest()
    )


def test_sobol_n_must_be_a_power_of_two():
    with pytest.raises(InputError, match="sample.n: found 10; allowed: a power of 2"):
        Experiment(small_scenario(), {"dynamics.exits.c_e": Range(0, 0.1)}, sample=Sobol(n=10))


def test_combinations_that_conflict_are_refused_before_anything_runs():
    msgs = problems_of(
        {
            "parameters": {
                "designs.*.intake_every_weeks": [10, 30],
                "designs.*.duration_weeks": [17, 26],
            }
        }
    )
    assert msgs == [
        "s.toml: parameters (point 0: designs.*.intake_every_weeks=10, "
        "designs.*.duration_weeks=17): designs.program.intake_every_weeks: 10 is shorter than "
        "duration_weeks 17; intakes would overlap the same mentees",
        "s.toml: parameters (point 1: designs.*.intake_every_weeks=10, "
        "designs.*.duration_weeks=26): designs.program.intake_every_weeks: 10 is shorter than "
        "duration_weeks 26; intakes would overlap the same mentees",
    ]


@pytest.mark.parametrize(
    "name, points, runs", [("example.toml", 9, 180), ("morris_example.toml", 50, 100)]
)
def test_the_example_sweep_files_are_valid(name, points, runs):
    from pathlib import Path

    exp = load_sweep(Path(__file__).resolve().parent.parent / "experiments" / "sweeps" / name)
    assert len(exp.points) == points and len(exp.tasks()) == runs
