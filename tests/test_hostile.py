"""Hostile input, interruptions, full disks, concurrent writers and enormous numbers (issue 22).

Each kind of failure the hostile-input round found has tests here: nothing lost, nothing
leaked, no traceback. A test that needs a second process cleans it up.
"""

from __future__ import annotations

import errno
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.cli.main import main
from sim.errors import InputError
from sim.scenario.loading import loads_scenario
from sim.scenario.template import scenario_template

ROOT = Path(__file__).resolve().parents[1]
MAX_DEPTH = 32  # sim.safety.toml_text.MAX_DEPTH (a literal, so this module imports on main too)
SMALL = ["--set", "org.size=40", "--years", "0.1", "--replicates", "2", "--quiet"]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def template(**values: str) -> str:
    """The scenario template with some top-level lines replaced (``size = 500`` etc.)."""
    lines = scenario_template().splitlines()
    for key, value in values.items():
        lines = [f"{key} = {value}" if line.startswith(f"{key} = ") else line for line in lines]
    return "\n".join(lines) + "\n"


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# --- privacy: spreadsheet formulas ------------------------------------------------------------


@pytest.mark.parametrize(
    "cell", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "=HYPERLINK(1)"]
)
def test_formula_cells_are_neutralised(cell):
    from sim.safety import cells

    assert cells.safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-2.5", "-3", "+4", "1e5", "Person", "", 7, -1.5, None])
def test_numbers_and_plain_text_stay_as_they_are(cell):
    from sim.safety import cells

    assert cells.safe_cell(cell) == cell


def test_tables_keep_numeric_columns_and_neutralise_text_cells():
    from sim.safety import cells

    table = pd.DataFrame({"design": ["=evil()", "ok"], "value": [-1.0, 2.0]})
    safe = cells.safe_table(table)
    assert safe["design"].tolist() == ["'=evil()", "ok"]
    assert safe["value"].tolist() == [-1.0, 2.0] and safe["value"].dtype == float
    plain = pd.DataFrame({"a": ["x"], "b": [1]})
    assert cells.safe_table(plain) is plain  # nothing to change: the same table


def test_sim_pairs_with_names_neutralises_formula_names(tmp_path, capsys):
    from test_pairs import export, save

    from sim.safety import cells

    names_ = [
        '=HYPERLINK("http://x")',
        "+SUM(1)",
        "-cmd",
        "@SUM(A1)",
        "Ann",
        "Bo",
        "Cy",
        "Di",
        "Ed",
    ]
    frame = export([-1, 0, 0, 1, 1, 1, 2, 2, 2], hire=["2020-01-01"] * 9, digital=[0.5] * 9)
    path = save(frame.assign(name=names_), tmp_path)
    out = tmp_path / "pairs.csv"
    code = main(
        ["pairs", str(path), "--scenario", "telecom", "--date", "2026-03-02", "--out", str(out)]
        + ["--with-names"]
    )
    assert code == 0, capsys.readouterr().err
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    written = set(table["mentee_name"]) | set(table["mentor_name"])
    assert not any(n[:1] in "=+-@" and not cells._is_number(n) for n in written if n)
    assert any(n.startswith("'") for n in written)


def test_results_tables_are_spreadsheet_safe(tmp_path):
    from sim.runs.output import write_tables

    write_tables(tmp_path, {"money": pd.DataFrame({"design": ["@x"], "net": [-5.0]})}, {})
    assert (tmp_path / "money.csv").read_text().splitlines()[1] == "'@x,-5.0"


# --- data loss: concurrent writers --------------------------------------------------------------


@pytest.fixture
def held_lock(tmp_path):
    """Another process holding a sweep folder's lock (killed at the end)."""
    folder = tmp_path / "sweep"
    folder.mkdir()
    (folder / "results.sqlite").write_text("")  # a store someone is writing
    code = (
        "import sys, time; from sim.safety.locks import FileLock; "
        f"held = FileLock({str(folder / 'results.sqlite.lock')!r}).acquire(); "
        "print('locked', flush=True); time.sleep(60)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env()
    )
    try:
        assert proc.stdout.readline().strip() == "locked"
        yield folder, proc.pid
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()


def test_sweep_force_on_a_locked_folder_is_refused_naming_the_process(held_lock, capsys):
    folder, pid = held_lock
    sweep = ROOT / "experiments" / "sweeps" / "example.toml"
    assert main(["sweep", str(sweep), "--out", str(folder), "--force", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"process {pid}" in err and "Traceback" not in err
    assert (folder / "results.sqlite").exists()  # nothing of the running sweep was deleted


def test_a_lock_is_taken_once_per_process_and_released(tmp_path):
    from sim.safety.locks import FileLock, holder

    path = tmp_path / "x.lock"
    with FileLock(path, reentrant=True), FileLock(path, reentrant=True):  # an outer step
        assert str(os.getpid()) in holder(path)
    with FileLock(path), pytest.raises(InputError, match=f"process {os.getpid()}"):
        FileLock(path).acquire()  # two stores in one process: still one writer
    with FileLock(path, remove=True):
        pass
    assert not path.exists()


def test_two_results_writers_one_folder(tmp_path):
    from sim.runs.output import results_lock, write_atomically

    out = tmp_path / "res"
    code = (
        "import time; from pathlib import Path; from sim.runs.output import results_lock; "
        f"held = results_lock(Path({str(out)!r})).acquire(); print('locked', flush=True); "
        "time.sleep(60)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env()
    )
    try:
        assert proc.stdout.readline().strip() == "locked"
        with pytest.raises(InputError, match=f"process {proc.pid}"):
            write_atomically(out, True, lambda tmp: (tmp / "a.csv").write_text("x"))
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    assert not out.exists() and hidden(tmp_path) == [".res.lock"]  # the killed holder's
    with results_lock(out):  # a dead holder's lock is free again
        pass
    assert hidden(tmp_path) == []


# --- silent failure: a closed stdout ----------------------------------------------------------


def test_run_with_stdout_closed_early_writes_its_results_and_exits_nonzero(tmp_path):
    out = tmp_path / "res"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "run", "--out", str(out), *SMALL],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env(),
        cwd=tmp_path,
    )
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 141
    assert "Traceback" not in err and "broken pipe" in err and "files were written" in err
    assert (out / "summary.csv").is_file()


# --- interruptions: SIGTERM and SIGHUP ---------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_while_writing_leaves_nothing_and_exits_128_plus_signal(
    tmp_path, monkeypatch, capsys, signum
):
    import sim.runs.results_folder as output

    real = output.write_tables

    def killed_midway(folder, tables, meta):
        real(folder, tables, meta)
        os.kill(os.getpid(), signum)
        time.sleep(5)  # the handler raises before this ends

    monkeypatch.setattr(output, "write_tables", killed_midway)
    monkeypatch.chdir(tmp_path)
    before = signal.getsignal(signum)
    code = main(["run", "--out", str(tmp_path / "res"), *SMALL])
    assert code == 128 + signum
    assert signal.Signals(signum).name in capsys.readouterr().err
    assert os.listdir(tmp_path) == []  # no folder, no hidden temporary, no lock file
    assert signal.getsignal(signum) == before  # the command puts the handler back


# --- resources ----------------------------------------------------------------------------------


def test_validate_of_an_org_of_10_to_20_is_refused_at_once_with_the_estimate(tmp_path, capsys):
    path = tmp_path / "big.toml"
    path.write_text(template(size=str(10**20)))
    started = time.perf_counter()
    assert main(["validate", str(path)]) == 2
    assert time.perf_counter() - started < 2
    err = capsys.readouterr().err
    assert "org.size" in err and "memory" in err and "available" in err


@pytest.mark.parametrize(
    ("sets", "key"),
    [(["org.size=1000000000000"], "org.size"), (["replicates=1000000000"], "replicates")],
)
def test_enormous_sizes_are_refused_before_any_run(sets, key, capsys, tmp_path):
    started = time.perf_counter()
    args = ["run", "--out", str(tmp_path / "r"), "--quiet"]
    assert main([*args, *[x for s in sets for x in ("--set", s)]]) == 2
    assert time.perf_counter() - started < 3
    err = capsys.readouterr().err
    assert key in err and "Traceback" not in err


def test_a_sweep_of_10_to_9_steps_is_refused_without_making_the_grid(tmp_path, capsys):
    sweep = tmp_path / "s.toml"
    sweep.write_text(
        '[set]\n"org.size" = 40\n[parameters]\n'
        '"designs.*.commitment" = { low = 0.1, high = 0.9, steps = 1000000000 }\n'
    )
    started = time.perf_counter()
    assert main(["sweep", str(sweep), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    assert time.perf_counter() - started < 3
    assert "1e+09 values" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_memory_estimate_and_the_machine(capsys):
    from sim.safety import resources

    need = resources.estimate(10**20, 10, 2, 104)
    assert need.memory > 1e20
    problems = resources.check_estimate(need, "org.size", memory=8e9)
    assert "8.0 GB" in problems[0].message and "needs about" in problems[0].message
    assert resources.check_estimate(resources.estimate(500, 10, 2, 104), "x", 8e9) == []
    assert resources.available_memory() is None or resources.available_memory() > 0


def test_workers_above_the_cores_are_allowed_with_a_warning(capsys):
    from sim.safety import resources

    cores = os.cpu_count() or 1
    assert resources.capped_workers(cores * 1000) == cores * 1000
    assert "more than the" in capsys.readouterr().err
    assert resources.capped_workers(None) == cores


# --- full disk ----------------------------------------------------------------------------------


def test_a_full_disk_while_writing_results_is_one_line_and_leaves_nothing(
    tmp_path, monkeypatch, capsys
):
    import sim.runs.results_folder as output

    def full(folder, tables, meta):
        (folder / "series.csv").write_text("half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output, "write_tables", full)
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--out", "res", *SMALL]) == 2
    err = capsys.readouterr().err
    assert "disk is full" in err and "res" in err and "Traceback" not in err
    assert os.listdir(tmp_path) == []


def test_a_full_disk_under_the_store_is_named_not_a_rollback_error(tmp_path):
    from sim.runs.store import ResultStore

    class FullDisk:
        """A connection whose writes fail as SQLite's do on a full disk."""

        def __init__(self, conn):
            self.conn = conn

        def execute(self, sql, *args):
            if sql.startswith("INSERT"):
                raise sqlite3.OperationalError("database or disk is full")
            return self.conn.execute(sql, *args)

        def __getattr__(self, name):
            return getattr(self.conn, name)

    class Outcome:
        experiment, design, point, replicate, seed = "e", "d", 0, 0, 1
        status, wall_seconds, error, series = "ok", 0.1, None, None
        summary = {"x": 1.0}

    store = ResultStore(tmp_path)
    store.conn = FullDisk(store.conn)
    with pytest.raises(InputError, match="disk is full"):
        store.record(Outcome())
    store.close()


def test_atomic_file_removes_its_temporary_on_any_error(tmp_path):
    from sim.safety import targets

    with pytest.raises(InputError, match="disk is full"):
        with targets.atomic_file(tmp_path / "a.csv") as f:
            f.write("x")
            raise OSError(errno.ENOSPC, "full")
    with pytest.raises(KeyboardInterrupt):
        with targets.atomic_file(tmp_path / "a.csv") as f:
            raise KeyboardInterrupt
    assert os.listdir(tmp_path) == []


def test_too_little_free_space_is_refused_with_the_estimate(tmp_path):
    from sim.safety import targets

    with pytest.raises(InputError, match="needs about .* free"):
        targets.check_target(tmp_path / "out", needed_bytes=1e30)


# --- paths ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["../../evil", "..", "/etc/passwd", "a/../../b", "x\x00y\n", "C:\\win", " . ", ""]
)
def test_names_in_paths_have_no_separators_or_dots(name):
    from sim.safety import names

    safe = names.path_name(name)
    assert safe and "/" not in safe and "\\" not in safe and ".." not in safe
    assert not safe.startswith(".") and all(c.isprintable() for c in safe)


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_any_name_stays_inside_the_results_folder(tmp_path_factory, name):
    from sim.runs.output import default_out_dir

    root = Path("/tmp/results-root")
    out = default_out_dir(name, root)
    assert out.resolve().parent == root.resolve()


def test_a_scenario_named_with_dots_writes_inside_results(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    scenario = tmp_path / "s.toml"
    scenario.write_text(template(name='"../../escaped"'))
    assert main(["run", str(scenario), *SMALL]) == 0
    assert not (tmp_path.parent / "escaped").exists()
    (made,) = (tmp_path / "results").iterdir()
    assert made.name.startswith("escaped-")
    assert '"name": "../../escaped"' in (made / "manifest.json").read_text()  # display kept


def test_a_target_outside_its_folder_is_refused(tmp_path):
    from sim.safety import targets

    with pytest.raises(InputError, match="outside"):
        targets.check_target(tmp_path / "a" / ".." / ".." / "x", inside=tmp_path)


# --- tracebacks instead of messages -------------------------------------------------------------


def test_a_negative_pairs_seed_is_a_message(tmp_path, capsys):
    args = ["pairs", "x.csv", "--scenario", "telecom", "--seed", "-1"]
    assert main([*args, "--out", str(tmp_path / "p.csv")]) == 2
    err = capsys.readouterr().err
    assert "--seed -1" in err and "from 0" in err


@pytest.mark.parametrize("where", ["/proc/results", "FILE/results", "READONLY/results"])
def test_unwritable_out_is_refused_before_the_simulation(tmp_path, monkeypatch, capsys, where):
    import sim.runs.replicates as replicates
    from sim.safety import targets

    (tmp_path / "FILE").write_text("a plain file")
    (tmp_path / "READONLY").mkdir()
    real_access = os.access
    monkeypatch.setattr(
        targets.os,
        "access",
        lambda p, mode: False if "READONLY" in str(p) else real_access(p, mode),
    )  # root ignores file modes, so read-only is simulated

    def never(*args, **kwargs):
        raise AssertionError("the simulation ran")

    monkeypatch.setattr(replicates, "run_scenario", never)
    out = where if where.startswith("/") else str(tmp_path / where)
    assert main(["run", "--out", out, *SMALL]) == 2
    err = capsys.readouterr().err
    assert out in err and "Traceback" not in err


def test_toml_nested_50000_deep_is_a_message_naming_the_file(tmp_path, capsys):
    path = tmp_path / "deep.toml"
    path.write_text("a = " + "[" * 50_000 + "]" * 50_000 + "\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "deep.toml" in err and "nested" in err


def test_a_non_utf8_terminal_prints_non_ascii_names(tmp_path):
    scenario = tmp_path / "s.toml"
    scenario.write_text(template(name='"Führungskräfte – 年"'), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "sim", "validate", str(scenario)],
        capture_output=True,
        env={**env(), "PYTHONIOENCODING": "ascii", "LC_ALL": "C"},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr and b"F?hrungskr?fte" in done.stdout


def write_posterior(path: Path, rows: list[list[str]]) -> Path:
    header = "weight,dynamics.exits.beta_e,dynamics.engagement.h\n"
    path.write_text(header + "".join(",".join(r) + "\n" for r in rows))
    return path


def test_a_posterior_with_a_non_numeric_cell_names_its_line_and_column(tmp_path):
    from sim.calibration.posterior import read_posterior

    path = write_posterior(tmp_path / "p.csv", [["0.5", "1.0", "10"], ["0.5", "abc", "10"]])
    with pytest.raises(InputError) as err:
        read_posterior(path)
    (problem,) = err.value.problems
    assert problem.where == f"{path}: line 3, column dynamics.exits.beta_e"
    assert "'abc'" in problem.message and "prior" in problem.message


# --- wrong answers without an error -------------------------------------------------------------


def test_salaries_of_1e308_are_refused_naming_the_key(tmp_path, capsys):
    assert main(["validate", "telecom", "--set", "costs.salary_senior=1e308"]) == 2
    err = capsys.readouterr().err
    assert "costs.salary_senior" in err and "not finite" in err


def test_an_impossible_posterior_row_is_refused_whole_without_blaming_set(tmp_path, capsys):
    from sim.scenario.priors import prior_for

    hi = prior_for("dynamics.exits.beta_e").hi
    rows = [["0.25", "1.0", "10"]] * 3 + [["0.25", str(hi * 100), "10"]]
    path = write_posterior(tmp_path / "p.csv", rows)
    code = main(
        ["run", "--uncertainty", "posterior", "--posterior", str(path)]
        + ["--out", str(tmp_path / "r"), *SMALL]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "line 5, column dynamics.exits.beta_e" in err and "--set" not in err


def test_posterior_weights_must_be_non_negative_and_sum_to_one(tmp_path):
    from sim.calibration.posterior import read_posterior

    with pytest.raises(InputError, match="line 2, column weight"):
        read_posterior(write_posterior(tmp_path / "a.csv", [["-1", "1.0", "10"]]))
    with pytest.raises(InputError, match="sum to 3"):
        read_posterior(write_posterior(tmp_path / "b.csv", [["3", "1.0", "10"]]))


# --- fuzz: enormous sizes and deep nesting -------------------------------------------------------


@given(st.integers(min_value=10**9, max_value=10**40))
@settings(max_examples=25, deadline=2000)
def test_fuzz_org_sizes_are_refused_fast_with_an_estimate(size):
    with pytest.raises(InputError) as err:
        loads_scenario(template(size=str(size)), "fuzz.toml")
    text = str(err.value)
    assert "org.size" in text and ("memory" in text or "at most" in text)


@given(st.integers(min_value=MAX_DEPTH + 1, max_value=60_000), st.sampled_from("[{"))
@settings(max_examples=15, deadline=4000)
def test_fuzz_deep_nesting_is_refused_naming_the_file(depth, bracket):
    if bracket == "[":
        text = "a = " + "[" * depth + "]" * depth
    else:
        text = "a = " + "{b = " * depth + "1" + "}" * depth
    with pytest.raises(InputError, match="fuzz.toml: (nested|not valid)"):
        loads_scenario(text, "fuzz.toml")
