"""Synthetic HR exports: a realistic organisation of any size, for demos and tests.

`synthesize_org_chart` makes a table of the same shape as an HR system's export (what
`load_org_chart` reads); `write_synthetic_org_chart` writes it as CSV.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import InputError, Problem

DEPARTMENT_NAMES = (
    "Marketing",
    "Sales",
    "Customer Care",
    "Digital Products",
    "Finance",
    "Human Resources",
    "Operations",
    "Information Technology",
    "Legal",
    "Strategy",
    "Procurement",
    "Risk",
)
HEAD_DEPARTMENT = "Office of the Head"
LOCATIONS = ("Jakarta", "South Tangerang", "Surabaya", "Bandung", "Medan", "Remote")
_SD = 0.12
_MEANS = {  # docs/ODD.md section 5: (digital, engagement) for juniors and seniors
    False: (0.75, 0.55),
    True: (0.35, 0.65),
}
_AGES = {"junior": (22.0, 35.0), "manager": (33.0, 55.0), "executive": (45.0, 62.0)}
_TENURE_YEARS = {False: 3.0, True: 8.0}
_DAYS_PER_YEAR = 365.25


def _department_names(k: int) -> list[str]:
    """Return `k` department names, cycling through the list with numbers (Sales 2)."""
    names = []
    for i in range(k):
        base = DEPARTMENT_NAMES[i % len(DEPARTMENT_NAMES)]
        rounds = i // len(DEPARTMENT_NAMES)
        names.append(base if rounds == 0 else f"{base} {rounds + 1}")
    return names


def _beta(rng: np.random.Generator, mean: np.ndarray, sd: float) -> np.ndarray:
    k = mean * (1 - mean) / sd**2 - 1
    return rng.beta(mean * k, (1 - mean) * k)


def _to_date(value: str | date | np.datetime64) -> np.datetime64:
    return np.datetime64(value, "D")


def synthesize_org_chart(
    n: int,
    rng_or_seed: int | np.random.Generator | np.random.SeedSequence | None,
    start_date: str | date | np.datetime64 = "2024-01-01",
) -> pd.DataFrame:
    """Make a realistic synthetic HR export of `n` employees, rows in shuffled order.

    The tree is filled breadth-first, each manager taking 5-7 reports; departments are the
    level-1 subtrees (the head has its own); the head's manager is an id outside the export,
    as in a division's export. Ages, tenure, digital knowledge and engagement follow docs/ODD.md
    section 5, at `start_date`. A ``location`` column is included that the loader ignores.

    Args:
        n: number of employees (>= 1).
        rng_or_seed: a seed or a numpy Generator; the same seed gives the same table.
        start_date: the date ages and tenures refer to.

    Returns:
        Columns employee_id, manager_id, department, title, birth_year, hire_date (ISO text),
        digital, engagement, location.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise InputError(
            [Problem("n", f"number of employees must be a whole number >= 1, not {n!r}")]
        )
    n = int(n)
    rng = np.random.default_rng(rng_or_seed)
    start = _to_date(start_date)

    # Breadth-first tree: position i's reports are the next span_i positions.
    spans = rng.integers(5, 8, size=n)
    parent = np.full(n, -1, dtype=np.int64)
    parent[1:] = np.repeat(np.arange(n), spans)[: n - 1]
    level = np.zeros(n, dtype=np.int64)
    for _ in range(n):  # depth is about log6(n): a handful of passes
        new = level.copy()
        new[1:] = level[parent[1:]] + 1
        if np.array_equal(new, level):
            break
        level = new
    has_reports = np.bincount(parent[1:], minlength=n) > 0

    # Departments: the level-1 ancestor's subtree.
    top = np.arange(n)
    while np.any(level[top] > 1):
        top = np.where(level[top] > 1, parent[top], top)
    heads = np.flatnonzero(level == 1)
    dept_of_head = dict(zip(heads.tolist(), _department_names(heads.size), strict=True))
    department = [
        HEAD_DEPARTMENT if lv == 0 else dept_of_head[t] for lv, t in zip(level, top, strict=True)
    ]

    title = np.where(has_reports, np.where(level == 2, "Senior Manager", "Manager"), "Associate")
    title = np.where(level == 1, "Director", title)
    title = np.where(level == 0, "Division Head", title)

    # Ages at start_date by kind of position; birth year from the age.
    kind = np.where(level <= 1, "executive", np.where(has_reports, "manager", "junior"))
    lo = np.array([_AGES[k][0] for k in kind])
    hi = np.array([_AGES[k][1] for k in kind])
    age = rng.uniform(lo, hi)
    start_year = start.astype("datetime64[Y]").astype(np.int64) + 1970
    year_fraction = (start - start.astype("datetime64[Y]")).astype(np.float64) / _DAYS_PER_YEAR
    birth_year = np.floor(start_year + year_fraction - age).astype(np.int64)

    # Tenure: exponential, truncated so no one was hired before 18 (one draw per person).
    mean = np.where(has_reports, _TENURE_YEARS[True], _TENURE_YEARS[False])
    cap = age - 18.0
    u = rng.uniform(size=n)
    tenure = -mean * np.log1p(-u * (1 - np.exp(-cap / mean)))
    hire_date = start - np.floor(tenure * _DAYS_PER_YEAR).astype("timedelta64[D]")

    mean_digital = np.where(has_reports, _MEANS[True][0], _MEANS[False][0])
    mean_engagement = np.where(has_reports, _MEANS[True][1], _MEANS[False][1])
    digital = np.round(_beta(rng, mean_digital, _SD), 3)
    engagement = np.round(_beta(rng, mean_engagement, _SD), 3)
    location = rng.choice(np.array(LOCATIONS), size=n)

    # Ids: distinct random numbers; the last one is the head's manager, outside the export.
    upper = max(1_000_000, 10 * (n + 1))
    width = len(str(upper - 1))
    numbers = rng.choice(upper - 1, size=n + 1, replace=False) + 1
    ids = np.array([f"E{x:0{width}d}" for x in numbers.tolist()])
    manager_ids = np.where(parent >= 0, ids[np.maximum(parent, 0)], ids[n])

    table = pd.DataFrame(
        {
            "employee_id": ids[:n],
            "manager_id": manager_ids,
            "department": department,
            "title": title,
            "birth_year": birth_year,
            "hire_date": np.datetime_as_string(hire_date, unit="D"),
            "digital": digital,
            "engagement": engagement,
            "location": location,
        }
    )
    return table.iloc[rng.permutation(n)].reset_index(drop=True)


def synthesize_ties(
    chart: pd.DataFrame,
    seed: int,
    per_person: int = 2,
    within: float = 0.8,
) -> pd.DataFrame:
    """An informal-network edge list matching a synthetic export: `org.ties_file`'s format.

    Each person starts `per_person` ties, a share `within` inside their department (as the
    model generates them, docs/ODD.md section 5), each tie listed once (self-ties and
    repeats in either direction dropped); ``weight`` is a message count, 1 to 40. Drawn
    from its own stream of `seed`, so the chart of the same seed is unchanged.

    Returns:
        Columns from_id, to_id, weight.
    """
    rng = np.random.default_rng([int(seed), 1])
    ids = chart["employee_id"].to_numpy()
    codes, _ = pd.factorize(chart["department"])
    n = len(ids)
    order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes)
    starts = np.cumsum(counts) - counts
    source = np.repeat(np.arange(n), per_person)
    pick = rng.random(len(source))
    dept = codes[source]
    inside = order[starts[dept] + (pick * counts[dept]).astype(np.int64)]
    anywhere = (pick * n).astype(np.int64)
    target = np.where(rng.random(len(source)) < within, inside, anywhere)
    lo, hi = np.minimum(source, target), np.maximum(source, target)
    keep = lo != hi
    key = np.unique(lo[keep] * n + hi[keep])
    a, b = key // n, key % n
    flip = rng.random(len(key)) < 0.5  # who wrote first: either direction
    table = pd.DataFrame(
        {
            "from_id": np.where(flip, ids[b], ids[a]),
            "to_id": np.where(flip, ids[a], ids[b]),
            "weight": rng.integers(1, 41, size=len(key)),
        }
    )
    return table.iloc[rng.permutation(len(table))].reset_index(drop=True)


def write_synthetic_org_chart(
    n: int, path: str | os.PathLike, seed: int, ties: str | os.PathLike | None = None
) -> Path:
    """Write `synthesize_org_chart(n, seed)` as CSV (UTF-8) to `path`, atomically.

    With `ties`, also write a matching informal network there (`synthesize_ties`).

    Returns:
        The path written.
    """
    table = synthesize_org_chart(n, seed)
    if ties is not None:
        _write_csv(synthesize_ties(table, seed), Path(ties))
    return _write_csv(table, Path(path))


def _write_csv(table: pd.DataFrame, path: Path) -> Path:
    """Write a table as CSV (UTF-8), atomically: complete or not at all."""
    if not path.parent.is_dir():
        raise InputError([Problem(str(path), f"folder {path.parent} does not exist")])
    # A temporary name beside the target, renamed when complete: nothing is half-written.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as out:
            table.to_csv(out, index=False, lineterminator="\n")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
