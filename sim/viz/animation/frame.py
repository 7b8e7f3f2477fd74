"""What a frame shows: colour scales and colours, marker sizes, the weeks, dates and titles."""

from __future__ import annotations

import datetime as dt

import matplotlib as mpl
import numpy as np

from sim.errors import InputError, Problem
from sim.scenario.parameters import Scenario
from sim.viz.plots import OKABE_ITO

# colour-by choice -> (colour-bar label, value at the bottom of the scale, at the top)
COLOUR_BY = {
    "engagement": ("engagement (0-1; engaged from {engaged:g})", 0.3, 0.9),
    "digital": ("digital knowledge (0-1)", 0.0, 1.0),
}
COLOUR_MAP = mpl.colormaps["viridis"].resampled(12)  # steps: calmer frames, smaller GIFs
TIE_COLOUR = OKABE_ITO["vermillion"]
ENDED_COLOUR = "#7a7a7a"
VACANT_FACE = np.array([1.0, 1.0, 1.0, 1.0])
VACANT_EDGE = np.array([0.45, 0.45, 0.45, 1.0])
SENIOR_EDGE = np.array([0.1, 0.1, 0.1, 1.0])
JUNIOR_EDGE = np.array([1.0, 1.0, 1.0, 0.8])
# Marker diameter per level, in grid spacings (the top of the organisation is drawn largest).
LEVEL_DIAMETER = (2.4, 1.8, 1.25, 0.95, 0.8)
TURNOVER_FROM_WEEK = 8  # earlier trailing turnover is annualised from too few weeks to show


def frame_weeks(weeks: int, weeks_per_frame: int, first: int = 0) -> list[int]:
    """The week each frame shows: `first`, every `weeks_per_frame` weeks, and the last week."""
    shown = list(range(first, weeks + 1, weeks_per_frame))
    if shown[-1] != weeks:
        shown.append(weeks)
    return shown


def first_week(scenario: Scenario, start: str | int | None) -> int:
    """The week of the first frame: 0, the launch week ("launch"), or a week number.

    Raises InputError for anything else, or a week outside the run.
    """
    allowed = f'allowed: "launch", or a week number from 0 to {scenario.weeks - 1}'
    if start is None:
        return 0
    if isinstance(start, str):
        text = start.strip().lower()
        if text == "launch":
            return scenario.launch_week
        if not text.isdigit():
            raise InputError([Problem(f"--from {start}", f"{allowed}, e.g. --from launch")])
        start = int(text)
    if not 0 <= start < max(scenario.weeks, 1):
        raise InputError(
            [Problem(f"--from {start}", f"the run has weeks 0 to {scenario.weeks}; {allowed}")]
        )
    return start


def week_date(scenario: Scenario, week: int) -> dt.date:
    """Calendar date of a week (docs/ODD.md section 2: start date + 7 days per week)."""
    return scenario.start_date + dt.timedelta(weeks=week)


def design_title(scenario: Scenario, name: str) -> str:
    """A panel's title for a design: its label, or its name as words; the baseline's in words."""
    if name == "baseline":
        return "No program"
    return scenario.design(name).title
