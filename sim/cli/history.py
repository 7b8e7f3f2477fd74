"""`sim history EXPORT.csv --out DIR`: your organisation's own exit hazards, from its HR history."""

from __future__ import annotations

import argparse
import datetime as dt
import textwrap
import time
from pathlib import Path

from sim.errors import InputError, Problem

DESCRIPTION = """\
Read an HR history export, report turnover by generation, role, level and tenure band, fit
exit on the survey score (lifelines' Cox model, and the model's own exit equation) and write
history.toml: the scenario values your history implies (base exit hazards per role, beta_e,
e0) with posterior-like draws, for sim run / compare / explain --history DIR/history.toml.

Two shapes of export are read, told apart by their columns:
  event history  a row per person: hire_date, exit_date (blank while employed), and level,
                 birth_year or age, department, an engagement or satisfaction score
  snapshot       a row per person with a yes/no left (or Attrition) column counted over a
                 window (--window-months), years_at_company, age, level, a 1-4 or 1-5 score
Column names are matched loosely (Hire Date, hire-date, HireDate) with common synonyms.
Nothing identifying is written: outputs are aggregates, groups under 5 people suppressed.

Once the program runs, --program-starts FILE (sim plan's assignment.csv, with --plan NAME if
it holds several plans, or a file department,start_date) also estimates the program's effect
on juniors' exits: the department x month panel of juniors (person-months at risk, exits,
program started or not) given to the estimator sim plan uses (docs/hr.md section 8).
Departments absent from the file, with a blank start, or starting after --as-of are counted
as not started (the comparison); departments with fewer than 5 juniors are left out.
"""

EPILOG = """examples:
  sim history hr_export.csv --out results/our-history
  sim history hr_export.csv --out results/our-history --since 2023-01-01 --senior-levels M1,M2,D1
  sim history attrition.csv --window-months 12 --scale 1-4 --out results/attrition
  sim history hr_export.csv --program-starts plan/assignment.csv --plan cluster --out results/eval
  sim compare telecom --history results/our-history/history.toml

exit status: 0 done; 2 bad input (each problem names the line and column)
"""


def add_history_parser(sub: argparse._SubParsersAction) -> None:
    """Register `sim history`."""
    p = sub.add_parser(
        "history",
        help="fit your organisation's exit hazards from its HR history (history.toml)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("export", type=Path, help="the HR export (CSV)")
    p.add_argument("--out", type=Path, required=True, help="the folder to write")
    p.add_argument("--force", action="store_true", help="replace an existing output folder")
    p.add_argument(
        "--since",
        type=_date,
        metavar="YYYY-MM-DD",
        help="the start of the window the export holds leavers for (default: the earliest "
        "exit in it); people hired earlier count from this date (left truncation)",
    )
    p.add_argument(
        "--as-of",
        type=_date,
        metavar="YYYY-MM-DD",
        help="the date the export was taken (default: the latest hire or exit in it)",
    )
    p.add_argument(
        "--window-months",
        type=_positive,
        metavar="N",
        help="a snapshot's window: the months over which 'left' was counted (required for a "
        "snapshot)",
    )
    p.add_argument(
        "--scale",
        choices=("1-4", "1-5", "1-10", "0-100"),
        help="the survey score's scale (default: detected from the scores, and said)",
    )
    p.add_argument("--score-column", metavar="NAME", help="the survey score's column")
    p.add_argument(
        "--senior-levels",
        metavar="A,B",
        help="the level values whose people manage others (the model's Senior role); "
        "default: a role column, else levels named manager, director, head, ...",
    )
    p.add_argument(
        "--program-starts",
        type=Path,
        metavar="FILE",
        help="each department's program start: sim plan's assignment.csv or a CSV "
        "department,start_date (blank: not started); estimates the program's effect on "
        "juniors' exits (event history only)",
    )
    p.add_argument(
        "--plan",
        metavar="NAME",
        help="the plan to read from an assignment.csv holding several (its plan column)",
    )


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r}: must be more than 0 months")
    return value


def cmd_history(args: argparse.Namespace) -> int:
    """`sim history`."""
    from sim.history.analyse import analyse, write_analysis
    from sim.history.read import ReadOptions, read_history
    from sim.runs.output import check_out_dir, manifest, write_atomically

    started = time.perf_counter()
    check_out_dir(args.out, args.force)
    if args.since and args.as_of and args.since >= args.as_of:
        raise InputError([Problem("--since", f"{args.since} is not before --as-of {args.as_of}")])
    levels = None
    if args.senior_levels:
        levels = tuple(v.strip() for v in args.senior_levels.split(",") if v.strip())
    options = ReadOptions(
        since=args.since,
        as_of=args.as_of,
        window_months=args.window_months,
        scale=args.scale,
        senior_levels=levels,
        score_column=args.score_column,
    )
    if args.plan and not args.program_starts:
        raise InputError([Problem("--plan", "chooses a plan in --program-starts FILE; give both")])
    history = read_history(args.export, options)
    evaluation = _evaluation(history, args.program_starts, args.plan)
    for note in history.notes:
        _wrapped(note)
    analysis = analyse(history)
    _print(analysis)
    if evaluation is not None:
        _print_evaluation(evaluation)
    meta = manifest({"wall_seconds": round(time.perf_counter() - started, 2)})
    files: list[str] = []
    write_atomically(
        args.out,
        args.force,
        lambda tmp: files.extend(write_analysis(analysis, tmp, meta, evaluation)),
    )
    print()
    print(f"Wrote {args.out}/ ({', '.join(files)}) in {time.perf_counter() - started:.1f} s")
    print(f"Use it: sim compare telecom --history {args.out / 'history.toml'}")
    return 0


def _evaluation(history, starts_file: Path | None, plan: str | None):
    """The program's effect on juniors' exits, or None without --program-starts."""
    if starts_file is None:
        return None
    from sim.history.evaluate import check_export, evaluate_program
    from sim.history.starts import read_starts

    check_export(history)  # a snapshot is refused before the starts file is read
    return evaluate_program(history, read_starts(starts_file, plan))


def _print_evaluation(evaluation) -> None:
    """The estimate, how the panel was made and what it supports."""
    print()
    print("The program's effect (the estimator sim plan uses, on your organisation's exits):")
    for note in evaluation.notes:
        _wrapped(note)
    for line in evaluation.summary():
        _wrapped(line)


def _print(analysis) -> None:
    """The values, the Cox link and the turnover table."""
    from sim.history.page import turnover_display

    print()
    print("Scenario values your history implies (90% interval: how precisely it measures them):")
    _table(analysis.values_table())
    _wrapped(f"Fit: maximum likelihood of the model's exit equation, {analysis.fit.form}.")
    link = analysis.link
    if link is not None:
        _wrapped(
            f"Cox (lifelines) of exit on engagement alone: coefficient {link.coef:.3f} [95%: "
            f"{link.ci_low:.3f}, {link.ci_high:.3f}] per unit of engagement, hazard ratio top "
            f"vs bottom of the scale {link.hazard_ratio:.2f}."
        )
    groups = analysis.groups
    if groups is not None and groups.ph_p:
        checks = ", ".join(f"{k} p = {p:.3g}" for k, p in groups.ph_p.items())
        axis = "tenure" if analysis.history.shape == "event history" else "window time"
        _wrapped(
            f"Proportional-hazards check (coefficients before vs after {groups.split:.2f} years "
            f"of {axis}): {checks} (small p: the hazard ratio changes over {axis})."
        )
    elif not analysis.history.times_known:
        _wrapped(
            "No Cox fit and no proportional-hazards check: a snapshot without exit months says "
            "who left, not when (the exit equation is fitted in its discrete-time form)."
        )
    print()
    print("Annual turnover by group (95% interval of the group's underlying rate):")
    _table(turnover_display(analysis.turnover))


def _table(frame) -> None:
    """A table as text, without the spaces pandas pads an empty last column with."""
    print("\n".join(line.rstrip() for line in frame.to_string(index=False).splitlines()))


def _wrapped(text: str) -> None:
    print(textwrap.fill(text, width=100, subsequent_indent="  "))
