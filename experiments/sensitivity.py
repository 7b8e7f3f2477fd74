"""Which uncertain dynamics parameters drive junior turnover and leadership fluency?

Two stages, as is usual for models with many uncertain parameters:
  1. Morris screening (elementary effects) over every uncertain parameter below: mu* ranks
     influence, sigma flags non-linearity or interaction.
  2. Sobol indices (first order S1, total ST, 95% bootstrap intervals) on the parameters the
     screening kept (mu* at least 10% of the largest, for either outcome), the others at
     their defaults.
Outcomes: junior turnover in year 2 and leadership fluency at the end, under a formal,
focused, ongoing program that pairs every senior. Each sample point's value is the mean
over its replicates; replicates share seeds across points (common random numbers).

Writes to --out:
  morris.csv, sobol.csv        the indices per outcome and parameter
  morris_OUTCOME.png, sobol_OUTCOME.png   bar charts with the intervals
  morris/results.sqlite, sobol/results.sqlite   the runs (resumable with the same --out)

Sizes and times, measured on 2 cores (500-person division, 2 years):
  --quick    Morris 6 trajectories x 2 replicates (168 runs), Sobol N=32 on at most 4
             parameters x 2 replicates (384 runs): about a minute (44 s and 68 s measured)
  default    Morris 20 trajectories x 3 replicates (840 runs), Sobol N=256 on at most 6
             parameters x 2 replicates (4,096 runs): 6 to 9 minutes (5.7 min measured
             alone, 8.5 min with other work on the machine); Sobol intervals about
             +-0.1 on the largest indices, +-0.01 on the small ones
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a plain script from anywhere
    sys.path.insert(0, str(REPO))

from sim.cli.scripts import run_stage, script_main, script_parser  # noqa: E402
from sim.scenario.design import default_program  # noqa: E402
from sim.scenario.parameters import OrgSpec, Scenario  # noqa: E402
from sim.sweeps.experiment import Experiment, Morris, Range, Sobol  # noqa: E402
from sim.sweeps.sensitivity import sensitivity_table  # noqa: E402
from sim.sweeps.store import ResultStore, write_table  # noqa: E402
from sim.viz.plots import save_figure, sensitivity_figure  # noqa: E402

NAME = "sensitivity"
DESIGN = "program"
OUTCOMES = {
    "turnover_junior_y2": "junior turnover, year 2",
    "leadership_fluency_end": "leadership fluency at the end",
}

# The uncertain dynamics parameters and their ranges: around the defaults of docs/ODD.md
# section 8, widened where the evidence is a single study or the value is free.
RANGES = {
    # Gallup 2016: 21% of Millennials changed jobs in a year; BLS median tenure 2.8 years at
    # ages 25-34 (an exit rate near 0.12-0.16 at steady state); the default is 0.16.
    "dynamics.exits.base_junior": Range(0.12, 0.21),
    # Gallup meta-analyses: top- vs bottom-quartile units have 25-65% lower turnover; +0.4
    # engagement halving exits gives 1.7; the range spans the reported spread.
    "dynamics.exits.beta_e": Range(1.0, 2.5),
    # Felps et al. 2009: turnover contagion is real but its size per neighbour is not
    # measured; 0 (none) to three times the default 0.10.
    "dynamics.exits.beta_c": Range(0.0, 0.3),
    # Engagement drop per neighbour's exit: no direct estimate; 0 to 2.5x the default 0.02.
    "dynamics.exits.c_e": Range(0.0, 0.05),
    # Relaxation toward the engagement target: half-lives of about 7 to 35 weeks.
    "dynamics.engagement.kappa": Range(0.02, 0.10),
    # Juniors' target terms: free parameters the cases calibrate; 0 to twice the default.
    "dynamics.engagement.a_climate": Range(0.0, 0.2),
    "dynamics.engagement.a_gap": Range(0.05, 0.3),
    "dynamics.engagement.a_growth": Range(0.0, 0.2),
    # Digital transfer per hour of session: half to twice the default 0.08.
    "dynamics.sessions.tau": Range(0.04, 0.16),
    # Mentors' voice (recognition, model v3's voice stock): 0 (none) to twice the default 0.10.
    "dynamics.engagement.a_voice": Range(0.0, 0.2),
    # Forgetting toward one's exposure: half to twice the default 0.01 per week.
    "dynamics.knowledge.phi": Range(0.005, 0.02),
    # The moving frontier: half to twice the default 0.10 per year.
    "dynamics.knowledge.frontier_drift": Range(0.05, 0.2),
    # Spillover among senior neighbours: 0 (none) to twice the default 0.01 per week.
    "dynamics.knowledge.sigma": Range(0.0, 0.02),
}
SIZES = {
    "quick": {"trajectories": 6, "morris_reps": 2, "sobol_n": 32, "sobol_reps": 2, "keep": 4},
    "default": {"trajectories": 20, "morris_reps": 3, "sobol_n": 256, "sobol_reps": 2, "keep": 6},
}


def base_scenario(size: int, years: float, seed: int) -> Scenario:
    """The organisation and program every sample point varies."""
    return Scenario(
        name=NAME,
        org=OrgSpec(size=size),
        years=years,
        seed=seed,
        include_baseline=False,
        designs=(default_program(),),
    )


def screen(morris: pd.DataFrame, keep: int) -> list[str]:
    """Parameters whose mu* is at least 10% of the largest for either outcome (at most keep)."""
    norm = morris.assign(
        rel=morris["mu_star"] / morris.groupby("outcome")["mu_star"].transform("max")
    )
    best = norm.groupby("parameter")["rel"].max().sort_values(ascending=False)
    chosen = best[best >= 0.1].index.tolist()[:keep]
    return chosen if len(chosen) >= 2 else best.index.tolist()[:2]


def indices(exp: Experiment, out: Path, args, outcomes: list[str]) -> pd.DataFrame:
    """Run one stage into its own store and return its indices table."""
    runs = run_stage(exp, out, args)
    with ResultStore(out) as store:
        definition = store.definition()
    return sensitivity_table(definition, runs, outcomes, DESIGN)


def figure(table: pd.DataFrame, stage: str, out: Path, labels: dict[str, str]) -> list[Path]:
    paths = []
    for outcome, label in labels.items():
        rows = table[table["outcome"] == outcome]
        if rows.empty:
            continue
        fig = sensitivity_figure(rows, title=f"{stage}: {label}")
        ax = fig.axes[0]
        ax.set_ylabel("parameter (dotted key path)")
        if stage == "Morris":
            unit = "exits per year / headcount" if "turnover" in outcome else "0-1 scale"
            ax.set_xlabel(f"mu* and sigma ({unit} over the parameter's range)")
        paths += save_figure(fig, out / f"{stage.lower()}_{outcome}", formats=("png",))
    return paths


def main(argv: list[str] | None = None) -> int:
    p = script_parser(
        __doc__,
        NAME,
        "per sample point (3 / 2)",
        replicates=None,
        seed_help="base seed of the samples and the replicates",
    )
    p.add_argument("--quick", action="store_true", help="a small run (about a minute on 2 cores)")
    args = p.parse_args(argv)
    return script_main(lambda: run(args))


def run(args) -> int:
    size = SIZES["quick" if args.quick else "default"]
    started = time.perf_counter()
    base = base_scenario(args.size, args.years, args.seed)
    # Year 2 needs two years; shorter test runs fall back to year 1.
    labels = {
        (o if args.years >= 2 else o.replace("_y2", "_y1")): (
            label if args.years >= 2 else label.replace("year 2", "year 1")
        )
        for o, label in OUTCOMES.items()
    }
    outcomes = list(labels)
    morris_exp = Experiment(
        base,
        RANGES,
        sample=Morris(trajectories=size["trajectories"], levels=4),
        replicates=args.replicates or size["morris_reps"],
        name=f"{NAME}-morris",
    )
    print(f"Morris screening: {len(RANGES)} parameters, {len(morris_exp.tasks())} runs")
    morris = indices(morris_exp, args.out / "morris", args, outcomes)
    kept = screen(morris, size["keep"])
    print("Kept for Sobol: " + ", ".join(kept))
    sobol_exp = Experiment(
        base,
        {k: RANGES[k] for k in kept},
        sample=Sobol(n=size["sobol_n"]),
        replicates=args.replicates or size["sobol_reps"],
        name=f"{NAME}-sobol",
    )
    print(f"Sobol indices: {len(kept)} parameters, {len(sobol_exp.tasks())} runs")
    sobol = indices(sobol_exp, args.out / "sobol", args, outcomes)
    written = [
        write_table(morris, args.out / "morris.csv"),
        write_table(sobol, args.out / "sobol.csv"),
        *figure(morris, "Morris", args.out, labels),
        *figure(sobol, "Sobol", args.out, labels),
    ]
    for outcome in outcomes:
        shown = sobol[sobol["outcome"] == outcome].sort_values("ST", ascending=False)
        print(f"\nSobol indices for {outcome} (95% interval half-widths):")
        for r in shown.itertuples():
            print(
                f"  {r.parameter:36s} S1 {r.S1:6.3f} +- {r.S1_conf:.3f}   "
                f"ST {r.ST:6.3f} +- {r.ST_conf:.3f}"
            )
    names = ", ".join(p.name for p in written)
    print(f"\nWrote {names} in {args.out}/ in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
