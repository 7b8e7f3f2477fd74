"""The `sim` command: a thin layer over the Python API.

Every user mistake is printed as one line per problem and exits with status 2; nothing
is half-written (see `sim.runs.output`).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd

from sim.cli.options import add_results_folder_options, add_workers_option
from sim.cli.scenario_args import load_for_run
from sim.errors import InputError, Problem, did_you_mean

EPILOG_RUN = """examples:
  sim run                                  the telecom case (scenarios/telecom.toml) vs baseline
  sim run pershing                         a built-in case by name, from any folder (sim cases)
  sim run scenarios/telecom.toml --years 3
  sim run --set designs.program.cadence_weeks=4 --replicates 20
"""

EPILOG_COMPARE = """examples:
  sim compare scenarios/telecom.toml                  each design vs the no-program baseline
  sim scenario --template > my.toml && sim compare my.toml --against program
                                                      program_two_way and baseline vs program
  sim compare --set costs.currency=EUR --set costs.salary_junior=48000

money, per design against the reference, paired on shared seeds (common random numbers):
  turnover cost avoided   the reference's turnover cost minus the design's
  program cost            the design's program cost minus the reference's
  net benefit             turnover cost avoided minus program cost
  return on investment    mean net benefit / mean program cost (paired bootstrap interval)
  chance net benefit > 0  the share of paired replicates with a positive net benefit
  payback                 the first week after launch from which the mean cumulative net
                          benefit stays positive; in brackets, the same for the upper and
                          the lower bound of its 95% band
  break-even              program cost / exits avoided: the replacement cost per exit above
                          which the design pays for itself
"""


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "scenario",
        nargs="?",
        help="scenario TOML file, or a built-in case's name (sim cases lists them; "
        "default: the telecom case)",
    )
    p.add_argument("--years", type=float, help="years to simulate after the launch")
    p.add_argument("--seed", type=int, help="base seed; replicate seeds are drawn from it")
    p.add_argument(
        "--replicate-seed",
        type=int,
        action="append",
        metavar="SEED",
        help="run exactly this replicate seed (a 'seed' from summary.csv); repeatable",
    )
    p.add_argument("--replicates", type=int, help="replicates per design")
    p.add_argument(
        "--designs",
        help="comma-separated design names to run (baseline included "
        "when the scenario includes it)",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a scenario value, e.g. --set dynamics.exits.beta_e=2.0",
    )
    add_results_folder_options(p)
    p.add_argument(
        "--uncertainty",
        choices=("replicates", "posterior"),
        default="replicates",
        help="what the intervals show: 'replicates' (default): run noise only, at the "
        "scenario's parameter values; 'posterior': parameter uncertainty too, each replicate "
        "on its own draw from the calibrated posterior (docs/ODD.md section 11.2; the "
        "draw's values go before --set, so --set still wins)",
    )
    p.add_argument(
        "--posterior",
        type=Path,
        metavar="CSV",
        help="the posterior file for --uncertainty posterior (default: the case library's "
        "posterior.csv, written by experiments/calibrate.py)",
    )


def uncertainty_text(args: argparse.Namespace, n_particles: int | None = None) -> str:
    """One line saying which uncertainty the intervals show."""
    if args.uncertainty == "posterior":
        return (
            "parameter uncertainty and run noise: each replicate runs on its own draw from "
            f"the calibrated posterior ({args.posterior}, {n_particles} particles), every "
            "design on the same draw and seed"
        )
    return (
        "run noise over replicates only, at the scenario's parameter values (not the "
        "parameters' uncertainty: --uncertainty posterior adds it)"
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="sim",
        description="Simulate reverse-mentoring programs in a virtual organisation.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser(
        "run",
        help="run a scenario's designs beside the no-program baseline",
        description="Run every design of a scenario and the no-program baseline "
        "on the same seeds; print the headline outcomes with 95% intervals (for shares and "
        "rates on the logit scale, inside 0 to 1; a warning below 5 replicates); "
        "write series.csv, summary.csv, manifest.json and report.html (the scenario's "
        "[outputs] table chooses the folder and files).",
        epilog=EPILOG_RUN,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common(run)
    cmp_ = sub.add_parser(
        "compare",
        help="run designs and show paired differences and money against the baseline",
        description=textwrap.fill(
            "Like run, plus each design's paired difference from the baseline (or --against "
            "DESIGN) on the same seeds with its 95% interval, and the money from the launch to "
            "the end of the run, in the scenario's currency (costs.currency): turnover cost "
            "avoided, program cost, net benefit, return on investment, the share of paired "
            "replicates whose net benefit is positive, the payback week and the break-even "
            "replacement cost per exit; writes differences.csv and money.csv too.",
            width=88,
        ),
        epilog=EPILOG_COMPARE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common(cmp_)
    cmp_.add_argument(
        "--against",
        metavar="DESIGN",
        help="the design every other design is compared with (default: baseline; without "
        "a baseline, the first design)",
    )
    from sim.cli.explain import add_explain_parser

    cmp_.add_argument(
        "--explain",
        action="store_true",
        help="also split each design's effect into its pathways, as sim explain does, on the "
        "same seeds (writes explain.csv, explain_summary.csv, explain.png; adds a report section)",
    )
    add_workers_option(cmp_)
    val = sub.add_parser(
        "validate",
        help="check a scenario file or an HR org-chart CSV",
        description="Check a scenario (.toml, or a built-in case's name) or an org chart "
        "(.csv) and summarise what it describes: the organisation and, for each design's "
        "first intake, the eligible mentees, those enrolled, the mentor pool, the expected "
        "pairs, the mentees left unpaired and the sessions per pair per year. Refuses a "
        "design that can pair no one and an org chart too small to hold a program. Exit 2 "
        "with one line per problem.",
    )
    val.add_argument("file", type=Path, help="scenario TOML file, case name, or org-chart CSV")
    val.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    scen = sub.add_parser(
        "scenario",
        help="print a complete, commented scenario template",
        description="Print a complete scenario with every key at its default: the value a "
        "scenario (or a design) gets when the key is left out. Examples of inheritance and "
        "case targets are comments.",
    )
    scen.add_argument(
        "--template",
        action="store_true",
        required=True,
        help="print the template (write it with: sim scenario --template > my.toml)",
    )
    sub.add_parser(
        "cases",
        help="list the built-in cases (run one by name: sim run telecom)",
        description="List the built-in cases, one line each: the name to give sim run, sim "
        "compare or sim validate, and the case's source (the first sentence of its "
        "provenance). They ship with the package, so their names work from any folder.",
    )
    org = sub.add_parser("org", help="org-chart tools", description="Org-chart tools.")
    org_sub = org.add_subparsers(dest="org_command", required=True, metavar="ORG_COMMAND")
    synth = org_sub.add_parser(
        "synth",
        help="write a synthetic HR export",
        description="Write a realistic synthetic HR org-chart export "
        "(CSV) of N employees, for demos and tests.",
    )
    synth.add_argument("n", type=int, help="number of employees")
    synth.add_argument("--out", type=Path, required=True, help="CSV file to write")
    synth.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    synth.add_argument("--force", action="store_true", help="replace an existing file")
    anim = sub.add_parser(
        "animate",
        help="write an animation (GIF, or MP4 with ffmpeg) of the org week by week",
        description="Step one run of a scenario and draw the org chart each week: colour = "
        "engagement or digital knowledge, mentoring pairs as lines, exits as empty nodes, "
        "with the date, headline numbers and a live chart. --compare shows the baseline "
        "beside the program on the same seed.",
    )
    anim.add_argument(
        "scenario", nargs="?", help="scenario TOML file or case name (default: telecom case)"
    )
    anim.add_argument("--compare", action="store_true", help="baseline and program side by side")
    anim.add_argument("--design", help="the program design to show (default: the first)")
    anim.add_argument("--color-by", default="engagement", help="engagement (default) | digital")
    anim.add_argument("--years", type=float, help="years to simulate after the launch")
    anim.add_argument("--seed", type=int, help="the run's seed (default: replicate 0 of sim run)")
    anim.add_argument("--weeks-per-frame", type=int, default=1, help="weeks per frame (default 1)")
    anim.add_argument("--fps", type=float, default=8.0, help="frames per second (default 8)")
    anim.add_argument(
        "--size",
        metavar="WxH",
        help="frame size in pixels, e.g. 1920x1080 for a projector (default 1280x720); the "
        "whole picture scales with it, text included",
    )
    anim.add_argument(
        "--dpi",
        type=float,
        help="dots per inch (default: from --size); with --size, a lower dpi makes text "
        "smaller relative to the frame",
    )
    anim.add_argument(
        "--font-scale",
        type=float,
        default=1.0,
        help="text size relative to the default (default 1; 1.3 for a large room)",
    )
    anim.add_argument(
        "--from",
        dest="start",
        metavar="launch|WEEK",
        help="the first frame: launch (skip the warm-up) or a week number (default: week 0); "
        "the charts still show every week run",
    )
    anim.add_argument(
        "--hold",
        type=float,
        metavar="SECONDS",
        help="seconds the last frame stays before the GIF loops; an MP4 repeats it (default 2)",
    )
    anim.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a scenario value, e.g. --set org.size=500",
    )
    anim.add_argument(
        "--out",
        type=Path,
        help="FILE.gif, or FILE.mp4 (ffmpeg on PATH, or the video extra's imageio-ffmpeg)",
    )
    anim.add_argument("--force", action="store_true", help="replace an existing --out file")
    anim.add_argument("--quiet", action="store_true", help="no progress bar")
    from sim.cli.app import add_app_parser
    from sim.cli.pairs import add_pairs_parser
    from sim.cli.sweep import add_sweep_parser

    add_sweep_parser(sub)
    add_explain_parser(sub)
    add_pairs_parser(sub)
    add_app_parser(sub)
    return parser


def cmd_run(args: argparse.Namespace, compare: bool) -> int:
    """`sim run` and `sim compare`."""
    from sim import analysis
    from sim.runs.output import default_out_dir, manifest, write_atomically, write_tables
    from sim.runs.replicates import run_scenario
    from sim.scenario.orgchart import load_chart

    scenario = load_for_run(args)
    designs = None
    if args.designs:
        wanted = [d.strip() for d in args.designs.split(",") if d.strip()]
        known = scenario.design_names
        bad = [
            Problem(f"--designs {d}", f"no such design; designs: {', '.join(known)}")
            for d in wanted
            if d not in known
        ]
        if bad:
            raise InputError(bad)
        designs = (
            ["baseline"] if scenario.include_baseline and "baseline" not in wanted else []
        ) + wanted
    against = _reference(args, scenario, designs) if compare else None
    wanted_files = scenario.outputs
    out = args.out or (Path(wanted_files.folder).expanduser() if wanted_files.folder else None)
    out = out or default_out_dir(scenario.name)
    from sim.runs.output import check_out_dir

    check_out_dir(out, args.force)
    chart = load_chart(scenario)
    started = time.perf_counter()
    replicates = len(args.replicate_seed or []) or scenario.replicates
    print(
        f"Scenario {scenario.name!r}: {_describe_org(scenario, chart)}, "
        f"{scenario.weeks} weeks, {analysis.replicates_text(replicates)} per design"
    )
    if args.uncertainty == "posterior":
        from sim.calibration.posterior import (
            library_posterior_path,
            read_posterior,
            run_over_posterior,
        )
        from sim.scenario.seeds import replicate_seeds

        args.posterior = args.posterior or library_posterior_path()
        posterior = read_posterior(args.posterior)
        seeds = args.replicate_seed or replicate_seeds(scenario.seed, scenario.replicates)
        results = run_over_posterior(
            lambda first: load_for_run(args, first),
            posterior,
            designs,
            seeds,
            scenario.seed,
            chart,
            progress=not args.quiet,
        )
        shown = uncertainty_text(args, len(posterior))
    else:
        results = run_scenario(
            scenario, designs, args.replicate_seed, chart, progress=not args.quiet
        )
        shown = uncertainty_text(args)
    elapsed = time.perf_counter() - started
    currency = scenario.costs.currency
    table = analysis.headline_table(results.summary, currency=currency)
    print()
    print("Headline outcomes: mean [95% interval over replicates]")
    print(f"(intervals: {analysis.INTERVAL_METHOD})")
    print(f"Uncertainty shown: {shown}.")
    warning = analysis.few_replicates_warning(int(results.summary.groupby("design").size().min()))
    if warning:
        print(f"Warning: {warning}.")
    print(table.to_string())
    _print_mentor_retention(results.summary)
    tables: dict[str, pd.DataFrame | None] = {
        "series": results.series,
        "summary": results.summary,
        "people": results.people,
    }
    if against is not None:
        tables |= _compare(scenario, results, against)
    if compare and args.explain:
        from sim.cli.explain import explain_for_compare

        tables.update(explain_for_compare(scenario, designs, args))
    if scenario.targets:
        targets = analysis.target_table(results.summary, scenario.targets)
        tables["targets"] = targets
        print()
        print("Case targets (docs/ODD.md section 1): target vs simulated mean [95% interval]")
        for t in targets.itertuples():
            verdict = "within tolerance" if t.within_tolerance else "off target"
            interval = analysis.format_outcome(t.outcome, t.simulated, t.ci_low, t.ci_high)
            target = analysis.format_outcome(t.outcome, t.target, np.nan, np.nan)
            print(f"  {t.outcome} ({t.design}): target {target}, simulated {interval}: {verdict}")
    meta = manifest(
        {
            "scenario": scenario.to_dict(),
            "scenario_hash": scenario.digest(),
            "wall_seconds": round(elapsed, 2),
            "uncertainty": shown,
        }
    )
    from sim.viz.report import REPORT_NAME, report_figures, save_figures, write_report

    figures = None
    if wanted_files.report or wanted_files.figures != "none":
        figures = report_figures(
            scenario, results.series, results.summary, against, tables.get("money")
        )
    # The report draws from every table; the scenario's [outputs] only choose the files.
    report_tables = dict(tables)
    if not wanted_files.series:
        tables["series"] = None

    def write_all(tmp: Path) -> None:
        write_tables(tmp, tables, meta)
        if tables.get("explain_summary") is not None:
            from sim.cli.explain import write_figure

            write_figure(tmp, tables["explain_summary"])
        if wanted_files.report:
            write_report(tmp, scenario, report_tables, meta, figures)
        if wanted_files.figures != "none":
            save_figures(tmp, figures, wanted_files.figures)

    write_atomically(out, args.force, write_all)
    written = [f"{k}.csv" for k, v in tables.items() if v is not None] + ["manifest.json"]
    if tables.get("explain_summary") is not None:
        written.append("explain.png")
    if wanted_files.report:
        written.append(REPORT_NAME)
    if wanted_files.figures != "none":
        written.append(f"figures/*.{wanted_files.figures}")
    print()
    print(f"Wrote {out}/ ({', '.join(written)}) in {elapsed:.1f} s")
    return 0


def _reference(args: argparse.Namespace, scenario, designs: list[str] | None) -> str | None:
    """The design `sim compare` compares the others with; None when there is only one."""
    ran = designs or list(scenario.design_names)
    if args.against is not None:
        if args.against not in ran:
            hint = did_you_mean(args.against, ran)
            raise InputError(
                [
                    Problem(
                        f"--against {args.against}",
                        f"not a design of this run{hint}; designs: {', '.join(ran)}",
                    )
                ]
            )
        return args.against
    if len(ran) < 2:
        return None
    return "baseline" if "baseline" in ran else ran[0]


def _compare(scenario, results, against: str) -> dict[str, pd.DataFrame]:
    """Print the paired differences and the money of `sim compare`; the tables to write."""
    from sim import analysis

    summary = results.summary
    order = list(dict.fromkeys(summary["design"]))
    currency = scenario.costs.currency
    diff = analysis.paired_differences(summary, list(analysis.HEADLINE), against)
    print()
    print(f"Difference from {against} on the same seeds: mean [95% interval]")
    print(analysis.differences_table(diff, order=order, currency=currency).to_string())
    horizon = analysis.Horizon.of(scenario)
    money = analysis.money_table(summary, results.series, against, scenario.launch_week)
    n = int(money["n"].min()) if len(money) else 0
    print()
    print(
        f"Money over {horizon}, in {currency}:\n"
        f"each design minus {against} on the same seeds, mean [95% interval over {n} paired "
        "replicates]"
    )
    print(analysis.money_display(money, currency, horizon, order).to_string())
    for line in analysis.break_even_lines(money, currency):
        print(textwrap.fill(f"Break-even: {line}", width=100, subsequent_indent="  "))
    money = money.assign(
        currency=currency,
        horizon_start=horizon.start,
        horizon_end=horizon.end,
        horizon_weeks=horizon.weeks,
    )
    return {"differences": diff.assign(against=against), "money": money}


def _print_mentor_retention(summary: pd.DataFrame) -> None:
    """Mentor retention beside its counterfactual, when the scenario measured it."""
    from sim import analysis

    if "mentor_retention_counterfactual_52w" not in summary:
        return
    designs = summary[summary["mentor_retention_52w"].notna()]
    if designs.empty:
        return
    print()
    print(
        "Mentor retention against the same people with every pathway off "
        "(same design and seeds): mean [95% interval]"
    )
    print(analysis.headline_table(designs, analysis.MENTOR_RETENTION).to_string())


def _describe_org(scenario, chart) -> str:
    if chart is not None:
        return f"{len(chart.parent)} people from {Path(scenario.org.chart).name}"
    return f"{scenario.org.size} people (generated)"


def cmd_validate(args: argparse.Namespace) -> int:
    """`sim validate FILE`."""
    if args.file.suffix.lower() == ".csv":
        from sim.model.capacity import too_small
        from sim.scenario.orgchart import load_org_chart

        chart = load_org_chart(args.file)
        seniors = int(chart.has_reports.sum())
        why = too_small(seniors, len(chart) - seniors)
        if why:
            raise InputError([Problem(str(args.file), why)])
        for notice in chart.notices:
            print(f"notice: {notice}")
        print(f"{args.file}: a valid org chart")
        for key, value in chart.summary().items():
            print(f"  {key}: {value}")
        return 0
    from sim import analysis
    from sim.model.capacity import ProgramCheck
    from sim.scenario.loading import load_scenario, scenario_file

    check = ProgramCheck()
    scenario = load_scenario(args.file, args.set, checks=[check])
    chart, model = check.chart, check.model
    org, people = model.org, model.people
    from sim.model.people import GENERATIONS

    gens = pd.Series(people.generation).map(dict(enumerate(GENERATIONS))).value_counts()
    read = scenario_file(args.file)
    case = f" (the built-in case, {read})" if read != args.file else ""
    print(f"{args.file}: a valid scenario {scenario.name!r}{case}")
    print(
        f"  organisation: {_describe_org(scenario, chart)}; {int(org.is_senior.sum())} seniors, "
        f"{int((~org.is_senior).sum())} juniors; {org.level.max() + 1} levels; "
        f"{org.n_departments} departments"
    )
    print("  generations at start: " + ", ".join(f"{g} {gens.get(g, 0)}" for g in GENERATIONS))
    print(
        f"  time: start {scenario.start_date}, launch week {scenario.launch_week}, "
        f"{scenario.weeks} weeks; {analysis.replicates_text(scenario.replicates)}, "
        f"seed {scenario.seed}"
    )
    print(f"  designs: {', '.join(scenario.design_names)}")
    print(f"  first intake of each design, in replicate 0's org (seed {check.seed}):")
    table = pd.DataFrame(
        [
            {
                "design": c.design,
                "week": c.week,
                "eligible": c.eligible,
                "enrolled": c.enrolled,
                "mentor pool": c.mentor_pool,
                "pairs": c.pairs,
                "unpaired": c.unpaired,
                "sessions/pair/year": f"{c.sessions_per_pair_year:.1f}",
            }
            for c in check.capacities
        ]
    )
    for line in table.to_string(index=False).splitlines():
        print("    " + line)
    for note in (
        "eligible: seniors at the mentee levels; enrolled: the coverage share of them",
        "mentor pool: juniors with min_mentor_tenure_weeks of tenure by then",
        _tenure_source(chart),
        "pairs: expected, by the pairing rule (exits and hires before the intake not simulated)",
        "sessions/pair/year: scheduled in a pair's first year x commitment x informal factor",
    ):
        print(f"    {note}")
    return 0


def _tenure_source(chart) -> str:
    """Where the mentor pool's tenure comes from: the chart's hire dates, or drawn."""
    drawn = "drawn from workforce.junior_tenure_years"
    if chart is None:
        return f"tenure: {drawn}"
    known = int((~np.isnat(chart.hire_date)).sum())
    if known == len(chart):
        return "tenure: from the chart's hire dates"
    if known == 0:
        return f"tenure: the chart has no hire dates, so {drawn} (an estimate)"
    return f"tenure: hire dates for {known} of {len(chart)} people; the rest {drawn}"


def cmd_cases() -> int:
    """`sim cases`: the built-in cases, one line each (name and source)."""
    from sim.scenario.cases import CASES_DIR, case_names, case_source

    names = case_names()
    if not names:
        print(f"No built-in cases found (looked in {CASES_DIR}).")
        return 1
    print(f"Built-in cases (run one by name, e.g. sim run {names[-1]}; files in {CASES_DIR}):")
    width = max(len(n) for n in names)
    for name in names:  # one line each, within 100 characters
        print(f"  {name:<{width}}  {case_source(name, 96 - width)}")
    return 0


def cmd_org(args: argparse.Namespace) -> int:
    """`sim org synth N --out FILE`."""
    from sim.scenario.orgchart import write_synthetic_org_chart

    if args.n < 2:
        raise InputError([Problem(f"sim org synth {args.n}", "N must be at least 2")])
    if args.out.exists() and not args.force:
        raise InputError(
            [Problem(str(args.out), "already exists; choose another --out or pass --force")]
        )
    tmp = args.out.with_name(f".{args.out.name}.tmp")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_synthetic_org_chart(args.n, tmp, args.seed)
    tmp.replace(args.out)
    print(f"Wrote a synthetic HR export of {args.n} employees to {args.out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `sim` command."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            return cmd_run(args, compare=False)
        if args.command == "compare":
            return cmd_run(args, compare=True)
        if args.command == "validate":
            return cmd_validate(args)
        if args.command == "scenario":
            from sim.scenario.template import scenario_template

            sys.stdout.write(scenario_template())
            return 0
        if args.command == "cases":
            return cmd_cases()
        if args.command == "org":
            return cmd_org(args)
        if args.command == "animate":
            from sim.cli.animate import cmd_animate

            return cmd_animate(args)
        if args.command == "explain":
            from sim.cli.explain import cmd_explain

            return cmd_explain(args)
        if args.command == "sweep":
            from sim.cli.sweep import cmd_sweep

            return cmd_sweep(args)
        if args.command == "pairs":
            from sim.cli.pairs import cmd_pairs

            return cmd_pairs(args)
        if args.command == "app":
            from sim.cli.app import cmd_app

            return cmd_app(args)
    except InputError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `sim validate x.toml | head`
        return 0
    except KeyboardInterrupt:
        print("interrupted; nothing was written", file=sys.stderr)
        return 130
    return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
