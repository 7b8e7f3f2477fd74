"""The scenario a command runs: the file given (or the default case) with overrides applied."""

from __future__ import annotations

import argparse
import functools
import textwrap

from sim.model.capacity import ProgramCheck
from sim.scenario.calibrated import calibrated_values
from sim.scenario.cases import DEFAULT_CASE
from sim.scenario.loading import default_with_overrides, load_scenario


def load_for_run(args: argparse.Namespace, first: list[str] | None = None):
    """The validated scenario with command-line overrides applied.

    Behaviour comes from the published calibration (`sim.scenario.calibrated`): the posterior
    medians, or with `first` (a posterior draw's ``KEY=VALUE`` parameters) that draw's
    values. Either way a value the scenario file sets itself wins (said once, when `first`
    is None), and an explicit ``--set`` wins over both. With ``--history`` the history's
    values replace the calibration's medians (a posterior draw `first` already carries the
    history's draws: `sim.history.values.with_history_draws`), and the first load says which
    numbers came from the organisation's history and which from the calibration.

    Also refused, as `sim validate` refuses them: an org chart too small to hold a program
    and a design that can pair no one.
    """
    sets = list(args.set)
    draw = None if first is None else {k: float(v) for k, _, v in (s.partition("=") for s in first)}
    history = history_values(args)
    if history is not None and draw is None:
        draw = calibrated_values() | history.values
    notes: list[str] = []
    for flag, key in ((args.years, "years"), (args.seed, "seed"), (args.replicates, "replicates")):
        if flag is not None:
            sets.append(f"{key}={flag}")
    checks = [ProgramCheck()]
    if args.scenario:
        scenario = load_scenario(args.scenario, sets, checks=checks, notes=notes, calibration=draw)
    elif DEFAULT_CASE.is_file():
        if first is None:  # said once, not once per posterior draw
            print(f"No scenario given: running the telecom case ({DEFAULT_CASE.name}).")
        scenario = load_scenario(DEFAULT_CASE, sets, checks=checks, notes=notes, calibration=draw)
    else:
        if first is None:
            print(
                "No scenario given and the case library is missing from this install: running "
                "the built-in 500-person division with the schema's behavioural defaults (no "
                "calibration to read)."
            )
        scenario = default_with_overrides(sets, checks=checks, calibration=draw)
    if first is None:
        chart = checks[0].chart
        # What `sim validate` says of an imported chart (dropped ties, many isolated people):
        # a run on that chart is where it matters.
        notes += [f"notice: {n}" for n in (chart.notices if chart is not None else ())]
        if history is not None:
            from sim.history.values import provenance_lines  # only with --history: scipy

            kept = {k for k, v in history.values.items() if _value_at(scenario, k) != v}
            notes[:0] = provenance_lines(history, calibrated_values(), overridden=kept)
        for note in notes:
            print(textwrap.fill(note, width=100, subsequent_indent="  "))
    return scenario


def history_values(args: argparse.Namespace):
    """The `--history` file's values, read once per command; None without the option."""
    path = getattr(args, "history", None)
    if path is None:
        return None
    if getattr(args, "_history_values", None) is None:
        from sim.history.values import read_history_values

        args._history_values = read_history_values(path)
    return args._history_values


def _value_at(scenario, key: str):
    """The loaded scenario's value of a dotted key such as ``dynamics.exits.beta_e``."""
    return functools.reduce(getattr, key.split("."), scenario)
