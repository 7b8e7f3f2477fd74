"""TOML read safely: a clear error for text too deeply nested to read.

``tomllib`` recurses once per nesting level, so an array nested 50,000 deep raises
RecursionError; nesting deeper than `MAX_DEPTH` is refused too, as no scenario or sweep
key needs it and the code that walks the values recurses as well.
"""

from __future__ import annotations

import tomllib
from typing import Any

from sim.errors import InputError, Problem

MAX_DEPTH = 32


def depth(value: Any, limit: int = MAX_DEPTH + 1) -> int:
    """How deeply tables and arrays nest in `value` (counted up to `limit`), without recursing."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if level >= limit:
            return level
        deepest = max(deepest, level)
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        stack.extend((child, level + 1) for child in children)
    return deepest


def loads(text: str, source: str) -> dict[str, Any]:
    """Parsed TOML, or an InputError naming `source` (invalid, or nested too deep).

    Raises:
        InputError: not valid TOML, or nested more than `MAX_DEPTH` levels.
    """
    too_deep = Problem(
        source,
        f"nested more than {MAX_DEPTH} levels deep (arrays or tables inside each other); "
        "a scenario or sweep needs a few: check the file for runaway brackets",
    )
    try:
        raw = tomllib.loads(text)
    except RecursionError:
        raise InputError([too_deep]) from None
    except tomllib.TOMLDecodeError as err:
        raise InputError([Problem(source, f"not valid TOML: {err}")]) from None
    if depth(raw) > MAX_DEPTH:
        raise InputError([too_deep])
    return raw
