"""User-facing input errors: one line per problem, all problems at once.

A mistake in a user's file is reported, never raised as a traceback. Code that checks
input collects `Problem`s and raises one `InputError` holding all of them; the CLI
prints each on its own line and exits with status 2.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in one place of the user's input.

    Attributes:
        where: the file, plus a TOML key path (``file.toml: program.cadence_weeks``) or a
            CSV line (``org.csv:118``).
        message: what was found and what is allowed, with a suggestion where there is one.
    """

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class InputError(Exception):
    """Raised with every problem found in a user's input."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The closest valid name to a misspelt one, or None when nothing is close."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ``; did you mean X?`` suffix, or an empty string."""
    match = closest(word, choices)
    return f"; did you mean {match}?" if match else ""
