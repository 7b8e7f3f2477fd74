"""Published sensitivity of model v4 and the network ablation (docs/ODD.md section 11).

Two parts, both on the built-in 500-person division with its formal, focused, ongoing
program for every senior (2 years):

  sensitivity  Morris screening of the 21 uncertain behavioural parameters of
               sim.studies.sensitivity.PUBLISHED_RANGES (each range commented there), then
               Sobol indices (S1, ST, 95% bootstrap intervals) of those whose mu* is at
               least 10% of the largest for some outcome (at most 4 quick, 6 full), the
               others at their defaults. Outcomes: junior turnover in year 2, junior
               engagement in year 2 (mean), leadership fluency at the end. Each sample
               point's value is the mean over its replicates; replicates share seeds across
               points (common random numbers).
  ablation     the full model against four variants on the same seeds, with and without
               the program: informal ties shuffled (same degrees, own random stream, the
               same people), no exit contagion, no senior spillover, neither. Paired
               differences with 95% intervals, for each design and for the program's
               effect.

Writes to --out:
  sensitivity/  morris.csv, sobol.csv, sensitivity.png, sensitivity.md, and the runs
                (morris/results.sqlite, sobol/results.sqlite: resumable with the same --out)
  ablation/     ablation.csv, ablation_runs.csv, ablation.png, ablation.md, and the runs
                (one folder per variant)

Sizes (runs):
  --quick   Morris 4 trajectories x 2 replicates (160 runs), Sobol n=32 x 1 replicate on at
            most 4 parameters (192 runs); ablation 10 replicates (100 runs)
  default   Morris 10 trajectories x 2 replicates (400 runs), Sobol n=128 x 2 replicates on
            at most 6 parameters (2,048 runs); ablation 40 replicates (400 runs)
A run of the 500-person division over 2 years costs about 0.2-0.3 s of CPU; the times
measured are in docs/ODD.md section 11 (sensitivity and network ablation).
Progress bars show each stage's runs and the time left.

Example:
  python experiments/sensitivity.py --quick
  python experiments/sensitivity.py --only ablation --replicates 20 --out /tmp/abl
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a plain script from anywhere
    sys.path.insert(0, str(REPO))

from sim.cli.scripts import script_main, script_parser  # noqa: E402
from sim.cli.sensitivity import publish_network_ablation, publish_sensitivity  # noqa: E402

NAME = "sensitivity"
PARTS = ("sensitivity", "ablation")


def main(argv: list[str] | None = None) -> int:
    p = script_parser(
        __doc__,
        NAME,
        "per sample point or per variant and design (default: as listed below)",
        replicates=None,
        seed_help="base seed of the samples and the replicates",
    )
    p.add_argument("--quick", action="store_true", help="the quick sizes (a few minutes)")
    p.add_argument("--only", choices=PARTS, help="run one part only")
    args = p.parse_args(argv)
    return script_main(lambda: run(args))


def run(args) -> int:
    started = time.perf_counter()
    options = {
        "replicates": args.replicates,
        "size": args.size,
        "years": args.years,
        "seed": args.seed,
        "workers": args.workers,
        "force": args.force,
        "progress": not args.quiet,
    }
    written = []
    if args.only in (None, "sensitivity"):
        result = publish_sensitivity(args.out / "sensitivity", args.quick, **options)
        written += result.written
        print((args.out / "sensitivity" / "sensitivity.md").read_text())
    if args.only in (None, "ablation"):
        result = publish_network_ablation(args.out / "ablation", args.quick, **options)
        written += result.written
        print((args.out / "ablation" / "ablation.md").read_text())
    names = ", ".join(str(p.relative_to(args.out)) for p in written)
    print(f"Wrote {names} in {args.out}/ in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
