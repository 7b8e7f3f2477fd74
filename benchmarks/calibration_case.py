"""The calibration's case model: simulations per second per core (information, no target).

Usage: python benchmarks/calibration_case.py [--repeats 5]

One call of `sim.calibration.abc_smc.CaseModel` at the priors' midpoints on the telecom case
(300 people, 104 unobserved warm-up weeks, the year before launch and the year after): K = 4
paired program runs and their summaries, what each ABC-SMC particle costs. Timed in this
one process (one core), median over repeats after a warm-up call; simulations per second per
core = K / the median CPU time of one particle.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, machine_lines, median_time, print_rows  # noqa: E402

from sim.calibration.abc_smc import REPLICATES, CaseModel, name_of  # noqa: E402
from sim.calibration.cases import Case  # noqa: E402
from sim.scenario.cases import CASES_DIR  # noqa: E402
from sim.scenario.priors import fitted_priors  # noqa: E402


def measure(repeats: int = 5) -> list[Row]:
    """The calibration row."""
    import numpy as np

    model = CaseModel(Case.load(CASES_DIR / "telecom.toml"))
    pars = {name_of(p.key): (p.lo + p.hi) / 2 for p in fitted_priors()}
    np.random.seed(1)  # CaseModel draws its particle's seed from numpy's global generator
    wall, cpu = median_time(lambda: model(pars), repeats, warmup=1)
    rate = REPLICATES / cpu
    print(
        f"telecom case model, {REPLICATES} paired runs per particle: {wall:.3f} s wall, "
        f"{cpu:.3f} s CPU per particle; {rate:.1f} simulations per second per core "
        f"(median of {repeats})"
    )
    return [
        Row(
            f"calibration case model (telecom, 300 people, {REPLICATES} runs per particle)",
            f"{rate:.1f} simulations/s per core ({cpu:.3f} s CPU per particle; "
            f"median of {repeats})",
            "none (information)",
            True,
            "python benchmarks/calibration_case.py",
        )
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    print("\n".join(machine_lines()))
    print_rows(measure(args.repeats))


if __name__ == "__main__":
    main()
