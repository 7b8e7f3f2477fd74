"""Synthetic HR histories made by the model's own exit equation, with known true values.

For tests (parameter recovery) and demos: a workforce of fixed positions, one in six a
people manager (Senior), each person with a survey engagement held for their whole stay,
steps week by week; each week every filled position leaves with the model's weekly
probability 1 - (1 - A)^(1/52), A = min(0.99, base[role] x exp(beta_e x (e_ref - e)) x
(new_hire_factor if tenure < 52 weeks)) (docs/ODD.md 7.4, without contagion), and a vacancy
is refilled `time_to_fill` weeks later. The export holds today's employees and the leavers
of the last `years` years, as a real export does; people hired before that carry the
tenure they had.

Run ``python -m sim.history.synth OUT.csv --people 2000`` to write one.
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.history.fit import EXITS

_SENIOR_SHARE = 1 / 6
_DEPARTMENTS = ("Sales", "Operations", "Finance", "Technology", "People", "Marketing")


@dataclass(frozen=True)
class TrueValues:
    """The values a synthetic history is generated with."""

    base_junior: float = 0.16
    base_senior: float = 0.08
    beta_e: float = 1.7
    junior_e0: float = 0.55
    senior_e0: float = 0.65
    spread: float = 0.18


def synthesize_history(
    people: int = 2000,
    years: float = 3.0,
    truth: TrueValues | None = None,
    seed: int = 0,
    as_of: dt.date = dt.date(2026, 6, 30),
) -> pd.DataFrame:
    """An event-history export (hire and exit dates, level, birth year, department, score).

    Args:
        people: positions in the organisation (the export holds more rows: the leavers).
        years: the observation window: leavers of the last `years` years are in the export.
        truth: the exit equation's values; the defaults are the schema's.
        seed: the one seed; the same seed gives the same export.
        as_of: the export's date (the window's end).
    """
    truth = truth or TrueValues()
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0x5E1]))
    weeks = int(round(years * 52))
    senior = rng.random(people) < _SENIOR_SHARE
    e0 = np.where(senior, truth.senior_e0, truth.junior_e0)
    base = np.where(senior, truth.base_senior, truth.base_junior)
    # The people in post when the window opens, with the tenure they had then.
    tenure = np.floor(np.minimum(rng.exponential(np.where(senior, 8.0, 3.0)), 35) * 52)
    tenure = tenure.astype(np.int64)
    hired = -tenure
    engagement = np.clip(rng.normal(e0, truth.spread), 0, 1)
    filled = np.ones(people, bool)
    refill_at = np.full(people, -1)
    rows: list[tuple[np.ndarray, ...]] = []
    for week in range(weeks):
        tenure_weeks = week - hired
        annual = base * np.exp(truth.beta_e * (EXITS.e_ref - engagement))
        annual = np.minimum(annual * np.where(tenure_weeks < 52, EXITS.new_hire_factor, 1.0), 0.99)
        weekly = 1 - (1 - annual) ** (1 / 52)
        leave = filled & (rng.random(people) < weekly)
        idx = np.flatnonzero(leave)
        rows.append((idx, hired[idx], np.full(len(idx), week), engagement[idx]))
        filled[idx] = False
        refill_at[idx] = week + 8
        new = np.flatnonzero(~filled & (refill_at == week + 1))
        filled[new] = True
        hired[new] = week + 1
        engagement[new] = np.clip(rng.normal(e0[new], truth.spread), 0, 1)
    stay = np.flatnonzero(filled)
    rows.append((stay, hired[stay], np.full(len(stay), -1), engagement[stay]))
    position = np.concatenate([r[0] for r in rows])
    return _export(
        position,
        np.concatenate([r[1] for r in rows]),
        np.concatenate([r[2] for r in rows]),
        np.concatenate([r[3] for r in rows]),
        senior,
        weeks,
        as_of,
        rng,
    )


def _export(position, hired, left, engagement, senior, weeks, as_of, rng) -> pd.DataFrame:
    """The rows as an HR system exports them (dates, titles, a 0-100 survey score)."""
    start = np.datetime64(as_of, "D") - np.timedelta64(weeks * 7, "D")
    day = lambda week: start + (week * 7).astype("timedelta64[D]")  # noqa: E731
    n = len(position)
    is_senior = senior[position]
    age_at_hire = np.where(is_senior, rng.integers(30, 50, n), rng.integers(21, 33, n))
    hire_date = day(hired)
    table = pd.DataFrame(
        {
            "employee_id": [f"E{i:06d}" for i in rng.permutation(n)],
            "hire_date": hire_date.astype(str),
            "exit_date": np.where(left >= 0, day(np.maximum(left, 0) + 1).astype(str), ""),
            "level": np.where(is_senior, "Manager", "Associate"),
            "birth_year": hire_date.astype("datetime64[Y]").astype(int) + 1970 - age_at_hire,
            "department": np.asarray(_DEPARTMENTS)[position % len(_DEPARTMENTS)],
            "engagement": np.round(engagement * 100).astype(int),
        }
    )
    return table.sort_values("hire_date", kind="stable").reset_index(drop=True)


def write_synthetic_history(people: int, years: float, out: Path, seed: int) -> int:
    """`sim org synth N --history --out FILE`: a synthetic history, written atomically."""
    from sim.errors import InputError, Problem
    from sim.safety.targets import atomic_file

    if not years > 0:
        raise InputError([Problem(f"--years {years}", "must be more than 0")])
    table = synthesize_history(people, years, seed=seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(out, newline="") as handle:
        table.to_csv(handle, index=False)
    truth = TrueValues()
    print(
        f"Wrote a synthetic HR history of {people} positions over {years:g} years "
        f"({len(table)} people, {int((table['exit_date'] != '').sum())} exits) to {out}; "
        f"true values: base_junior {truth.base_junior}, base_senior {truth.base_senior}, "
        f"beta_e {truth.beta_e}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Write a synthetic export: ``python -m sim.history.synth OUT.csv``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the CSV file to write")
    parser.add_argument("--people", type=int, default=2000, help="positions (default 2000)")
    parser.add_argument("--years", type=float, default=3.0, help="window in years (default 3)")
    parser.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    args = parser.parse_args(argv)
    synthesize_history(args.people, args.years, seed=args.seed).to_csv(args.out, index=False)
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
