"""The scenario a command runs: the file given (or the default case) with overrides applied."""

from __future__ import annotations

import argparse

from sim.model.capacity import ProgramCheck
from sim.scenario.cases import DEFAULT_CASE
from sim.scenario.loading import default_with_overrides, load_scenario


def load_for_run(args: argparse.Namespace, first: list[str] | None = None):
    """The validated scenario with command-line overrides applied.

    `first` are overrides applied before the command line's own (a posterior draw's
    parameters), so that an explicit ``--set`` wins over them.

    Also refused, as `sim validate` refuses them: an org chart too small to hold a program
    and a design that can pair no one.
    """
    sets = list(first or []) + list(args.set)
    for flag, key in ((args.years, "years"), (args.seed, "seed"), (args.replicates, "replicates")):
        if flag is not None:
            sets.append(f"{key}={flag}")
    checks = [ProgramCheck()]
    if args.scenario:
        return load_scenario(args.scenario, sets, checks=checks)
    if DEFAULT_CASE.is_file():
        if first is None:  # said once, not once per posterior draw
            print(f"No scenario given: running the telecom case ({DEFAULT_CASE.name}).")
        return load_scenario(DEFAULT_CASE, sets, checks=checks)
    print(
        "No scenario given and the case library is missing from this install: running the "
        "built-in 500-person division."
    )
    return default_with_overrides(sets, checks=checks)
