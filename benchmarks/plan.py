"""`sim plan` at 2,000 employees: 4 rollout plans x 200 replicates on 2 local workers.

Usage: python benchmarks/plan.py [--replicates 200] [--workers 2]

The telecom case with org.size = 2000 at the calibration's medians (--uncertainty
replicates: the power only, no posterior runs): all at once, a random half, a stepped-wedge
and a pilot in 2 departments, 12 months before and 12 of evaluation, estimated at six
evaluation lengths. Each replicate (one task on the project's process pool) runs the
no-program run and the 4 plans on its seed: 1,000 model runs in all. The time covers
everything but writing files: loading, starting the workers, the runs, the estimates and
the plan table.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, machine_lines, print_rows  # noqa: E402

from sim.model.model import OrgCultureModel  # noqa: E402
from sim.planning.plans import (  # noqa: E402
    default_step_months,
    parse_plans,
    unit_of_positions,
)
from sim.planning.run import run_plans  # noqa: E402
from sim.planning.simulate import Timeline  # noqa: E402
from sim.planning.summary import plan_table  # noqa: E402
from sim.scenario.cases import DEFAULT_CASE  # noqa: E402
from sim.scenario.loading import load_scenario  # noqa: E402
from sim.scenario.seeds import replicate_seeds  # noqa: E402

TARGET = 120.0
SIZE = 2000
MONTHS = 12


def measure(replicates: int = 200, workers: int = 2) -> list[Row]:
    """The plan row."""
    t = time.perf_counter()
    scenario = load_scenario(DEFAULT_CASE, [f"org.size={SIZE}"])
    org = OrgCultureModel(scenario, None, seed=scenario.seed).org
    _, names = unit_of_positions(org)
    step = default_step_months(len(names), MONTHS)
    plans = parse_plans(
        ["all_at_once", "cluster", "stepped_wedge", "pilot"], len(names), MONTHS, step, [2]
    )
    rows = run_plans(
        [scenario],
        scenario.designs[0].name,
        replicate_seeds(scenario.seed, replicates),
        plans,
        Timeline(12, MONTHS),
        (2, 4, 6, 8, 10, 12),
        workers=workers,
    )
    table = plan_table(rows, {p.name: p.label for p in plans}, MONTHS, 0.05, scenario.costs)
    wall = time.perf_counter() - t
    runs = replicates * (len(plans) + 1)
    print(table[["plan", "power", "min_detectable_effect", "model_effect"]].to_string(index=False))
    print(
        f"plan: {len(plans)} plans x {replicates} replicates of a {SIZE:,}-person organisation "
        f"({runs:,} model runs) on {workers} workers: {wall:.1f} s"
    )
    return [
        Row(
            f"sim plan, {SIZE:,} employees: {len(plans)} plans x {replicates} replicates "
            f"({runs:,} runs) on {workers} local workers",
            f"{wall:.1f} s ({runs / wall:.1f} runs/s)",
            f"<= {TARGET:.0f} s",
            len(rows) == replicates * len(plans) * 6 and wall <= TARGET,
            f"python benchmarks/plan.py --replicates {replicates} --workers {workers}",
        )
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    print("\n".join(machine_lines()))
    print_rows(measure(args.replicates, args.workers))


if __name__ == "__main__":
    main()
