"""`sim explain`, and the `--explain` section of `sim compare`: which pathway carries an effect."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from sim.cli.options import add_history_option, add_results_folder_options, add_workers_option
from sim.errors import InputError, Problem

DESCRIPTION = """Split each design's effect on junior turnover (each year after the launch) and on
junior engagement into the pathways that carry it: the listening climate, leaders' learning,
growth (two-way exchange), mentors' voice and the mentee impulse ([dynamics.pathways]). Every
on/off combination of the pathways runs on the same replicate seeds as the no-program baseline
(common random numbers), and each pathway gets its Shapley share: its average contribution over
every order of switching the pathways on. The shares add up to the total effect in every
replicate; the table shows their mean with a 95% interval over replicates. A pathway that
cannot act for a design (growth without two-way exchange, or one the scenario switches off) is
not toggled: its share is exactly 0, and half as many runs are needed. Writes explain.csv (a
row per design, outcome, pathway and replicate), explain_summary.csv, explain.png and
manifest.json."""

EPILOG = """examples:
  sim explain                                   the telecom case, every design
  sim explain scenarios/hartford.toml --replicates 20 --workers 2
  sim explain my.toml --designs monthly --outcomes turnover_junior_y1,engagement_junior_y1

the same seeds as sim run and sim compare: the first replicates' totals are their differences.
exit status: 0 done; 2 bad input; 130 interrupted
"""


def add_explain_parser(sub: argparse._SubParsersAction) -> None:
    """Register `sim explain` on the `sim` command's subparsers."""
    p = sub.add_parser(
        "explain",
        help="split each design's effect into the pathways that carry it (Shapley shares)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "scenario",
        nargs="?",
        help="scenario TOML file (default: the telecom case, scenarios/telecom.toml)",
    )
    p.add_argument(
        "--designs", help="comma-separated program designs to explain (default: every design)"
    )
    p.add_argument(
        "--outcomes",
        help="comma-separated summary columns to split (default: turnover_junior_y1, "
        "turnover_junior_y2, ... for each complete year, and engagement_junior_end)",
    )
    p.add_argument(
        "--replicates",
        type=int,
        help="replicate seeds (default: the scenario's replicates; the first seeds are those "
        "of sim run and sim compare)",
    )
    p.add_argument(
        "--replicate-seed",
        type=int,
        action="append",
        metavar="SEED",
        help="use exactly this replicate seed (a 'seed' from summary.csv); repeatable",
    )
    p.add_argument("--seed", type=int, help="base seed; replicate seeds are drawn from it")
    p.add_argument("--years", type=float, help="years to simulate after the launch")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a scenario value, e.g. --set dynamics.exits.beta_e=2.0",
    )
    add_workers_option(p)
    add_history_option(p)
    p.add_argument(
        "--all-pathways",
        action="store_true",
        help="toggle every pathway the scenario leaves on, even one that cannot act for a "
        "design (twice the runs; its share comes out exactly 0)",
    )
    add_results_folder_options(p)


def _names(text: str | None) -> list[str] | None:
    if not text:
        return None
    return [t.strip() for t in text.split(",") if t.strip()]


def run_explain(
    scenario,
    designs: list[str] | None,
    args: argparse.Namespace,
    seeds: list[int] | None = None,
    outcomes: list[str] | None = None,
):
    """Run `sim.studies.explain.explain` on the executor `--workers` asks for."""
    from sim.runs.executors import open_backend
    from sim.studies.explain import explain

    with open_backend(args.workers) as backend:
        return explain(
            scenario,
            designs,
            replicates=getattr(args, "replicates", None),
            outcomes=outcomes,
            executor=backend.executor,
            seeds=seeds,
            skip_inert=not getattr(args, "all_pathways", False),
            progress=not args.quiet,
            window=max(8, 4 * backend.workers),
        ), backend.description


def print_explain(result, summary: pd.DataFrame) -> None:
    """The explain tables, one per design, with the notes on pathways that cannot act."""
    from sim.viz.explain_plot import explain_notes, explain_tables

    notes = explain_notes(summary)
    n = len(result.seeds)
    for design, table in explain_tables(summary).items():
        k = len(result.toggled[design])
        print()
        print(
            f"Design {design!r}: effect vs the no-program baseline on the same {n} seeds, "
            f"split by pathway (Shapley shares; {2**k - 1} pathway combinations per seed)"
        )
        print("mean [95% interval over replicates] and percent of the total; turnover in pp")
        print(table.to_string())
        for line in notes.get(design, []):
            print(f"  {line}")


def write_figure(folder: Path, summary: pd.DataFrame) -> Path:
    """explain.png, drawn from the summary table."""
    from sim.viz.explain_plot import explain_figure

    path = folder / "explain.png"
    explain_figure(summary).savefig(path, format="png", dpi=150)
    return path


def cmd_explain(args: argparse.Namespace) -> int:
    """`sim explain [SCENARIO]`."""
    scenario, names, outcomes = _explain_inputs(args)
    out = _out_dir(scenario, args)
    _print_plan(scenario, names, args)
    started = time.perf_counter()
    try:
        result, where = run_explain(scenario, names, args, args.replicate_seed, outcomes)
    except RuntimeError as err:  # a worker process died: nothing to write
        print(f"error: {err}; nothing was written", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    summary = result.summary()
    print(f"Ran {result.runs} runs on {where} in {elapsed:.1f} s")
    print_explain(result, summary)
    _write_explain(out, args.force, scenario, result, summary, elapsed)
    print()
    print(f"Wrote {out}/ (explain.csv, explain_summary.csv, explain.png, manifest.json)")
    return 0


def _explain_inputs(args: argparse.Namespace):
    """The scenario, the designs to split and the outcomes (None: the defaults), checked."""
    from sim.cli.scenario_args import load_for_run
    from sim.studies.explain import check_designs, check_outcomes, default_outcomes

    if args.replicates is not None and args.replicates < 1:
        raise InputError([Problem(f"--replicates {args.replicates}", "must be at least 1")])
    scenario = load_for_run(args)
    designs = _names(args.designs)
    outcomes = _names(args.outcomes)
    names = check_designs(scenario, designs)
    check_outcomes(scenario, outcomes or default_outcomes(scenario))
    return scenario, names, outcomes


def _out_dir(scenario, args: argparse.Namespace) -> Path:
    """--out, else the scenario's outputs.folder, else a new NAME-explain folder; checked."""
    from sim.runs.output import check_out_dir, default_out_dir

    folder = scenario.outputs.folder
    out = args.out or (Path(folder).expanduser() if folder else None)
    out = out or default_out_dir(f"{scenario.name}-explain")
    check_out_dir(out, args.force)
    return out


def _print_plan(scenario, names: list[str], args: argparse.Namespace) -> None:
    """What will run: the designs, the seeds and the number of runs."""
    from sim.studies.explain import default_replicates, run_count

    seeds = len(args.replicate_seed or []) or args.replicates or default_replicates(scenario)
    runs = run_count(scenario, names, seeds, skip_inert=not args.all_pathways)
    print(
        f"Scenario {scenario.name!r}: {', '.join(names)} vs the no-program baseline, {seeds} "
        f"replicate seeds, {runs} runs of {scenario.weeks} weeks"
    )


def _write_explain(out: Path, force: bool, scenario, result, summary, elapsed: float) -> None:
    """explain.csv, explain_summary.csv, explain.png and manifest.json, in one go."""
    from sim.runs.output import manifest, write_atomically, write_tables

    meta = manifest(
        {
            "scenario": scenario.to_dict(),
            "scenario_hash": scenario.digest(),
            "seeds": result.seeds,
            "toggled": result.toggled,
            "not_toggled": result.inert,
            "runs": result.runs,
            "wall_seconds": round(elapsed, 2),
        }
    )

    def write_all(tmp: Path) -> None:
        write_tables(tmp, {"explain": result.shares, "explain_summary": summary}, meta)
        write_figure(tmp, summary)

    write_atomically(out, force, write_all)


def explain_for_compare(
    scenario, designs: list[str] | None, args: argparse.Namespace
) -> dict[str, pd.DataFrame]:
    """`sim compare --explain`: the same split on the comparison's own seeds, printed.

    Returns:
        The tables to write beside the comparison's and to give the report: "explain" (a row
        per design, outcome, pathway and replicate) and "explain_summary".
    """
    from sim.scenario.seeds import replicate_seeds

    seeds = args.replicate_seed or replicate_seeds(scenario.seed, scenario.replicates)
    programs = [d for d in (designs or scenario.design_names) if d != "baseline"] or None
    print()
    print("Which pathway carries each design's effect (sim explain on the same seeds):")
    result, _ = run_explain(scenario, programs, args, seeds)
    summary = result.summary()
    print_explain(result, summary)
    return {"explain": result.shares, "explain_summary": summary}
