"""`sim plan`: compare rollout plans of a scenario's program as experiments (docs/hr.md)."""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from sim.errors import InputError, Problem

DESCRIPTION = """Plan how to roll the program out so that its effect on turnover can be seen.
Compares rollout plans on the scenario's organisation: all at once, judged before/after (as
the telecom case was); a random half of the departments now and the rest after the
evaluation (cluster-randomised); departments in a random order, a group every
--step-months (stepped-wedge); pilots in a few random departments. Every replicate runs each
plan and the no-program run on the same seed, records each department's juniors' exits
month by month (--pre-months before the first start, then --months of evaluation) and
analyses them as an analyst would the real data (sim.analysis.rollout_estimate: unit and
period effects fitted to the months without the program, a jackknife interval over
departments, a test at --alpha). Prints per plan the power (the share of replicates that
detect the model's effect), the assurance (the same over the calibrated posterior's draws),
the smallest effect detected 80% of the time, the mean width of the interval, the cost of
waiting (the turnover later starts leave, in money) and a recommendation; writes plan.csv,
plan_replicates.csv, power_by_months.csv, assignment.csv (each department's start date
under each plan, from --seed), plan.html and manifest.json."""

EPILOG = """examples:
  sim plan telecom
  sim plan telecom --design all_at_once,stepped_wedge --step-months 3 --months 12
  sim plan my.toml --design pilot --pilot-sizes 2,4,6 --unit team --uncertainty replicates
  sim plan my.toml --replicates 400 --alpha 0.10 --start 2027-01-04 --out plan/

effects are exits per 100 junior person-years (negative: fewer exits).
exit status: 0 written; 2 bad input (nothing written)
"""

DEFAULT_REPLICATES = 200
MAX_MONTHS = 120


def add_plan_parser(sub: argparse._SubParsersAction) -> None:
    """Register `sim plan` on the `sim` command's subparsers."""
    from sim.cli.options import add_results_folder_options
    from sim.planning.plans import KINDS, UNIT_KINDS

    p = sub.add_parser(
        "plan",
        help="design the program's rollout as an experiment: power of each plan",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "scenario",
        nargs="?",
        help="scenario TOML file, or a built-in case's name (default: the telecom case)",
    )
    p.add_argument(
        "--design",
        action="append",
        metavar="PLAN[,PLAN]",
        help=f"the plans to compare: {', '.join(KINDS)} (default: all; all_at_once is always "
        "run, as the cost of waiting is counted against it)",
    )
    p.add_argument(
        "--program", metavar="DESIGN", help="the scenario's design rolled out (default: its first)"
    )
    p.add_argument(
        "--months", type=int, help="months of evaluation (default: the scenario's years)"
    )
    p.add_argument(
        "--pre-months", type=int, default=12, help="months observed before the first start (12)"
    )
    p.add_argument(
        "--step-months",
        type=int,
        help="months between a stepped-wedge's groups (default: a quarter of --months, longer "
        "if the departments are too few for that many groups)",
    )
    p.add_argument(
        "--pilot-sizes",
        metavar="N[,N]",
        help="departments in each pilot (default: up to four sizes from 2 to all but two)",
    )
    p.add_argument(
        "--unit",
        choices=UNIT_KINDS,
        default="department",
        help="what starts together: departments, or teams (the subtrees two levels below the "
        "top; more units, but a department's climate reaches across its teams)",
    )
    p.add_argument("--alpha", type=float, default=0.05, help="the test's level (0.05)")
    p.add_argument(
        "--replicates", type=int, help=f"simulated evaluations per plan ({DEFAULT_REPLICATES})"
    )
    p.add_argument("--seed", type=int, help="base seed; also the seed of assignment.csv")
    p.add_argument(
        "--start",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="the evaluation's first day in assignment.csv (default: the scenario's launch)",
    )
    p.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="override a value"
    )
    p.add_argument(
        "--uncertainty",
        choices=("replicates", "posterior"),
        default="posterior",
        help="'posterior' (default): power at the calibration's medians and assurance over "
        "the calibrated posterior's draws (twice the runs); 'replicates': power only",
    )
    p.add_argument("--posterior", type=Path, metavar="CSV", help="the posterior file")
    add_results_folder_options(p)
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="worker processes for the replicates (default: one per core; 1 = serial); the "
        "results are identical whatever the number",
    )


def _list(values: list[str] | None) -> list[str]:
    """Comma-separated and repeated option values as one list."""
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def _sizes(text: str | None) -> list[int] | None:
    """--pilot-sizes as whole numbers."""
    if text is None:
        return None
    try:
        return [int(v) for v in _list([text])]
    except ValueError:
        raise InputError(
            [
                Problem(
                    f"--pilot-sizes {text}", "must be whole numbers separated by commas, e.g. 2,4"
                )
            ]
        ) from None


def _check_numbers(args: argparse.Namespace, months: int) -> None:
    """Months, pre-months, alpha and replicates in range, one problem each."""
    problems = []
    if not 1 <= months <= MAX_MONTHS:
        problems.append(Problem(f"--months {months}", f"must be 1 to {MAX_MONTHS}"))
    if not 1 <= args.pre_months <= MAX_MONTHS:
        problems.append(
            Problem(
                f"--pre-months {args.pre_months}",
                f"must be 1 to {MAX_MONTHS}: the months before the program are the comparison "
                "of a before/after",
            )
        )
    if not 0 < args.alpha < 0.5:  # noqa: PLR2004
        problems.append(Problem(f"--alpha {args.alpha}", "must be above 0 and below 0.5"))
    if args.replicates is not None and args.replicates < 10:  # noqa: PLR2004
        problems.append(
            Problem(f"--replicates {args.replicates}", "must be at least 10 (200 recommended)")
        )
    if problems:
        raise InputError(problems)


def cmd_plan(args: argparse.Namespace) -> int:
    """`sim plan`."""
    from sim.cli.scenario_args import load_for_run
    from sim.model.model import OrgCultureModel
    from sim.planning import plans as plan_kinds
    from sim.planning.simulate import MONTHS_PER_YEAR, Timeline
    from sim.runs.output import check_out_dir, default_out_dir
    from sim.scenario.orgchart import load_chart

    args.years = None
    replicates_given = args.replicates
    args.replicates = None
    scenario = load_for_run(args)
    args.replicates = replicates_given
    months = args.months if args.months is not None else round(scenario.years * MONTHS_PER_YEAR)
    _check_numbers(args, months)
    program = args.program or scenario.designs[0].name
    if program not in [d.name for d in scenario.designs]:
        raise InputError(
            [
                Problem(
                    f"--program {program}",
                    "not a program design of the scenario; its designs: "
                    + ", ".join(d.name for d in scenario.designs),
                )
            ]
        )
    chart = load_chart(scenario)
    org = OrgCultureModel(scenario, None, seed=scenario.seed, org_chart=chart).org
    _, names = plan_kinds.unit_of_positions(org, args.unit)
    step = args.step_months or plan_kinds.default_step_months(len(names), months)
    kinds = _list(args.design) or list(plan_kinds.KINDS)
    if "all_at_once" not in kinds:
        kinds.append("all_at_once")
    plans = plan_kinds.parse_plans(
        kinds, len(names), months, step, _sizes(args.pilot_sizes), args.unit
    )
    out = args.out or default_out_dir(f"plan-{scenario.name}")
    check_out_dir(out, args.force)
    timeline = Timeline(args.pre_months, months)
    started = time.perf_counter()
    return _run_and_write(args, scenario, program, plans, timeline, chart, names, out, started)


def _scenarios_over_posterior(args: argparse.Namespace, n: int, seed: int) -> list:
    """One scenario per replicate, each on its own draw of the calibrated posterior."""
    from sim.calibration.posterior import (
        draw_particles,
        library_posterior_path,
        read_posterior,
        set_overrides,
    )
    from sim.cli.scenario_args import load_for_run

    args.posterior = args.posterior or library_posterior_path()
    draws = draw_particles(read_posterior(args.posterior), n, seed)
    return [load_for_run(args, first=set_overrides(draws.iloc[r].to_dict())) for r in range(n)]


def _run_and_write(args, scenario, program, plans, timeline, chart, names, out, started) -> int:
    """Run the replicates, summarise, print and write the folder."""
    from sim.planning.assignment import assignment_table
    from sim.planning.run import run_plans
    from sim.planning.summary import plan_table, power_by_months, recommendation
    from sim.runs.output import manifest, write_atomically, write_tables
    from sim.scenario.seeds import replicate_seeds
    from sim.viz.plan_report import FIGURE, PLAN_PAGE, plan_html, power_figure, shown_table

    n = args.replicates or DEFAULT_REPLICATES
    seeds = replicate_seeds(scenario.seed, n)
    every = max(1, timeline.months // 6)
    horizons = sorted({*range(every, timeline.months + 1, every), timeline.months})
    common = dict(
        design=program,
        seeds=seeds,
        plans=plans,
        timeline=timeline,
        horizons=horizons,
        alpha=args.alpha,
        unit=args.unit,
        org_chart=chart,
        workers=args.workers,
        progress=not args.quiet,
    )
    print(
        f"Scenario {scenario.name!r}: {len(names)} {args.unit}s with juniors, {n} replicates "
        f"of {len(plans)} plans, {timeline.pre_months} months before and {timeline.months} of "
        "evaluation"
    )
    rows = run_plans([scenario], **common)
    posterior_rows = None
    if args.uncertainty == "posterior":
        posterior_rows = run_plans(_scenarios_over_posterior(args, n, scenario.seed), **common)
        posterior_rows.insert(0, "uncertainty", "posterior")
    labels = {p.name: p.label for p in plans}
    costs = scenario.costs
    table = plan_table(rows, labels, timeline.months, args.alpha, costs, posterior_rows)
    by_months = power_by_months(rows)
    said = recommendation(table, by_months, costs.currency)
    start = args.start or scenario.launch_date or scenario.start_date
    assignment = assignment_table(plans, names, scenario.seed, start, timeline.months)
    elapsed = time.perf_counter() - started
    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(shown_table(table, costs.currency).to_string(index=False))
    print("(effects in exits per 100 junior person-years; power with its 95% interval)")
    print()
    print(said)
    settings = {
        "scenario": scenario.name,
        "program": program,
        "unit": args.unit,
        "replicates": n,
        "alpha": args.alpha,
        "months before": timeline.pre_months,
        "months of evaluation": timeline.months,
        "uncertainty": args.uncertainty,
        "seed": scenario.seed,
    }
    meta = manifest(
        {
            "scenario": scenario.to_dict(),
            "scenario_hash": scenario.digest(),
            "plan": settings,
            "wall_seconds": round(elapsed, 2),
        }
    )
    all_rows = (
        rows
        if posterior_rows is None
        else pd.concat(
            [rows.assign(uncertainty="replicates")[posterior_rows.columns], posterior_rows]
        )
    )
    tables = {
        "plan": table,
        "plan_replicates": all_rows,
        "power_by_months": by_months,
        "assignment": assignment,
    }

    def write_all(tmp: Path) -> None:
        write_tables(tmp, tables, meta)
        fig = power_figure(by_months, table, args.alpha)
        fig.savefig(tmp / FIGURE, dpi=100)
        page = plan_html(scenario.name, table, by_months, said, settings, costs.currency, fig)
        (tmp / PLAN_PAGE).write_text(page, encoding="utf-8")

    write_atomically(out, args.force, write_all)
    files = [f"{k}.csv" for k in tables] + ["manifest.json", FIGURE, PLAN_PAGE]
    print(f"\nWrote {out}/ ({', '.join(files)}) in {time.perf_counter() - started:.1f} s")
    return 0
