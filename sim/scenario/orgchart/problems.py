"""Problems found in an HR export, collected by kind, and the line lists their messages show."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from sim.errors import InputError, Problem

_MAX_PER_KIND = 20  # more lines with the same kind of problem are summarised in one line


class Problems:
    """Collects problems by kind; after `_MAX_PER_KIND` lines of one kind, only counts them."""

    def __init__(self, where: str):
        self.where = where
        self.items: list[tuple[tuple[int, int, int], Problem]] = []
        self.counts: dict[str, int] = {}
        self.extra: dict[str, tuple[int, str]] = {}

    def add(self, kind: str, line: int | None, message: str, after: int | None = None) -> None:
        """Note a problem of `kind` on `line` (None: the whole file).

        `after`: the line of the problem that causes this one (e.g. a reporting cycle above
        the people it cuts off); it is listed right after that one, not by its own line.
        """
        n = self.counts.get(kind, 0) + 1
        self.counts[kind] = n
        if n > _MAX_PER_KIND:
            self.extra[kind] = (n - _MAX_PER_KIND, message)
            return
        where = self.where if line is None else f"{self.where}:{line}"
        at = 0 if line is None else line
        key = (at, 0, at) if after is None else (after, 1, at)
        self.items.append((key, Problem(where, message)))

    def __bool__(self) -> bool:
        return bool(self.items)

    def error(self) -> InputError:
        """Every problem: whole-file ones, then by line (each right after its cause); then counts.

        A problem noted with `after` follows the problem that causes it; the counts are of
        the lines not shown.
        """
        problems = [p for _, p in sorted(self.items, key=lambda item: item[0])]
        for kind, (n, _) in self.extra.items():
            problems.append(
                Problem(self.where, f"{n} more lines with the same problem ({kind}) not shown")
            )
        return InputError(problems)


def line_list(lines: Iterable[int], limit: int = 10) -> str:
    """Line numbers as "3, 5, 8", the first `limit` of them, then "and N more"."""
    lines = list(lines)
    text = ", ".join(str(n) for n in lines[:limit])
    return text + (f" and {len(lines) - limit} more" if len(lines) > limit else "")


def lines_phrase(lines: np.ndarray) -> str:
    """The phrase "line 3" or "lines 3, 5, ..." for a message."""
    return ("line " if len(lines) == 1 else "lines ") + line_list(lines)
