"""`sim validate FILE`: check a scenario or an HR org chart and say what it describes."""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from sim.errors import InputError, Problem


def cmd_validate(args: argparse.Namespace) -> int:
    """`sim validate FILE`: an org chart (.csv) or a scenario (a .toml file or a case)."""
    if args.file.suffix.lower() == ".csv":
        return _validate_chart(args)
    return _validate_scenario(args)


def _validate_chart(args: argparse.Namespace) -> int:
    """An org chart: refused if too small to hold a program, else its notices and summary."""
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


def _validate_scenario(args: argparse.Namespace) -> int:
    """A scenario: its org, time and designs, and each design's first intake."""
    from sim.model.capacity import ProgramCheck
    from sim.scenario.loading import load_scenario, scenario_file

    check = ProgramCheck()
    notes: list[str] = []
    scenario = load_scenario(args.file, args.set, checks=[check], notes=notes)
    read = scenario_file(args.file)
    case = f" (the built-in case, {read})" if read != args.file else ""
    print(f"{args.file}: a valid scenario {scenario.name!r}{case}")
    for note in notes:  # a scenario that sets its own behaviour: said, not refused
        print(f"  {note}")
    imported = check.chart is not None and check.chart.informal is not None
    for notice in check.chart.notices if imported else ():
        print(f"notice: {notice}")
    _print_org_and_time(scenario, check)
    if imported:
        print(f"  {_network_line(scenario, check)}")
    print(f"  designs: {', '.join(scenario.design_names)}")
    print(f"  first intake of each design, in replicate 0's org (seed {check.seed}):")
    for line in _intake_table(check).to_string(index=False).splitlines():
        print("    " + line)
    targeted = [d for d in scenario.designs if d.mentee_selection != "random" or d.max_pairs]
    for note in (
        "eligible: seniors at the mentee levels (or listed); enrolled: the coverage share of "
        "them (at most max_pairs), chosen by mentee_selection"
        if targeted
        else "eligible: seniors at the mentee levels; enrolled: the coverage share of them",
        "mentor pool: juniors with min_mentor_tenure_weeks of tenure by then",
        _tenure_source(check.chart),
        "pairs: expected, by the pairing rule (exits and hires before the intake not simulated)",
        "sessions/pair/year: scheduled in a pair's first year x commitment x informal factor",
    ):
        print(f"    {note}")
    if targeted:  # at random, every senior is equally likely: nothing more to say
        print("  who is enrolled (counts per org level, 0 = top; no ids):")
        designs = {d.name: d for d in scenario.designs}
        for c in check.capacities:
            print(f"    {_enrolment_line(designs[c.design], c)}")
    return 0


def _enrolment_line(design, capacity) -> str:
    """One design's enrolment rule and what it does: enrolled of eligible, per level."""
    from sim.model.enrolment import SCORE_MEANING

    rule = design.mentee_selection
    levels = ", ".join(
        f"level {lv}: {capacity.enrolled_levels.get(lv, 0)} of {n}"
        for lv, n in capacity.eligible_levels.items()
    )
    budget = "" if design.max_pairs is None else f", max_pairs {design.max_pairs}"
    text = f"{design.name}: mentee_selection {rule}{budget}: {levels or 'no one eligible'}"
    if capacity.score_range is not None:
        lo, hi = capacity.score_range
        text += f"; enrolled scores {lo}..{hi} ({SCORE_MEANING[rule]})"
    return text


def _print_org_and_time(scenario, check) -> None:
    """The organisation replicate 0 builds, its generations, and the scenario's time."""
    from sim import analysis
    from sim.cli.run import describe_org
    from sim.model.people import GENERATIONS

    org, people = check.model.org, check.model.people
    gens = pd.Series(people.generation).map(dict(enumerate(GENERATIONS))).value_counts()
    print(
        f"  organisation: {describe_org(scenario, check.chart)}; "
        f"{int(org.is_senior.sum())} seniors, "
        f"{int((~org.is_senior).sum())} juniors; {org.level.max() + 1} levels; "
        f"{org.n_departments} departments"
    )
    print("  generations at start: " + ", ".join(f"{g} {gens.get(g, 0)}" for g in GENERATIONS))
    print(
        f"  time: start {scenario.start_date}, launch week {scenario.launch_week}, "
        f"{scenario.weeks} weeks; {analysis.replicates_text(scenario.replicates)}, "
        f"seed {scenario.seed}"
    )


def _network_line(scenario, check) -> str:
    """The informal network replicate 0 runs on: imported or generated, and who has no tie."""
    from pathlib import Path

    from sim.model.org import INFORMAL

    org = check.model.org
    informal = org.edges[org.edge_kind == INFORMAL]
    alone = org.size - len(np.unique(informal))
    if check.chart is not None and check.chart.informal is not None:
        imported = len(check.chart.informal)
        source = (
            f"{imported} ties imported from {Path(scenario.org.ties_file).name} "
            f"(org.min_tie_weight {scenario.org.min_tie_weight:g}), "
            f"{imported - len(informal)} of them also reporting or team ties"
        )
    else:
        source = f"{len(informal)} generated ties"
    return f"informal network: {source}; {alone} of {org.size} people without an informal tie"


def _intake_table(check) -> pd.DataFrame:
    """A row per design: its first intake's eligible, enrolled, pool, pairs and sessions."""
    return pd.DataFrame(
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
