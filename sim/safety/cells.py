"""Spreadsheet-safe CSV cells (OWASP's CSV-injection advice).

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
as a formula by spreadsheet programs. Such a cell is written with a leading apostrophe
(``'=1+1``), which spreadsheets show as text. Numbers stay numbers: numeric columns are
never touched, and a text cell that reads as a number (``-3.5``) is left as it is.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def safe_cell(value: Any) -> Any:
    """The value, or a text cell neutralised with a leading apostrophe.

    Example:
        >>> safe_cell("=HYPERLINK(1)"), safe_cell("-2.5"), safe_cell(-2.5)
        ("'=HYPERLINK(1)", '-2.5', -2.5)
    """
    if isinstance(value, str) and value.startswith(TRIGGERS) and not _is_number(value):
        return "'" + value
    return value


def safe_row(row: tuple[Any, ...] | list[Any]) -> list[Any]:
    """Every cell of a row made safe (`safe_cell`); anything but a row is left to the writer."""
    if not isinstance(row, tuple | list):
        return row  # type: ignore[return-value]
    return [safe_cell(v) for v in row]


def safe_table(table: pd.DataFrame) -> pd.DataFrame:
    """The table with its text cells (and column names) made safe; itself when none need it."""
    changed = {}
    for col in table.columns:
        series = table[col]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            safe = series.map(safe_cell)
            if not safe.equals(series):
                changed[col] = safe
    columns = [safe_cell(c) for c in table.columns]
    if not changed and columns == list(table.columns):
        return table
    out = table.copy()
    for col, safe in changed.items():
        out[col] = safe
    out.columns = columns
    return out
