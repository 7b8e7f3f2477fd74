"""From a survey score to the model's engagement, and where the public survey data sits.

One mapping, used by the calibration's evidence script (the beta_e prior) and by
`sim history` (an organisation's own survey), so that a hazard ratio fitted on a score
means the same engagement effect everywhere.

The mapping is linear from the survey's stated range onto the model's 0-1 engagement:
the lowest possible answer is engagement 0, the highest is 1. That is a modelling choice,
not a fact: a survey's answers need not spread over the same range as the model's latent
engagement, so whoever turns a fitted log-hazard into a prior for beta_e adds a transfer
uncertainty on top of the fit's own interval (docs/ODD.md, section 11.2).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from sim.errors import InputError, Problem


@dataclass(frozen=True)
class ScoreScale:
    """The range of a survey's answers, lowest and highest possible score."""

    low: float
    high: float

    @property
    def name(self) -> str:
        """The scale as people write it, for example ``1-10``."""
        return f"{self.low:g}-{self.high:g}"

    def contains(self, score: float) -> bool:
        """Whether a score is a possible answer on this scale."""
        return self.low <= score <= self.high


# The scales HR surveys and the public exports use (Likert 1-4 and 1-5, 1-10, percent).
KNOWN_SCALES = {
    "1-4": ScoreScale(1, 4),
    "1-5": ScoreScale(1, 5),
    "1-10": ScoreScale(1, 10),
    "0-100": ScoreScale(0, 100),
}


def score_to_engagement(score, scale: ScoreScale):
    """The model's 0-1 engagement for a score (a number or a numpy array) on `scale`."""
    return (score - scale.low) / (scale.high - scale.low)


def log_hazard_per_engagement(coef_per_score_unit: float, scale: ScoreScale) -> float:
    """A fitted log-hazard per score point, as a log-hazard per unit of engagement.

    The model's exit hazard is ``base x exp(beta_e x (e_ref - e))``, so beta_e is minus
    this number (engagement 0 to 1 spans the whole scale).
    """
    return coef_per_score_unit * (scale.high - scale.low)


# The `peopleanalyticsdata` package (MIT) ships job_retention.csv: 3,770 employees, a 1-10
# sentiment score and the month they left within one year (or stayed).
JOB_RETENTION_SCALE = KNOWN_SCALES["1-10"]


def job_retention_path() -> Path:
    """The path of job_retention.csv in the installed `peopleanalyticsdata` package.

    The package is located without importing it: its ``__init__`` needs setuptools'
    pkg_resources, which a fresh Python 3.12 environment does not have.
    """
    spec = importlib.util.find_spec("peopleanalyticsdata")
    if spec is None or spec.origin is None:
        raise InputError(
            [
                Problem(
                    "peopleanalyticsdata",
                    "the public job-retention data is not installed; install it with "
                    "pip install 'orgculture-sim[data]' (or the dev extra)",
                )
            ]
        )
    path = Path(spec.origin).parent / "data" / "job_retention.csv"
    if not path.is_file():
        raise InputError(
            [Problem(str(path), "job_retention.csv is missing from peopleanalyticsdata")]
        )
    return path
