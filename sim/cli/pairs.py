"""`sim pairs`: the first intake's pairs of a design on an HR export, by employee id."""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
from pathlib import Path

from sim.errors import InputError, Problem

DESCRIPTION = """Propose the first intake of a scenario's design on your HR export (a CSV
file, as sim validate reads it): the seniors at the design's mentee_levels, a coverage share of
them, mentors chosen by its mentor_selection among the juniors with min_mentor_tenure_weeks of
tenure on the intake's date, paired by its pairing rule with the model's own code (docs/ODD.md
section 7.1); a mentor is never the mentee's direct or skip-level report. Writes one row per
pair (mentee and mentor employee ids, department, level, the rule that paired them) and one row
per mentee left unpaired, with the reason. The same export, seed and --date give a
byte-identical file.

PRIVACY: the file contains employee ids (and names with --with-names): the one exception to the
rule that ids and names never leave the simulation. It is written readable by you only; share it
only with the program's organisers.

It never ranks people on simulated values. Where the design needs a column the export lacks
(digital for most_digital or skill_gap, engagement and digital for volunteers' weights,
hire_date for min_mentor_tenure_weeks), a volunteer column (yes/no: the juniors who agreed to
mentor) stands in for it where it can: mentors are then drawn at random among the volunteers
(or, for most_digital with a digital column, the most digital of them are taken), and
volunteers without a hire date are taken on trust to have the tenure. Otherwise the export is
refused, one line per problem, naming the column to add; nothing is written."""

EPILOG = """columns read (besides those sim validate reads):
  volunteer   yes/no (also y/n, true/false, 1/0, x; empty = no): juniors who agreed to mentor
  name        copied into the file only with --with-names

examples:
  sim org synth 2000 --out org.csv
  sim pairs org.csv --scenario telecom --design reverse_mentoring --out pairs.csv
  sim pairs hr.csv --scenario my.toml --design leaders --seed 7 --date 2026-03-02 --out pairs.csv
  sim pairs hr.csv --scenario my.toml --set designs.leaders.coverage=0.5 --out pairs.csv

exit status: 0 written; 2 bad input (nothing written)
"""


def add_pairs_parser(sub: argparse._SubParsersAction) -> None:
    """Register `sim pairs` on the `sim` command's subparsers."""
    p = sub.add_parser(
        "pairs",
        help="the real pairing list: a design's first intake on your HR export "
        "(writes employee ids)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("org", type=Path, metavar="ORG.csv", help="the HR export (CSV)")
    p.add_argument(
        "--scenario",
        required=True,
        help="scenario TOML file, or a built-in case's name (sim cases lists them)",
    )
    p.add_argument("--design", help="the design to follow (default: the scenario's only design)")
    p.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE",
        help="the pairing list (CSV, with employee ids) to write",
    )
    p.add_argument(
        "--seed",
        type=int,
        help="seed of the random choices (which seniors at coverage < 1, the matching order, "
        "volunteers): the draws of the first intake of a run with this seed (default: "
        "replicate 0's seed, as in sim validate)",
    )
    p.add_argument(
        "--date",
        type=_date,
        metavar="YYYY-MM-DD",
        help="the intake's date, to which tenure is counted from hire_date (default: today)",
    )
    p.add_argument(
        "--with-names",
        action="store_true",
        help="also copy the export's name column (off by default: ids only)",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a scenario value, e.g. --set designs.leaders.coverage=0.5",
    )
    p.add_argument("--force", action="store_true", help="replace an existing --out file")


def _score_note(rule: str) -> str:
    """What the file's mentee_score column holds for the rule ("" when it is empty)."""
    from sim.model.enrolment import SCORE_MEANING

    meaning = SCORE_MEANING[rule]
    return "" if meaning is None else f" (the file's mentee_score: {meaning})"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def cmd_pairs(args: argparse.Namespace) -> int:
    """`sim pairs ORG.csv --scenario S --design D --out FILE`."""
    from sim.pairs import (
        PRIVACY_NOTE,
        check_out_file,
        pairing_list,
        write_pairing_list,
    )
    from sim.scenario.loading import load_scenario, scenario_file
    from sim.scenario.orgchart.roster import load_roster
    from sim.scenario.seeds import replicate_seeds

    if args.seed is not None and not 0 <= args.seed < 2**63:
        raise InputError(
            [
                Problem(
                    f"--seed {args.seed}",
                    "allowed: a whole number from 0 to 2^63 - 1; e.g. --seed 7, or leave it "
                    "out for replicate 0's seed",
                )
            ]
        )
    check_out_file(args.out, args.force, args.org)
    scenario = load_scenario(args.scenario, args.set)
    design = args.design
    if design is None:
        names = [d.name for d in scenario.designs]
        if len(names) != 1:
            raise InputError(
                [
                    Problem(
                        "--design",
                        f"the scenario has {len(names)} designs; choose one of: {', '.join(names)}",
                    )
                ]
            )
        design = names[0]
    roster = load_roster(args.org, names=args.with_names)
    seed = replicate_seeds(scenario.seed, 1)[0] if args.seed is None else args.seed
    date = args.date or dt.date.today()
    source = scenario_file(args.scenario).name
    result = pairing_list(
        roster, scenario, design, seed, date, with_names=args.with_names, source=source
    )
    write_pairing_list(result, args.out)
    for notice in roster.chart.notices:
        print(f"notice: {notice}")
    levels = scenario.design(design).mentee_levels
    at = "every senior level" if levels is None else "levels " + ", ".join(map(str, levels))
    coverage = scenario.design(design).coverage
    tenure = scenario.design(design).min_mentor_tenure_weeks
    print(
        f"Pairing list: design {design!r} of scenario {scenario.name!r} on {args.org.name} "
        f"({len(roster)} people), seed {seed}, intake on {date}"
    )
    chosen = scenario.design(design)
    if chosen.mentee_selection == "listed":
        at = f"the list {Path(chosen.mentees_file).name}"
    budget = "" if chosen.max_pairs is None else f", at most {chosen.max_pairs} (max_pairs)"
    rule = chosen.mentee_selection
    by = "" if rule == "random" else f" by mentee_selection {rule}{_score_note(rule)}"
    print(
        f"  mentees: {result.eligible} of {result.seniors} seniors at {at}; coverage "
        f"{coverage:g}{budget}: {result.enrolled} enrolled{by}"
    )
    said = (
        f"{result.may_mentor} of {result.juniors} juniors volunteered"
        if roster.volunteer is not None
        else f"{result.juniors} juniors"
    )
    print(
        f"  mentors: {said}; {result.eligible_mentors} with {tenure} weeks' tenure on {date}; "
        f"a pool of {result.pool}: {result.selection}"
    )
    print(
        f"  pairs: {result.pairs} by the {scenario.design(design).pairing} rule, none a "
        "direct or skip-level report"
    )
    reasons = ", ".join(f"{n} {kind}" for kind, n in result.reasons.items())
    print(f"  unpaired mentees: {result.unpaired}" + (f" ({reasons})" if reasons else ""))
    for note in result.notes:
        print(f"note: {note}")
    if result.pairs == 0:
        print("Warning: no pair formed; the reasons are in the file's unpaired rows.")
    unpaired = (
        f"and for each of the {result.unpaired} unpaired mentees, with the reason"
        if result.unpaired
        else "(no mentee is left unpaired)"
    )
    print(f"Wrote {args.out}: a row for each of the {result.pairs} pairs {unpaired}.")
    names = " and names" if args.with_names else " (no names: --with-names adds them)"
    print(f"Privacy: {args.out.name} " + PRIVACY_NOTE.format(names=names) + ".")
    again = [
        "sim", "pairs", str(args.org), "--scenario", args.scenario, "--design", design,
        *[a for s in args.set for a in ("--set", s)],
        "--seed", str(seed), "--date", str(date), "--out", str(args.out),
        *(["--with-names"] if args.with_names else []),
    ]  # fmt: skip
    print(f"Same list again: {shlex.join(again)} --force")
    return 0
