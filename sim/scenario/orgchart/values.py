"""The optional columns of an HR export: level, birth_year, hire_date, digital, engagement.

Each is checked value by value (one problem per bad value) and read into an array with NaN
(NaT for dates) where a value is absent or bad.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from sim.scenario.orgchart.problems import Problems
from sim.scenario.orgchart.reading import Rows
from sim.scenario.orgchart.tree import Tree

MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-"})
_DECIMAL_COMMA = re.compile(r"[-+]?\d+,\d+")
_MIN_HIRE_AGE = 14


@dataclass(frozen=True)
class PersonValues:
    """The optional values of each row (file order): NaN, or NaT, where absent or bad."""

    birth_year: np.ndarray
    hire_date: np.ndarray
    digital: np.ndarray
    engagement: np.ndarray


def check_levels(rows: Rows, tree: Tree, problems: Problems) -> None:
    """Check the level column, if any, against the depths the reporting lines give.

    The chart's levels come from the reporting lines; the column is only checked.
    """
    levels = rows.column("level")
    if levels is None:
        return
    level, bad = _numbers(levels)
    with np.errstate(invalid="ignore"):
        wrong = ~bad & ~np.isnan(level) & ((level < 0) | (level != np.round(level)))
    for i in np.flatnonzero(bad | wrong):
        problems.add(
            "bad level",
            int(rows.lines[i]),
            f"level {levels[i]!r} is not a whole number >= 0 (0 = the head)",
        )
    level = np.where(bad | wrong, np.nan, level)
    _check_depths(rows, tree, level, problems)


def _check_depths(rows: Rows, tree: Tree, level: np.ndarray, problems: Problems) -> None:
    """Levels that differ from the depths below the head: one problem, or one per row."""
    depth = tree.depth
    check = np.flatnonzero(~np.isnan(level) & tree.under_head)
    differs = check[level[check] != depth[check]]
    if differs.size and differs.size == check.size and np.all(level[check] == depth[check] + 1):
        problems.add(
            "level disagrees",
            None,
            "the level column counts from 1 at the top; levels count from 0 (the head is "
            "level 0): subtract 1 or drop the column (levels follow from the reporting lines)",
        )
    else:
        for i in differs:
            problems.add(
                "level disagrees",
                int(rows.lines[i]),
                f"level is {int(level[i])} but the reporting lines put {rows.ids[i]} at "
                f"level {depth[i]} (the head is level 0)",
            )


def person_values(rows: Rows, problems: Problems) -> PersonValues:
    """Read and check birth years, hire dates, digital knowledge and engagement."""
    birth_year = _birth_years(rows, problems)
    return PersonValues(
        birth_year=birth_year,
        hire_date=_hire_dates(rows, birth_year, problems),
        digital=_share(rows, "digital", problems),
        engagement=_share(rows, "engagement", problems),
    )


def _birth_years(rows: Rows, problems: Problems) -> np.ndarray:
    """Birth years from 1900 to 14 years ago."""
    years = rows.column("birth_year")
    if years is None:
        return np.full(len(rows), np.nan)
    birth_year, bad = _numbers(years)
    latest = date.today().year - _MIN_HIRE_AGE
    with np.errstate(invalid="ignore"):
        wrong = ~bad & ~np.isnan(birth_year)
        wrong &= (birth_year < 1900) | (birth_year > latest) | (birth_year % 1 != 0)
    for i in np.flatnonzero(bad | wrong):
        problems.add(
            "bad birth_year",
            int(rows.lines[i]),
            f"birth_year {years[i]!r} is not a year between 1900 and {latest}",
        )
    return np.where(bad | wrong, np.nan, birth_year)


def _hire_dates(rows: Rows, birth_year: np.ndarray, problems: Problems) -> np.ndarray:
    """Hire dates (YYYY-MM-DD), none before working age."""
    dates = rows.column("hire_date")
    if dates is None:
        return np.full(len(rows), np.datetime64("NaT", "D"), dtype="datetime64[D]")
    present = _present(dates)
    parsed = pd.to_datetime(pd.Series(dates, dtype=object), format="%Y-%m-%d", errors="coerce")
    hire_date = parsed.to_numpy().astype("datetime64[D]")
    bad = present & np.isnat(hire_date)
    for i in np.flatnonzero(bad):
        problems.add(
            "bad hire_date",
            int(rows.lines[i]),
            f"hire_date {dates[i]!r} is not a date YYYY-MM-DD (e.g. 2019-03-31)",
        )
    hire_year = hire_date.astype("datetime64[Y]").astype(np.float64) + 1970
    hire_year[np.isnat(hire_date)] = np.nan
    with np.errstate(invalid="ignore"):
        too_young = hire_year < birth_year + _MIN_HIRE_AGE
    for i in np.flatnonzero(too_young):
        problems.add(
            "hire_date before working age",
            int(rows.lines[i]),
            f"hire_date {dates[i]} is before age {_MIN_HIRE_AGE} for birth_year "
            f"{int(birth_year[i])} (columns swapped?)",
        )
    return hire_date


def _share(rows: Rows, name: str, problems: Problems) -> np.ndarray:
    """A column of values from 0 to 1 (digital, engagement)."""
    values = rows.column(name)
    if values is None:
        return np.full(len(rows), np.nan)
    share, bad = _numbers(values)
    with np.errstate(invalid="ignore"):
        wrong = ~bad & ~np.isnan(share) & ~((share >= 0) & (share <= 1))
    for i in np.flatnonzero(bad | wrong):
        hint = ""
        if 1 < share[i] <= 5:
            hint = " (a 1-5 survey score? rescale to 0..1)"
        elif 5 < share[i] <= 100:
            hint = " (a percentage? divide by 100)"
        problems.add(
            f"bad {name}",
            int(rows.lines[i]),
            f"{name} {values[i]!r} is not a number from 0 to 1{hint}",
        )
    return np.where(bad | wrong, np.nan, share)


def _numbers(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Parse numbers: floats (NaN where absent) and a mask of values present but not numbers."""
    series = pd.Series(values, dtype=object)
    numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, copy=True)
    bad = np.zeros(len(values), dtype=bool)
    for i in np.flatnonzero(np.isnan(numbers)).tolist():
        value = values[i]
        if value.lower() in MISSING_TOKENS:
            continue
        # Spreadsheets in many locales write decimal commas (0,75), notably in ;-separated files.
        if _DECIMAL_COMMA.fullmatch(value):
            numbers[i] = float(value.replace(",", "."))
        else:
            bad[i] = True
    return numbers, bad


def _present(values: list[str]) -> np.ndarray:
    return np.fromiter((v.lower() not in MISSING_TOKENS for v in values), bool, len(values))
