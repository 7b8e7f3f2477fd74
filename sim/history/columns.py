"""The columns of an HR history export: names HR systems use, and which shape the file is.

Two shapes are read (docs/hr.md, "Your organisation's own numbers"):

- an *event history*: a row per person ever employed in the window, with ``hire_date`` and
  ``exit_date`` (blank while employed);
- a *snapshot*: a row per person with a yes/no ``left`` column over a stated window, the
  shape of the public attrition exports (``Attrition``, ``YearsAtCompany``, ...).

Names are matched without regard to case, spaces, hyphens or underscores, so ``Hire Date``,
``hire-date`` and ``HireDate`` are all ``hire_date``. Unlike the org-chart import, which only
suggests synonyms, a history export's well-known synonyms are used (they are listed in the
output), because the public exports spell them their own way.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.errors import InputError, Problem, closest

EVENT_HISTORY = "event history"
SNAPSHOT = "snapshot"

# Canonical name -> the spellings HR systems and public exports use (the name itself first).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "employee_id": ("employee_id", "id", "emp_id", "employee_number", "staff_id", "person_id"),
    "hire_date": ("hire_date", "start_date", "date_hired", "join_date", "date_of_hire", "hired"),
    "exit_date": (
        "exit_date",
        "termination_date",
        "term_date",
        "leave_date",
        "end_date",
        "date_left",
        "separation_date",
    ),
    "left": ("left", "attrition", "has_left", "terminated", "quit", "churn", "exited"),
    "years_at_company": (
        "years_at_company",
        "tenure",
        "tenure_years",
        "years_of_service",
        "service_years",
    ),
    "month": ("month", "exit_month", "months_observed"),
    "role": ("role", "job_role_type", "manages_people", "is_manager", "people_manager"),
    "level": ("level", "job_level", "grade", "band", "title", "job_title"),
    "birth_year": ("birth_year", "year_of_birth", "born"),
    "age": ("age",),
    "department": ("department", "dept", "division", "unit", "team", "department_name"),
    "score": (
        "engagement",
        "engagement_score",
        "job_satisfaction",
        "satisfaction",
        "sentiment",
        "survey_score",
        "environment_satisfaction",
    ),
}
REQUIRED = {EVENT_HISTORY: ("hire_date", "exit_date"), SNAPSHOT: ("left",)}


def squash(name: str) -> str:
    """A column name reduced to lower-case letters and digits (``Hire Date`` -> ``hiredate``)."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


@dataclass(frozen=True)
class Columns:
    """Which of the file's columns holds each known field.

    Attributes:
        shape: `EVENT_HISTORY` or `SNAPSHOT`.
        index: canonical name -> the column's index in the file.
        names: canonical name -> the file's own header for it (for messages).
        ignored: the file's columns not used.
    """

    shape: str
    index: dict[str, int]
    names: dict[str, str]
    ignored: tuple[str, ...]

    def has(self, field: str) -> bool:
        """Whether the file has a column for `field`."""
        return field in self.index


def map_columns(header: list[str], where: str, score_column: str | None = None) -> Columns:
    """Find each known field among the file's columns and tell the export's shape.

    Each field takes the first of its spellings (`SYNONYMS`) the file has; ``score_column``
    (``--score-column``) names the survey column when it is none of the usual ones.

    Raises:
        InputError: the shape cannot be told, a required column is missing, a column is
            repeated, or ``score_column`` is not in the file.
    """
    by_squash: dict[str, int] = {}
    problems = []
    for i, raw in enumerate(header):
        key = squash(raw)
        if key and key in by_squash:
            problems.append(Problem(where, f"column {raw.strip()!r} appears more than once"))
        elif key:
            by_squash[key] = i
    index: dict[str, int] = {}
    for field, spellings in SYNONYMS.items():
        found = next((by_squash[squash(s)] for s in spellings if squash(s) in by_squash), None)
        if found is not None and found not in index.values():
            index[field] = found
    if score_column is not None:
        if squash(score_column) not in by_squash:
            problems.append(_not_found("--score-column", score_column, header, where))
        else:
            index["score"] = by_squash[squash(score_column)]
    if problems:
        raise InputError(problems)
    shape = _shape(index, header, where)
    used = set(index.values())
    return Columns(
        shape=shape,
        index=index,
        names={field: header[i].strip() for field, i in index.items()},
        ignored=tuple(h.strip() for i, h in enumerate(header) if i not in used and h.strip()),
    )


def _shape(index: dict[str, int], header: list[str], where: str) -> str:
    """EVENT_HISTORY when there is a hire date, SNAPSHOT when there is a left column."""
    if "hire_date" in index or "exit_date" in index:
        missing = [f for f in REQUIRED[EVENT_HISTORY] if f not in index]
        if missing:
            raise InputError(
                [_missing(f, header, where, "an event history needs") for f in missing]
            )
        return EVENT_HISTORY
    if "left" in index:
        return SNAPSHOT
    found = ", ".join(h.strip() for h in header if h.strip()) or "none"
    hint = ""
    for field in ("hire_date", "exit_date", "left"):
        near = closest(squash(field), [squash(h) for h in header])
        if near is not None:
            name = next(h.strip() for h in header if squash(h) == near)
            hint = f"; did you mean {name!r}? (rename it to {field})"
            break
    raise InputError(
        [
            Problem(
                where,
                "cannot tell the export's shape: an event history needs hire_date and "
                "exit_date columns, a snapshot needs a yes/no left (or Attrition) column "
                f"(columns found: {found}){hint}",
            )
        ]
    )


def _missing(field: str, header: list[str], where: str, needs: str) -> Problem:
    """The problem of a missing required column, with the column it may be."""
    found = ", ".join(h.strip() for h in header if h.strip()) or "none"
    near = closest(squash(field), [squash(h) for h in header])
    hint = ""
    if near is not None:
        name = next(h.strip() for h in header if squash(h) == near)
        hint = f"; did you mean {name!r}? (rename it to {field})"
    spellings = ", ".join(SYNONYMS[field])
    return Problem(
        where,
        f"missing column {field}: {needs} it (also read as: {spellings}; columns found: "
        f"{found}){hint}",
    )


def _not_found(option: str, name: str, header: list[str], where: str) -> Problem:
    """The problem of an option naming a column the file does not have."""
    found = ", ".join(h.strip() for h in header if h.strip()) or "none"
    return Problem(f"{option} {name}", f"{where} has no such column (columns found: {found})")
