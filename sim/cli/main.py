"""The `sim` command: a thin layer over the Python API.

Every user mistake is printed as one line per problem and exits with status 2; nothing
is half-written (see `sim.runs.output`).
"""

from __future__ import annotations

import argparse
import functools
import importlib
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from sim.cli.options import add_history_option, add_results_folder_options, add_workers_option
from sim.errors import InputError, Problem

EPILOG_RUN = """examples:
  sim run                                  the telecom case (scenarios/telecom.toml) vs baseline
  sim run pershing                         a built-in case by name, from any folder (sim cases)
  sim run scenarios/telecom.toml --years 3
  sim run --set designs.reverse_mentoring.cadence_weeks=4 --replicates 20
                                           change a design of the case (a misspelt design
                                           is refused with the closest name)
  sim run --set designs.monthly.inherits=reverse_mentoring --set designs.monthly.cadence_weeks=4
                                           add a design: say which one it starts from
"""

EPILOG_COMPARE = """examples:
  sim compare scenarios/telecom.toml                  each design vs the no-program baseline
  sim scenario --template > my.toml && sim compare my.toml --against program
                                                      program_two_way and baseline vs program
  sim compare --set costs.currency=EUR --set costs.salary_junior=48000
  sim compare --loss-threshold 50000 --uncertainty replicates

uncertainty: by default every replicate runs on its own draw from the calibrated posterior
(--uncertainty posterior), so the runs are a predictive distribution of what may happen in
one organisation. Amounts show its median and 80% predictive interval (10th-90th percentile;
it does not narrow with more runs) and the mean with its 95% interval of the mean (how
precisely the average is known; it narrows with more runs).

money, per design against the reference, paired on shared seeds (common random numbers):
  chance net benefit > 0  the share of paired runs with a positive net benefit; the verdict
                          sentence follows it
  net benefit             turnover cost avoided minus program cost
  chance of a loss        the share of paired runs losing more than --loss-threshold
  return on investment    net benefit / program cost, from the same runs and resamples (its
                          sign always agrees with net benefit's)
  turnover cost avoided   the reference's turnover cost minus the design's
  program cost            the design's program cost minus the reference's
  payback                 the first week after launch from which the mean cumulative net
                          benefit stays positive; only when net benefit is positive in at
                          least half of the runs
  net benefit K years     1, 2 and 3 years after launch, where the run is that long
  break-even              program cost / exits avoided: the replacement cost per exit at
                          which the mean net benefit is zero

which design: every design and the reference ranked by the chance of the best net benefit,
with the expected net benefit, the chance of a loss and the turnover and engagement effects.
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
        help="override a scenario value, e.g. --set dynamics.exits.beta_e=2.0; a design must "
        "exist (add one with --set designs.NEW.inherits=DESIGN)",
    )
    add_results_folder_options(p)
    p.add_argument(
        "--uncertainty",
        choices=("replicates", "posterior"),
        default=None,
        help="what the intervals show: 'replicates' (the default of sim run): run noise only, "
        "at the scenario's parameter values (the calibration's medians unless the scenario "
        "sets its own); 'posterior' (the default of sim compare, because a decision must "
        "carry what is not known about the behaviour, which more runs do not remove): "
        "parameter uncertainty too, each replicate on its own draw from the calibrated "
        "posterior (docs/ODD.md section 11.2; the draw's values go before --set, so --set "
        "still wins)",
    )
    p.add_argument(
        "--posterior",
        type=Path,
        metavar="CSV",
        help="the posterior file for --uncertainty posterior (default: the case library's "
        "posterior.csv, written by experiments/calibrate.py)",
    )
    add_history_option(p)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="sim",
        description="Simulate reverse-mentoring programs in a virtual organisation.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (_add_run_parsers, _add_validate_parser, _add_file_parsers, _add_animate_parser):
        add(sub)
    from sim.cli.app import add_app_parser
    from sim.cli.explain import add_explain_parser
    from sim.cli.history import add_history_parser
    from sim.cli.pairs import add_pairs_parser
    from sim.cli.plan import add_plan_parser
    from sim.cli.sweep import add_sweep_parser
    from sim.cli.workshop import add_workshop_parser

    add_sweep_parser(sub)
    add_explain_parser(sub)
    add_pairs_parser(sub)
    add_app_parser(sub)
    add_history_parser(sub)
    add_plan_parser(sub)
    add_workshop_parser(sub)
    return parser


def _add_run_parsers(sub: argparse._SubParsersAction) -> None:
    """`sim run` and `sim compare`."""
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
            "Like run, but over the calibrated posterior by default (--uncertainty), plus each "
            "design's paired difference from the baseline (or --against DESIGN) on the same "
            "seeds with its 95% interval of the mean, the money from the launch to the end of "
            "the run in the scenario's currency (costs.currency): the chance of a positive net "
            "benefit and a verdict that follows it, net benefit and return on investment as a "
            "median with its 80% predictive interval and a mean with its 95% interval, the "
            "chance of a loss above --loss-threshold, the payback week (only when the chance "
            "is at least one half) and the break-even replacement cost per exit; and a ranking "
            "of the designs by the chance of the best net benefit; writes differences.csv, "
            "money.csv and ranking.csv too.",
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
    cmp_.add_argument(
        "--loss-threshold",
        type=float,
        default=0.0,
        metavar="AMOUNT",
        help="the loss, in the scenario's currency, whose chance the money table gives "
        "(default 0: the chance of any loss)",
    )
    cmp_.add_argument(
        "--explain",
        action="store_true",
        help="also split each design's effect into its pathways, as sim explain does, on the "
        "same seeds at the scenario's values (the calibration's medians: not over the "
        "posterior draws; with --uncertainty replicates its total is the paired difference) "
        "(writes explain.csv, explain_summary.csv, explain.png; adds a report section)",
    )
    add_workers_option(cmp_)


def _add_validate_parser(sub: argparse._SubParsersAction) -> None:
    """`sim validate`."""
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


def _add_file_parsers(sub: argparse._SubParsersAction) -> None:
    """`sim scenario`, `sim cases` and `sim org`: files to start from."""
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
    synth.add_argument(
        "--history",
        action="store_true",
        help="write an HR history instead (hire and exit dates of N positions over --years, "
        "made by the model's exit equation at the schema's defaults), for sim history",
    )
    synth.add_argument(
        "--years", type=float, default=3.0, help="with --history: years of leavers (default 3)"
    )
    email = org_sub.add_parser(
        "email",
        help="write an org chart and its real informal network from the onadata e-mail data",
        description="Write an org chart (for org.chart) and its informal network (for "
        "org.ties_file) from the e-mail network of the onadata package (pip install onadata): "
        "1,005 people of a research institution in 42 departments. One head above 42 "
        "department units; inside each, a breadth-first hierarchy of --span reports per "
        "manager, the most connected people managing (or an order drawn from --seed). "
        "Ties: e-mail in either direction, weight 2 when both wrote.",
    )
    email.add_argument("--out", type=Path, required=True, help="org chart CSV to write")
    email.add_argument("--ties", type=Path, required=True, help="ties CSV to write")
    email.add_argument("--span", type=int, default=6, help="reports per manager (default 6)")
    email.add_argument(
        "--managers",
        choices=("most_connected", "random"),
        default="most_connected",
        help="who manages inside a department (default most_connected)",
    )
    email.add_argument("--seed", type=int, default=1, help="seed for --managers random")
    email.add_argument("--force", action="store_true", help="replace existing files")
    synth.add_argument(
        "--ties",
        type=Path,
        metavar="FILE",
        help="also write a matching informal network (from_id, to_id, weight; for "
        "org.ties_file): 2 ties per person, 80%% inside the department",
    )


def _add_animate_parser(sub: argparse._SubParsersAction) -> None:
    """`sim animate`."""
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
    """`sim org synth N --out FILE` and `sim org email --out FILE --ties FILE`."""
    from sim.scenario.orgchart import write_synthetic_org_chart

    if args.org_command == "email":
        return _org_email(args)

    if args.n < 2:
        raise InputError([Problem(f"sim org synth {args.n}", "N must be at least 2")])
    for out in (args.out, args.ties):
        if out is not None and out.exists() and not args.force:
            raise InputError(
                [Problem(str(out), "already exists; choose another file or pass --force")]
            )
    from sim.safety.resources import check_estimate, estimate
    from sim.safety.targets import check_target, os_problem

    problems = check_estimate(estimate(args.n, 0, 0, 0), f"sim org synth {args.n}")
    if problems:
        raise InputError(problems)
    check_target(args.out, folder=False, needed_bytes=args.n * 100)  # about 100 bytes a row
    if args.history:
        from sim.history.synth import write_synthetic_history

        return write_synthetic_history(args.n, args.years, args.out, args.seed)
    if args.ties is not None:
        check_target(args.ties, folder=False, needed_bytes=args.n * 60)
    tmp = args.out.with_name(f".{args.out.name}.tmp")
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        if args.ties is not None:
            args.ties.parent.mkdir(parents=True, exist_ok=True)
        write_synthetic_org_chart(args.n, tmp, args.seed, ties=args.ties)
        tmp.replace(args.out)
    except OSError as exc:
        raise InputError([os_problem(args.out, exc)]) from None
    finally:
        tmp.unlink(missing_ok=True)
    print(f"Wrote a synthetic HR export of {args.n} employees to {args.out}")
    if args.ties is not None:
        print(f"Wrote its informal network to {args.ties} (set org.ties_file to use it)")
    return 0


def _org_email(args: argparse.Namespace) -> int:
    """`sim org email`: the onadata e-mail network as an org chart and a ties file."""
    from sim.scenario.orgchart.from_network import write_network_org

    if args.span < 1:
        raise InputError([Problem(f"--span {args.span}", "allowed: a whole number >= 1")])
    for out in (args.out, args.ties):
        if out.exists() and not args.force:
            raise InputError(
                [Problem(str(out), "already exists; choose another file or pass --force")]
            )
        out.parent.mkdir(parents=True, exist_ok=True)
    write_network_org(args.out, args.ties, args.span, args.managers, args.seed)
    print(f"Wrote the onadata e-mail network's org chart to {args.out} and its ties to {args.ties}")
    print('Use them with: [org] chart = "..." and ties_file = "..." in a scenario')
    return 0


def _command(args: argparse.Namespace) -> Callable[[], int]:
    """The function that runs the chosen subcommand (its module imported only now)."""
    name = args.command
    if name in ("run", "compare"):
        from sim.cli.run import cmd_run

        return lambda: cmd_run(args, compare=name == "compare")
    if name == "validate":
        from sim.cli.validate import cmd_validate

        return lambda: cmd_validate(args)
    commands: dict[str, Callable[[], int]] = {
        "scenario": cmd_scenario,
        "cases": cmd_cases,
        "org": lambda: cmd_org(args),
    }
    if name in commands:
        return commands[name]
    # The others live in sim/cli/NAME.py as cmd_NAME(args): animate, explain, sweep, pairs, app.
    module = importlib.import_module(f"sim.cli.{name}")
    return functools.partial(getattr(module, f"cmd_{name}"), args)


def cmd_scenario() -> int:
    """`sim scenario --template`: the complete, commented template on stdout."""
    from sim.scenario.template import scenario_template

    sys.stdout.write(scenario_template())
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `sim` command."""
    from sim.safety.signals import handle_termination, restore_handlers, tolerant_streams

    previous = handle_termination()  # SIGTERM and SIGHUP clean up as Ctrl-C does
    saved = sys.stdout
    stdout = tolerant_streams()
    try:
        status = _main(argv)
    finally:
        sys.stdout = saved
        restore_handlers(previous)
    if stdout.broken:  # e.g. `sim run | head -1`: the reader went away before the end
        print(
            "sim: standard output was closed before the command finished (broken pipe); "
            + ("its files were written" if status == 0 else "see the lines above"),
            file=sys.stderr,
        )
        return status or 141  # 128 + SIGPIPE, as the shell reports a closed pipe
    return status


def _main(argv: list[str] | None) -> int:
    """Parse and run one command; input errors and interruptions become exit statuses."""
    from sim.safety.signals import exit_status, what_stopped

    args = build_parser().parse_args(argv)
    try:
        return _command(args)()
    except InputError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        return 2
    except KeyboardInterrupt as stop:
        print(f"{what_stopped(stop)}; nothing was written", file=sys.stderr)
        return exit_status(stop)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
