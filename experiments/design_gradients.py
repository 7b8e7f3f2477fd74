"""What the defaults imply: junior turnover and leadership fluency per design (docs/ODD.md 11.3).

Usage: python experiments/design_gradients.py [--size 500] [--replicates 12] [--seed 20261122]

Runs each design of the table in docs/ODD.md section 11.3 (the default unobserved warm-up of
`warmup_weeks` before week 0, no pre-launch period, two years, every senior a mentee and
ongoing unless the row says otherwise) on the same replicate seeds
and prints the mean over replicates of junior turnover in years 1 and 2 and of leadership
fluency at week 104, with each design's paired difference from the no-program run.
"""

from __future__ import annotations

import argparse
import dataclasses as dc
import time

import numpy as np

from sim import OrgCultureModel, replicate_seeds
from sim.scenario.design import ProgramDesign, default_program
from sim.scenario.parameters import OrgSpec, Scenario

FOCUSED = default_program().with_changes(topic_focus=1.0, commitment=0.9)


def rows() -> list[tuple[str, ProgramDesign | None, dict[str, float]]]:
    """(label, design, session-parameter changes) for each row of the table."""
    return [
        ("no program", None, {}),
        ("formal, biweekly, focused (1.0), commitment 0.9", FOCUSED, {}),
        ("the same with no knowledge transfer (tau = 0)", FOCUSED, {"tau": 0.0}),
        ("monthly", FOCUSED.with_changes(cadence_weeks=4), {}),
        ("every 26 weeks", FOCUSED.with_changes(cadence_weeks=26), {}),
        ("topic focus 0", FOCUSED.with_changes(topic_focus=0.0), {}),
        ("commitment 0.5", FOCUSED.with_changes(commitment=0.5), {}),
        (
            "informal monthly coffee chats, commitment 0.5, focus 0",
            FOCUSED.with_changes(formal=False, cadence_weeks=4, commitment=0.5, topic_focus=0.0),
            {},
        ),
        ("4 months only", FOCUSED.with_changes(duration_weeks=17), {}),
        ("top two levels only", FOCUSED.with_changes(mentee_levels=(0, 1)), {}),
    ]


def measure(scenario: Scenario, design: ProgramDesign | None, seed: int) -> tuple[float, ...]:
    """Junior turnover in years 1 and 2 and leadership fluency at the end, for one run."""
    model = OrgCultureModel(scenario, design, seed)
    model.run_for(scenario.weeks)
    s = model.summary()
    return (s["turnover_junior_y1"], s["turnover_junior_y2"], s["leadership_fluency_end"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--replicates", type=int, default=12)
    parser.add_argument("--seed", type=int, default=Scenario.seed)
    args = parser.parse_args(argv)
    base = Scenario(org=OrgSpec(size=args.size), years=2.0)
    seeds = replicate_seeds(args.seed, args.replicates)
    started = time.perf_counter()
    results = {}
    for label, design, session_changes in rows():
        sessions = dc.replace(base.dynamics.sessions, **session_changes)
        scenario = base.with_changes(dynamics=dc.replace(base.dynamics, sessions=sessions))
        results[label] = np.array([measure(scenario, design, s) for s in seeds])
    print(
        f"{args.size} people, {args.replicates} replicates (seeds from {args.seed}), "
        f"{time.perf_counter() - started:.0f} s"
    )
    print("| design | junior turnover, year 1 / year 2 | leadership fluency at week 104 |")
    print("| --- | --- | --- |")
    none = results["no program"]
    for label, r in results.items():
        mean = r.mean(axis=0)
        diff = (r - none).mean(axis=0)
        sd = (r - none).std(axis=0, ddof=1) / np.sqrt(len(r))
        paired = (
            ""
            if label == "no program"
            else f" (vs none {diff[0]:+.3f} +- {sd[0]:.3f} / {diff[1]:+.3f} +- {sd[1]:.3f})"
        )
        print(f"| {label} | {mean[0]:.3f} / {mean[1]:.3f}{paired} | {mean[2]:.3f} |")


if __name__ == "__main__":
    main()
