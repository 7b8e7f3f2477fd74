"""Compare reverse-mentoring program designs on one organisation, on shared seeds.

Designs (every one beside the no-program baseline, all on the same replicate seeds):

  coffee_chats            informal, monthly, commitment 0.5, no topic focus, every senior, ongoing
  formal_biweekly         formal, every 2 weeks, 1 hour, no topic focus, every senior, ongoing
  formal_focused          the same with sessions focused on agreed digital topics (commitment
                          0.9: the model's default design knobs, every senior, ongoing)
  formal_focused_monthly  formal_focused meeting every 4 weeks
  formal_focused_half_commitment  formal_focused at commitment 0.5
  formal_focused_every_26_weeks   formal_focused meeting twice a year
  formal_focused_two_way  the same, and mentors learn the business from their mentee
  top_two_levels          formal_focused for levels 0-1 only (vs every senior: formal_focused)
  four_months             formal_focused for 17 weeks (vs ongoing: formal_focused)
  twelve_months           formal_focused for 52 weeks

Design against design: each knob's effect on year-2 junior turnover is printed as a paired
difference between two designs on the same seeds (topic focus 1 vs 0, commitment 0.9 vs 0.5,
biweekly vs monthly), with its 95% interval, and meeting every 26 weeks as the share of the
biweekly design's effect it keeps (docs/ODD.md section 11.3).

Writes to --out:
  compare_program_designs.csv  per design and outcome: mean and 95% interval over replicates,
                               the paired difference from baseline with its interval, and the
                               cost per avoided exit with a paired bootstrap interval
  compare_program_designs_contrasts.csv  the design-against-design differences
  compare_program_designs.png  each design's mean and interval, and its difference
  results.sqlite               the runs (resumable: run again with the same --out to continue)

Default size: 11 designs x 20 replicates of a 500-person division over 2 years (220 runs).
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

from sim import analysis  # noqa: E402
from sim.cli.scripts import run_stage, script_main, script_parser  # noqa: E402
from sim.runs.experiment import Experiment  # noqa: E402
from sim.runs.store import write_table  # noqa: E402
from sim.scenario.design import ProgramDesign  # noqa: E402
from sim.scenario.parameters import OrgSpec, Scenario  # noqa: E402
from sim.viz.plots import comparison_figure, save_figure  # noqa: E402

NAME = "compare_program_designs"
# Column -> label with its unit (the figure's panel titles and the printed table).
OUTCOMES = {
    "turnover_junior_y1": "Junior turnover, year 1 (exits per year / headcount)",
    "turnover_junior_y2": "Junior turnover, year 2 (exits per year / headcount)",
    "engagement_junior_end": "Junior engagement at the end (0-1 scale)",
    "leadership_fluency_end": "Leadership digital fluency at the end (0-1 scale)",
    "program_cost": "Program cost (USD, whole run)",
}


def designs() -> tuple[ProgramDesign, ...]:
    """The compared designs: each differs from its neighbour in one or two knobs."""
    formal = ProgramDesign(
        name="formal_biweekly",
        formal=True,
        cadence_weeks=2,
        session_hours=1.0,
        topic_focus=0.0,
        mentee_levels=None,  # every senior
        duration_weeks=None,  # ongoing
    )
    focused = formal.with_changes(name="formal_focused", topic_focus=1.0)
    return (
        formal.with_changes(
            name="coffee_chats", formal=False, cadence_weeks=4, commitment=0.5, topic_focus=0.0
        ),
        formal,
        focused,
        focused.with_changes(name="formal_focused_two_way", two_way=True),
        focused.with_changes(name="top_two_levels", mentee_levels=(0, 1)),
        focused.with_changes(name="four_months", duration_weeks=17),
        focused.with_changes(name="twelve_months", duration_weeks=52),
        focused.with_changes(name="formal_focused_monthly", cadence_weeks=4),
        focused.with_changes(name="formal_focused_half_commitment", commitment=0.5),
        focused.with_changes(name="formal_focused_every_26_weeks", cadence_weeks=26),
    )


# (design, against, what the difference isolates): one knob each, on the same seeds.
CONTRASTS = (
    ("formal_focused", "formal_biweekly", "topic focus 1 vs 0"),
    ("formal_focused", "formal_focused_half_commitment", "commitment 0.9 vs 0.5"),
    ("formal_focused", "formal_focused_monthly", "every 2 weeks vs every 4"),
)
CONTRAST_OUTCOME = "turnover_junior_y2"


def contrasts(runs: pd.DataFrame, outcome: str = CONTRAST_OUTCOME) -> pd.DataFrame:
    """Design minus design on the same seeds, for each knob in `CONTRASTS`."""
    rows = []
    for design, against, knob in CONTRASTS:
        pair = runs[runs["design"].isin((design, against))]
        diff = analysis.paired_differences(pair, [outcome], baseline=against)
        if diff.empty:
            continue
        d = diff.iloc[0]
        rows.append(
            {
                "design": design,
                "against": against,
                "knob": knob,
                "outcome": outcome,
                "difference": d["difference"],
                "ci_low": d["ci_low"],
                "ci_high": d["ci_high"],
                "n": d["n"],
                "beyond_interval": bool(d["ci_high"] < 0 or d["ci_low"] > 0),
            }
        )
    return pd.DataFrame(rows)


def effect_kept(runs: pd.DataFrame, design: str, of: str, outcome: str = CONTRAST_OUTCOME):
    """The share of `of`'s effect (vs baseline, paired) that `design` keeps."""
    diff = analysis.paired_differences(runs, [outcome]).set_index("design")["difference"]
    if design not in diff or of not in diff or diff[of] == 0:
        return float("nan")
    return float(diff[design] / diff[of])


def build(replicates: int, size: int, years: float, seed: int) -> Experiment:
    """The experiment: one point, every design and the baseline, shared seeds."""
    scenario = Scenario(
        name=NAME,
        description="Program designs compared on a generated division",
        org=OrgSpec(size=size),
        years=years,
        replicates=replicates,
        seed=seed,
        designs=designs(),
    )
    return Experiment(scenario, name=NAME)


def table(runs: pd.DataFrame) -> pd.DataFrame:
    """Per design and outcome: mean, interval, paired difference; cost per avoided exit."""
    outcomes = [o for o in OUTCOMES if o in runs]
    means = analysis.summarise_designs(runs, outcomes)
    diff = analysis.paired_differences(runs, outcomes).rename(
        columns={"difference": "difference", "ci_low": "diff_ci_low", "ci_high": "diff_ci_high"}
    )
    out = means.merge(
        diff.drop(columns="n"), on=["design", "outcome"], how="left", validate="one_to_one"
    )
    cost = analysis.program_cost_per_avoided_exit_interval(runs)
    exits = analysis.paired_differences(runs, ["exits_total"])
    cost_rows = pd.DataFrame(
        {
            "design": cost["design"],
            "outcome": "cost_per_avoided_exit",
            "mean": cost["program_cost_per_avoided_exit"],
            "ci_low": cost["ci_low"],
            "ci_high": cost["ci_high"],
            "n": exits["n"].to_numpy(),
            "difference": -exits["difference"].to_numpy(),  # exits avoided, paired
            "diff_ci_low": -exits["ci_high"].to_numpy(),
            "diff_ci_high": -exits["ci_low"].to_numpy(),
            "note": cost["note"].replace("", "difference columns: exits avoided vs baseline"),
        }
    )
    return pd.concat([out.assign(note=""), cost_rows], ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    args = script_parser(__doc__, NAME, "per design (20)").parse_args(argv)
    return script_main(lambda: run(args))


def run(args) -> int:
    started = time.perf_counter()
    exp = build(args.replicates, args.size, args.years, args.seed)
    runs = run_stage(exp, args.out, args)
    result = table(runs)
    csv = write_table(result, args.out / f"{NAME}.csv")
    shown = {k: v for k, v in OUTCOMES.items() if k in runs}
    fig = comparison_figure(runs, shown)
    (png,) = save_figure(fig, args.out / NAME, formats=("png",))
    print(analysis.headline_table(runs, shown).to_string())
    cost = result[result["outcome"] == "cost_per_avoided_exit"]
    print("\nCost per avoided exit (USD), 95% paired bootstrap interval:")
    for row in cost.itertuples():
        text = (
            analysis.format_interval(row.mean, row.ci_low, row.ci_high)
            if row.mean == row.mean
            else row.note
        )
        print(f"  {row.design}: {text}")
    # Year 2 when the run is that long (the default), else year 1 (short test runs).
    outcome = CONTRAST_OUTCOME if CONTRAST_OUTCOME in runs else "turnover_junior_y1"
    pairs = contrasts(runs, outcome)
    pairs_csv = write_table(pairs, args.out / f"{NAME}_contrasts.csv")
    print(
        f"\nDesign against design, {OUTCOMES[outcome].split(' (')[0].lower()}: paired "
        "difference on the same seeds, mean [95% interval]"
    )
    for row in pairs.itertuples():
        zero = "outside" if row.beyond_interval else "inside"
        print(
            f"  {row.knob:<26} {row.design} - {row.against}: "
            f"{analysis.format_interval(row.difference, row.ci_low, row.ci_high)} "
            f"(zero {zero} the interval)"
        )
    kept = effect_kept(runs, "formal_focused_every_26_weeks", "formal_focused", outcome)
    if kept == kept:
        print(
            f"  meeting every 26 weeks keeps {kept:.0%} of the biweekly design's effect "
            "(each vs baseline, paired)"
        )
    print(
        f"\nWrote {csv}, {pairs_csv} and {png} ({len(runs)} runs) in "
        f"{time.perf_counter() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
