"""The groups turnover is reported by: generation, role, level and tenure band."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sim.scenario.orgchart.chart import GENERATIONS, generation_index

TENURE_BANDS = ("under 1 year", "1-2 years", "2-5 years", "5+ years")
TENURE_EDGES = (0.0, 1.0, 2.0, 5.0, np.inf)
UNKNOWN = "unknown"
# Level or title words that mark a people manager (the model's Senior role), when the user
# does not list the senior levels: a guess, printed with the mapping it made.
_SENIOR_WORDS = re.compile(
    r"\b(manager|director|head|chief|executive|vp|vice president|lead|partner|principal)\b",
    re.IGNORECASE,
)
_ROLE_SENIOR = frozenset({"senior", "manager", "yes", "1", "true", "y", "people manager"})
_ROLE_JUNIOR = frozenset({"junior", "staff", "no", "0", "false", "n", "individual contributor"})


def tenure_band(years: np.ndarray) -> np.ndarray:
    """The tenure band of each tenure in years (``unknown`` where NaN)."""
    years = np.asarray(years, dtype=float)
    codes = np.searchsorted(np.asarray(TENURE_EDGES[1:-1]), years, side="right")
    labels = np.asarray(TENURE_BANDS, dtype=object)[np.minimum(codes, len(TENURE_BANDS) - 1)]
    return np.where(np.isnan(years), UNKNOWN, labels)


def generation_labels(birth_year: pd.Series, age: pd.Series, year: int) -> np.ndarray:
    """Generation of each person from the birth year, else from the age in `year`."""
    born = birth_year.to_numpy(float)
    born = np.where(np.isnan(born), year - age.to_numpy(float), born)
    codes = generation_index(born)
    labels = np.asarray(GENERATIONS, dtype=object)[np.maximum(codes, 0)]
    return np.where(codes < 0, UNKNOWN, labels)


def roles_from(
    role: list[str] | None,
    level: list[str] | None,
    senior_levels: tuple[str, ...] | None,
    columns,
    n: int,
) -> tuple[np.ndarray, str]:
    """1.0 for Senior (people managers), 0.0 for Junior, NaN when the export cannot tell.

    From a role column if there is one, else from the level column and ``--senior-levels``,
    else from words in the level (manager, director, head, ...), stated in the note.
    """
    if role is not None:
        low = [r.strip().lower() for r in role]
        senior = np.array(
            [1.0 if r in _ROLE_SENIOR else 0.0 if r in _ROLE_JUNIOR else np.nan for r in low]
        )
        return senior, (
            f"roles from the {columns.names['role']} column (senior/manager/yes = Senior, the "
            "model's people managers; junior/staff/no = Junior)"
        )
    if level is None:
        return np.full(n, np.nan), (
            "no role or level column: one base hazard for everyone, not written per role"
        )
    if senior_levels is not None:
        wanted = {s.strip().lower() for s in senior_levels}
        senior = np.array([1.0 if v.lower() in wanted else 0.0 for v in level])
        return senior, (
            f"roles from {columns.names['level']}: {', '.join(senior_levels)} = Senior "
            "(--senior-levels), every other level Junior"
        )
    values = sorted(set(level))
    guessed = [v for v in values if _SENIOR_WORDS.search(v)]
    if not guessed:
        return np.full(len(level), np.nan), (
            f"no role column and no manager title in {columns.names['level']} "
            f"({', '.join(values[:8])}{' ...' if len(values) > 8 else ''}): one base hazard "
            "for everyone, not written per role; give --senior-levels to say which levels "
            "manage people"
        )
    senior = np.array([1.0 if v in guessed else 0.0 for v in level])
    return senior, (
        f"roles guessed from {columns.names['level']}: {', '.join(guessed)} = Senior (people "
        "managers), the rest Junior; give --senior-levels if that is wrong"
    )
