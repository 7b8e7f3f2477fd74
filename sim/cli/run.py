"""`sim run` and `sim compare`: load, run, print the tables, write the results folder.

The folder is written by the Python API (`sim.write_results`); this module parses what the
command line chose and prints what a reader of the terminal needs.
"""

from __future__ import annotations

import argparse
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd

from sim import analysis
from sim.cli.scenario_args import history_values, load_for_run
from sim.errors import InputError, Problem, did_you_mean
from sim.runs.replicates import Results
from sim.scenario.parameters import Scenario


def cmd_run(args: argparse.Namespace, compare: bool) -> int:
    """`sim run` and `sim compare`."""
    from sim.runs.output import check_out_dir, results_lock
    from sim.runs.results_folder import results_out_dir
    from sim.safety.resources import estimate

    if args.uncertainty is None:  # see main.UNCERTAINTY_HELP: decisions need the posterior
        args.uncertainty = "posterior" if compare else "replicates"
    scenario = load_for_run(args)
    designs = chosen_designs(args, scenario)
    against = _reference(args, scenario, designs) if compare else None
    out = results_out_dir(scenario, args.out)
    replicates = len(args.replicate_seed or []) or scenario.replicates
    need = estimate(
        scenario.org.size, replicates, len(designs or scenario.design_names), scenario.weeks
    )
    check_out_dir(out, args.force, need.disk)  # before the runs, not after them
    with results_lock(out):  # a second command on the same folder is refused meanwhile
        return _run_and_write(args, compare, scenario, designs, against, out)


def _run_and_write(
    args: argparse.Namespace, compare: bool, scenario: Scenario, designs, against, out
) -> int:
    """Run, print the tables and write the results folder."""
    from sim.runs.results_folder import comparison_tables, results_tables
    from sim.scenario.orgchart import load_chart
    from sim.viz.results_report import write_results

    chart = load_chart(scenario)
    started = time.perf_counter()
    replicates = len(args.replicate_seed or []) or scenario.replicates
    print(
        f"Scenario {scenario.name!r}: {describe_org(scenario, chart)}, "
        f"{scenario.weeks} weeks, {analysis.replicates_text(replicates)} per design"
    )
    results, shown = _run(args, scenario, designs, chart)
    elapsed = time.perf_counter() - started
    _print_headline(scenario, results, shown)
    threshold = getattr(args, "loss_threshold", 0.0) or 0.0
    compared = (
        comparison_tables(results, scenario, against, threshold) if against is not None else {}
    )
    if against is not None:
        _print_comparison(scenario, results, compared, against, threshold)
    explained = {}
    if compare and args.explain:
        from sim.cli.explain import explain_for_compare

        explained = explain_for_compare(scenario, designs, args)
    tables = results_tables(results, scenario, extra=compared | explained)
    if tables.get("targets") is not None:
        _print_targets(tables["targets"])
    written = write_results(
        results,
        scenario,
        out,
        against=against,
        tables=tables,
        manifest_extra={"wall_seconds": round(elapsed, 2), "uncertainty": shown}
        | _history_manifest(args),
        force=args.force,
    )
    print()
    print(f"Wrote {written.folder}/ ({', '.join(written.files)}) in {elapsed:.1f} s")
    return 0


def _history_manifest(args: argparse.Namespace) -> dict:
    """The --history file and the values it set, for the manifest; {} without one."""
    history = history_values(args)
    if history is None:
        return {}
    return {"history": {"file": str(history.path), "values": history.values}}


def uncertainty_text(args: argparse.Namespace, n_particles: int | None = None) -> str:
    """One line saying which uncertainty the intervals show."""
    history = history_values(args)
    if args.uncertainty == "posterior":
        ours = ""
        if history is not None:
            ours = (
                f", its {', '.join(k.rsplit('.', 1)[1] for k in history.values)} replaced by "
                f"draws from your history ({history.path}, {len(history.draws)} draws)"
            )
        return (
            "parameter uncertainty and run noise: each replicate runs on its own draw from "
            f"the calibrated posterior ({args.posterior}, {n_particles} particles{ours}), every "
            "design on the same draw and seed (a scenario's own behavioural values stay fixed)"
        )
    if history is not None:
        return (
            "run noise over replicates only, at your history's fitted values and the "
            "calibration's medians (not the parameters' uncertainty: --uncertainty posterior "
            "adds it)"
        )
    return (
        "run noise over replicates only, at the scenario's parameter values (not the "
        "parameters' uncertainty: --uncertainty posterior adds it)"
    )


def chosen_designs(args: argparse.Namespace, scenario: Scenario) -> list[str] | None:
    """The designs ``--designs`` names (the baseline first, when included); None for all."""
    if not args.designs:
        return None
    wanted = [d.strip() for d in args.designs.split(",") if d.strip()]
    known = scenario.design_names
    bad = [
        Problem(f"--designs {d}", f"no such design; designs: {', '.join(known)}")
        for d in wanted
        if d not in known
    ]
    if bad:
        raise InputError(bad)
    baseline = ["baseline"] if scenario.include_baseline and "baseline" not in wanted else []
    return baseline + wanted


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


def _run(
    args: argparse.Namespace, scenario: Scenario, designs: list[str] | None, chart
) -> tuple[Results, str]:
    """The runs, at the scenario's values or over the posterior; which uncertainty they show."""
    if args.uncertainty != "posterior":
        from sim.runs.replicates import run_scenario

        progress = not args.quiet
        results = run_scenario(scenario, designs, args.replicate_seed, chart, progress=progress)
        return results, uncertainty_text(args)
    from sim.calibration.posterior import library_posterior_path, read_posterior, run_over_posterior
    from sim.scenario.seeds import replicate_seeds

    args.posterior = args.posterior or library_posterior_path()
    posterior = read_posterior(args.posterior)
    history = history_values(args)
    if history is not None:
        from sim.history.values import with_history_draws

        posterior = with_history_draws(posterior, history, scenario.seed)
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
    return results, uncertainty_text(args, len(posterior))


def _print_headline(scenario: Scenario, results: Results, shown: str) -> None:
    """The headline outcomes with their intervals, and mentor retention if measured."""
    table = analysis.headline_table(
        results.summary,
        currency=scenario.costs.currency,
        titles=analysis.design_titles(scenario),
    )
    print()
    print("Headline outcomes: mean [95% interval over replicates]")
    print(f"(intervals: {analysis.INTERVAL_METHOD})")
    print(f"Uncertainty shown: {shown}.")
    warning = analysis.few_replicates_warning(int(results.summary.groupby("design").size().min()))
    if warning:
        print(f"Warning: {warning}.")
    print(table.to_string())
    _print_mentor_retention(results.summary)


def _print_comparison(
    scenario: Scenario, results: Results, tables: dict, against: str, threshold: float
) -> None:
    """The paired differences, money and ranking of `sim compare` (`comparison_tables`)."""
    diff, money = tables["differences"], tables["money"]
    order = list(dict.fromkeys(results.summary["design"]))
    currency = scenario.costs.currency
    titles = analysis.design_titles(scenario)
    print()
    print(
        f"Difference from {titles.get(against, against)} on the same seeds: mean [95% interval "
        "of the mean]"
    )
    print(
        analysis.differences_table(diff, order=order, currency=currency, titles=titles).to_string()
    )
    horizon = analysis.Horizon.of(scenario)
    n = int(money["n"].min()) if len(money) else 0
    print()
    _wrapped(
        f"Money over {horizon}, in {currency}: each design minus {titles.get(against, against)} "
        f"on the same seeds, over {n} paired runs. Amounts: median [80% predictive interval: "
        "what one organisation may see; it does not narrow with more runs]; mean [95% "
        "interval of the mean: how precisely the average is known]."
    )
    print(analysis.money_display(money, currency, horizon, order, titles).to_string())
    note = analysis.horizon_note(money)
    if note:
        _wrapped(f"Note: {note}.")
    print()
    print("Verdict (from the chance of a positive net benefit over the paired runs):")
    for line in analysis.verdict_lines(money, currency, titles, threshold):
        _wrapped(f"- {line}")
    for line in analysis.break_even_lines(money, currency, titles):
        _wrapped(f"Break-even: {line}")
    ranking = tables.get("ranking")
    if ranking is not None and not ranking.empty:
        print()
        print("Which design: ranked by the chance of the best net benefit (doing nothing included)")
        print(analysis.ranking_display(ranking, currency, titles).to_string())
        _wrapped(analysis.ranking_sentence(ranking, titles))


def _wrapped(text: str) -> None:
    """A paragraph within 100 characters."""
    print(textwrap.fill(text, width=100, subsequent_indent="  "))


def _print_targets(targets: pd.DataFrame) -> None:
    """Each case target beside the simulated mean, within tolerance or not."""
    print()
    print("Case targets (docs/ODD.md section 1): target vs simulated mean [95% interval]")
    for t in targets.itertuples():
        verdict = "within tolerance" if t.within_tolerance else "off target"
        interval = analysis.format_outcome(t.outcome, t.simulated, t.ci_low, t.ci_high)
        target = analysis.format_outcome(t.outcome, t.target, np.nan, np.nan)
        print(f"  {t.outcome} ({t.design}): target {target}, simulated {interval}: {verdict}")


def _print_mentor_retention(summary: pd.DataFrame) -> None:
    """Mentor retention beside its counterfactual, when the scenario measured it."""
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


def describe_org(scenario, chart) -> str:
    """The org in a few words: its size, generated or from which chart."""
    if chart is not None:
        ties = scenario.org.ties_file
        network = "" if ties is None else f", informal ties from {Path(ties).name}"
        return f"{len(chart.parent)} people from {Path(scenario.org.chart).name}{network}"
    return f"{scenario.org.size} people (generated)"
