"""The assignment the organisation can use: each unit's start date under each plan.

From the seed alone (the `rollout` stream's keyed draws, `sim.planning.plans.rank_units`):
the same seed and organisation give the same file, and it is the order the simulation
evaluated for that seed.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from sim.model.model import random_streams
from sim.planning.plans import AFTER, Plan, rank_units
from sim.planning.simulate import month_start


def assignment_table(
    plans: list[Plan], names: list[str], seed: int, start: dt.date, months: int
) -> pd.DataFrame:
    """A row per plan and unit: its random place, its start month and date.

    `start` is the evaluation's first day; units that wait start the day after the
    evaluation's last month ends.
    """
    rank = rank_units(random_streams(seed)[1]["rollout"], len(names))
    rows = []
    for plan in plans:
        start_month = plan.start_months(rank, months)
        for u in np.argsort(rank, kind="stable").tolist():
            m = int(start_month[u])
            after = m >= AFTER
            when = start + dt.timedelta(weeks=month_start(months if after else m))
            rows.append(
                {
                    "plan": plan.name,
                    "unit": names[u],
                    "random_order": int(rank[u]) + 1,
                    "start_month": months if after else m,
                    "start_date": when.isoformat(),
                    "note": "after the evaluation (comparison)" if after else "",
                }
            )
    return pd.DataFrame(rows)
