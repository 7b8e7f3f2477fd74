"""The names of a run's summary outcomes, the vocabulary case targets and analyses use.

They live with the scenario, not the model, so that a scenario's targets can be checked
without importing the model; `sim.model.observe` computes these columns, except the effects
measured against a paired run, which `sim.runs.effects` adds.
"""

from __future__ import annotations

# Summary outcomes: per-year ones carry a suffix (_pre, _y1, _y2, ...), the rest do not.
YEARLY_OUTCOMES = tuple(
    [f"turnover_{g}" for g in ("junior", "senior", "millennial", "gen_z")]
    + [
        "exits_junior",
        "exits_all",
        "engagement_junior",
        "engaged_share_junior",
        "leadership_fluency",
    ]
)
RUN_OUTCOMES = (
    "leadership_fluency_end",
    "knowledge_gap_end",
    "digital_relevance_end",
    "engagement_junior_end",
    "exits_total",
    "pairs_formed",
    "sessions_held",
    "sessions_per_pair",
    "unpaired_mentees_max",
    "program_hours",
    "program_cost",
    "turnover_cost",
    "mentor_retention_52w",
    # Measured against a paired run (sim.runs.effects), not by the model alone:
    "mentor_retention_counterfactual_52w",
    "mentor_retention_effect_52w",
    "digital_relevance_effect_end",
)
# Outcomes that are a design run's value minus the no-program run's on the same seed:
# effect column -> the summary column it is the paired difference of.
PAIRED_OUTCOMES = {"digital_relevance_effect_end": "digital_relevance_end"}
# Outcomes of the counterfactual run, measured only with observation.mentor_counterfactual.
COUNTERFACTUAL_OUTCOMES = ("mentor_retention_counterfactual_52w", "mentor_retention_effect_52w")


def is_summary_outcome(name: str) -> bool:
    """True if `name` is a column of a run's summary row (e.g. turnover_millennial_y1)."""
    if name in RUN_OUTCOMES:
        return True
    stem, _, suffix = name.rpartition("_")
    return stem in YEARLY_OUTCOMES and (
        suffix == "pre" or (suffix[:1] == "y" and suffix[1:].isdigit())
    )


# Outcomes bounded on both sides: shares of people and means of 0..1 quantities. Turnover
# (exits over mean headcount in a year) is read as a share of headcount: it could pass 1 only
# if positions emptied more than once a year on average, which no calibrated case comes near.
_SHARE_STEMS = (
    "turnover_junior",
    "turnover_senior",
    "turnover_millennial",
    "turnover_gen_z",
    "engagement_junior",
    "engaged_share_junior",
    "leadership_fluency",
)
_RUN_RANGES = {
    "leadership_fluency_end": (0.0, 1.0),
    "engagement_junior_end": (0.0, 1.0),
    "mentor_retention_52w": (0.0, 1.0),
    "knowledge_gap_end": (-1.0, 1.0),  # juniors' mean digital knowledge minus leaders'
}


def outcome_range(name: str) -> tuple[float, float] | None:
    """The possible range of a summary outcome that is bounded on both sides, else None.

    Example:
        >>> outcome_range("turnover_junior_y1"), outcome_range("program_cost")
        ((0.0, 1.0), None)
    """
    if name in _RUN_RANGES:
        return _RUN_RANGES[name]
    stem, _, suffix = name.rpartition("_")
    if stem in _SHARE_STEMS and is_summary_outcome(name):
        return (0.0, 1.0)
    return None
