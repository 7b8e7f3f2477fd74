"""The published sensitivity and the network ablation: runs, tables, figures and a summary.

The entry points a script calls (experiments/sensitivity.py, experiments/calibrate.py):
`publish_sensitivity` and `publish_network_ablation` run the sweeps
(`sim.studies.sensitivity.run_published_sensitivity`,
`sim.studies.ablation.run_network_ablation`), then draw their figures from the tables they
wrote (`sim.viz.sensitivity_plot`) and write a short Markdown summary. They live here, not
in `sim.studies`, because the studies never import the pictures (the layers in
pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from sim.studies import ablation as abl
from sim.studies.sensitivity import PublishedSensitivity, run_published_sensitivity
from sim.viz.plots import save_figure
from sim.viz.sensitivity_plot import ablation_figure, sensitivity_overview_figure


def publish_sensitivity(
    out: str | Path, quick: bool = False, say: Callable[..., Any] | None = print, **options: Any
) -> PublishedSensitivity:
    """Morris, then Sobol; writes morris.csv, sobol.csv, sensitivity.png and sensitivity.md.

    Args:
        out: the output folder (the runs stay in out/morris and out/sobol, resumable).
        quick: the quick sizes (`sim.studies.sensitivity.PUBLISHED_SIZES`).
        say: where progress messages go (None: nowhere).
        **options: passed to `run_published_sensitivity` (replicates, size, years, seed,
            workers, force, progress).
    """
    out = Path(out)
    result = run_published_sensitivity(out, quick, say=say, **options)
    fig = sensitivity_overview_figure(result.morris, result.sobol, result.outcomes)
    result.written += save_figure(fig, out / "sensitivity", formats=("png",), dpi=110)
    md = out / "sensitivity.md"
    md.write_text(sensitivity_markdown(result))
    result.written.append(md)
    return result


def publish_network_ablation(
    out: str | Path, quick: bool = False, say: Callable[..., Any] | None = print, **options: Any
) -> abl.AblationResult:
    """The network ablation; writes ablation.csv, ablation_runs.csv, ablation.png, ablation.md.

    Args:
        out: the output folder (each variant's runs stay in out/VARIANT, resumable).
        quick: 10 replicates instead of 40.
        say: where progress messages go (None: nowhere).
        **options: passed to `run_network_ablation` (replicates, size, years, seed,
            workers, force, progress, variants).
    """
    out = Path(out)
    if say:
        n = options.get("replicates") or abl.SIZES["quick" if quick else "full"]["replicates"]
        say(
            f"Network ablation: {len(abl.VARIANTS)} variants x {len(abl.DESIGNS)} designs x "
            f"{n} replicates on the same seeds"
        )
    result = abl.run_network_ablation(out, quick, **options)
    outcomes = abl.ablation_outcomes(options.get("years", 2.0))
    fig = ablation_figure(result.table, outcomes, abl.VARIANT_LABELS)
    result.written += save_figure(fig, out / "ablation", formats=("png",), dpi=110)
    md = out / "ablation.md"
    md.write_text(ablation_markdown(result.table))
    result.written.append(md)
    return result


# --- Markdown summaries (the tables docs/ODD.md quotes) ---------------------------------------
def _num(value: float, digits: int = 3) -> str:
    return "nan" if pd.isna(value) else f"{value:.{digits}f}"


def _signed(value: float, digits: int = 4) -> str:
    return "nan" if pd.isna(value) else f"{value:+.{digits}f}"


def sensitivity_markdown(result: PublishedSensitivity) -> str:
    """The Morris and Sobol tables in Markdown, an outcome per column group."""
    lines = [
        "# Published sensitivity",
        "",
        f"{result.runs} runs in {result.wall_seconds:.0f} s. Morris mu* (mean absolute "
        "elementary effect, in the outcome's units over the parameter's whole range; "
        "+- its 95% bootstrap half-width) and sigma; Sobol S1 and ST (+- 95% half-widths).",
        "",
        "## Morris screening",
        "",
    ]
    outcomes = list(result.outcomes)
    head = "| parameter | " + " | ".join(f"{o} mu* (sigma)" for o in outcomes) + " |"
    lines += [head, "|" + " --- |" * (len(outcomes) + 1)]
    morris = result.morris.set_index(["outcome", "parameter"])
    order = (
        result.morris[result.morris["outcome"] == outcomes[0]]
        .sort_values("mu_star", ascending=False)["parameter"]
        .tolist()
    )
    for p in order:
        cells = []
        for o in outcomes:
            r = morris.loc[(o, p)]
            cells.append(f"{_num(r.mu_star)} +- {_num(r.mu_star_conf)} ({_num(r.sigma)})")
        lines.append(f"| `{p}` | " + " | ".join(cells) + " |")
    lines += ["", "Kept for Sobol: " + ", ".join(f"`{k}`" for k in result.kept), ""]
    lines += ["## Sobol indices", ""]
    head = "| parameter | " + " | ".join(f"{o} S1 / ST" for o in outcomes) + " |"
    lines += [head, "|" + " --- |" * (len(outcomes) + 1)]
    sobol = result.sobol.set_index(["outcome", "parameter"])
    for p in result.kept:
        cells = []
        for o in outcomes:
            r = sobol.loc[(o, p)]
            cells.append(
                f"{_num(r.S1, 2)} +- {_num(r.S1_conf, 2)} / {_num(r.ST, 2)} +- {_num(r.ST_conf, 2)}"
            )
        lines.append(f"| `{p}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def ablation_markdown(table: pd.DataFrame) -> str:
    """The paired differences in Markdown: a row per variant and design, a column per outcome.

    The first rows are the full model's means (the reference); * marks a difference whose
    95% interval excludes 0.
    """
    marked = abl.verdicts(table)
    n = int(table["n"].min()) if len(table) else 0
    outcomes = list(dict.fromkeys(table["outcome"]))
    designs = list(dict.fromkeys(table["design"]))
    lines = [
        "# Network ablation",
        "",
        f"Variant minus full model on the same seeds: mean difference and 95% t interval over "
        f"{n} seeds; * where the interval excludes 0. 'program effect' is program minus no "
        "program on a seed, so its row says how the ablation changes what the program does.",
        "",
        "| variant | design | " + " | ".join(outcomes) + " |",
        "|" + " --- |" * (len(outcomes) + 2),
    ]
    first = marked[marked["variant"] == marked["variant"].iloc[0]] if len(marked) else marked
    for design in designs:
        at = first[first["design"] == design].set_index("outcome")
        cells = [_num(at.loc[o, "full"], 4) if o in at.index else "" for o in outcomes]
        lines.append(f"| full model (mean) | {design} | " + " | ".join(cells) + " |")
    for variant in dict.fromkeys(marked["variant"]):
        for design in designs:
            at = marked[(marked["variant"] == variant) & (marked["design"] == design)]
            at = at.set_index("outcome")
            cells = []
            for o in outcomes:
                if o not in at.index:
                    cells.append("")
                    continue
                r = at.loc[o]
                star = " *" if r["distinguishable"] else ""
                cells.append(
                    f"{_signed(r['difference'])} [{_signed(r['ci_low'])}, "
                    f"{_signed(r['ci_high'])}]{star}"
                )
            lines.append(f"| {abl.describe(variant)} | {design} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
