"""A design's effects measured against a paired run on the same seed (docs/ODD.md section 7.6).

Two outcomes need more than the design's own run:

- Mentor retention against its counterfactual (`mentor_counterfactual`): the share of the
  first intake's mentors still employed 52 weeks after the intake began, beside the same
  people's share in the counterfactual run -- the same design on the same seed with every
  pathway switched off (`Pathways`). Nothing differs before the first intake forms, so the
  counterfactual picks the same mentors; after it, outside the program's own columns, it is
  the no-program run. The difference is the program's effect on its mentors; the rest of
  their retention is who was chosen.
- The digital-relevance index as an effect (`add_paired_effects`): a design run's index minus
  the no-program run's on the same seed, not its change since the launch.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.model.model import OrgCultureModel
from sim.scenario.calendar import WEEKS_PER_YEAR
from sim.scenario.outcomes import PAIRED_OUTCOMES
from sim.scenario.parameters import Pathways, Scenario

MENTOR_COLUMNS = (
    "mentor_retention_52w",
    "mentor_retention_counterfactual_52w",
    "mentor_retention_effect_52w",
)
RETENTION_WEEKS = WEEKS_PER_YEAR


def all_pathways_off(scenario: Scenario) -> Scenario:
    """The scenario with every pathway switch off: the program runs but carries nothing."""
    off = Pathways(**{f.name: False for f in dataclasses.fields(Pathways)})
    return scenario.with_changes(dynamics=dataclasses.replace(scenario.dynamics, pathways=off))


def first_intake_mentors(model: OrgCultureModel) -> tuple[int, np.ndarray, np.ndarray] | None:
    """(start week, positions, identities) of the first intake's mentors; None if none formed.

    The one place that knows how a run identifies people: today by `person_id`, which stays
    the same in two runs until they diverge (the first intake forms before they do).
    """
    program = model.program
    if program is None or not program.intakes or len(program.intakes[0].mentor_positions) == 0:
        return None
    intake = program.intakes[0]
    return intake.start, intake.mentor_positions, intake.mentor_ids


def mentor_counterfactual(
    scenario: Scenario,
    design_name: str,
    seed: int,
    model: OrgCultureModel,
    org_chart: object | None = None,
) -> dict[str, float]:
    """Mentor retention, the same people's in the counterfactual run, and the difference.

    Args:
        scenario: the scenario the design run ran.
        design_name: the design's name ("baseline" has no mentors: every value NaN).
        seed: the run's seed.
        model: the design run, stepped to the end of the scenario.
        org_chart: the imported org chart, if the scenario uses one.

    Returns:
        The `MENTOR_COLUMNS`; NaN where the run formed no mentors or ended before the
        measuring week (52 weeks after the first intake began).

    Raises:
        RuntimeError: the counterfactual run's first intake has other mentors (a broken
            common-random-numbers guarantee: the comparison would be meaningless).
    """
    nan = {c: math.nan for c in MENTOR_COLUMNS}
    mentors = first_intake_mentors(model)
    if mentors is None:
        return nan
    start, positions, ids = mentors
    week = start + RETENTION_WEEKS
    if week > model.steps:
        return nan
    design = scenario.design(design_name)
    twin = OrgCultureModel(all_pathways_off(scenario), design, seed, org_chart=org_chart)
    twin.run_for(week)
    same = first_intake_mentors(twin)
    if (
        same is None
        or same[0] != start
        or not np.array_equal(same[1], positions)
        or not np.array_equal(same[2], ids)
    ):
        raise RuntimeError(
            f"design {design_name!r}, seed {seed}: the run with every pathway off chose other "
            "first-intake mentors than the design run; their retention is not comparable"
        )
    # Each run's retention is its own program's record of the same people (Intake.retention).
    retention = float(model.program.intakes[0].retention)
    counterfactual = float(twin.program.intakes[0].retention)
    return {
        "mentor_retention_52w": retention,
        "mentor_retention_counterfactual_52w": counterfactual,
        "mentor_retention_effect_52w": retention - counterfactual,
    }


def add_paired_effects(
    summary: pd.DataFrame, baseline: str = "baseline", keys: Sequence[str] = ("seed",)
) -> pd.DataFrame:
    """Add each `PAIRED_OUTCOMES` column: the run's value minus the baseline run's.

    Runs are paired by `keys` (the seed; add e.g. "point" for a sweep). The baseline's own
    effect is 0; a run with no baseline run to pair with gets NaN.

    Args:
        summary: a row per run with design, the keys and the source columns.
        baseline: the no-program design's name.
        keys: the columns that identify runs on the same seed.

    Returns:
        A copy of `summary` with the effect columns (a source column that is absent is
        skipped).
    """
    out = summary.copy()
    keys = list(keys)
    base = summary[summary["design"] == baseline]
    for effect, source in PAIRED_OUTCOMES.items():
        if source not in summary:
            continue
        paired = summary[keys].merge(
            base[[*keys, source]].drop_duplicates(keys), on=keys, how="left"
        )
        values = summary[source].to_numpy(dtype=float) - paired[source].to_numpy(dtype=float)
        if effect in out:
            out[effect] = values
        else:  # beside the column it is the effect of
            out.insert(out.columns.get_loc(source) + 1, effect, values)
    return out
