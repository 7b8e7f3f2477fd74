"""Parameter fields that carry their own default, range, choices and help text.

Every tunable number in the model is declared once with `param`; the scenario loader,
the validator, `sim scenario --template`, `--set` and the docs' parameter table all read
this metadata, so none of them repeats a default or a range.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


def param(
    default: Any,
    help: str,
    *,
    lo: float | None = None,
    hi: float | None = None,
    choices: tuple[Any, ...] | None = None,
    unit: str = "",
    source: str = "",
    none_word: str | None = None,
    pattern: tuple[str, str] | None = None,
    digest_neutral: bool = False,
) -> Any:
    """Declare a parameter field with its default, allowed range and help text.

    Args:
        default: the value used when a scenario does not set it.
        help: one line saying what the parameter means.
        lo: smallest allowed value (inclusive), for numbers.
        hi: largest allowed value (inclusive), for numbers.
        choices: the allowed values, for enumerations.
        unit: the unit, shown in the template and docs ("weeks", "per year").
        source: where the default comes from (a study); empty for a modelling assumption.
        none_word: the word a scenario file uses for None ("ongoing", "all").
        pattern: for text, a regular expression the whole value must match and what it
            means to a user, e.g. ``("[A-Z]{3}", "a three-letter code")``.
        digest_neutral: a key added after results were stored whose default reproduces the
            earlier model: at its default it is left out of the scenario's digest.
    """
    meta = {
        "help": help,
        "lo": lo,
        "hi": hi,
        "choices": choices,
        "unit": unit,
        "source": source,
        "none_word": none_word,
        "pattern": pattern,
        "digest_neutral": digest_neutral,
    }
    return field(default=default, metadata=meta)


def group(factory: type, help: str) -> Any:
    """Declare a nested group of parameters (a TOML table)."""
    return field(default_factory=factory, metadata={"help": help, "group": True})


@dataclass(frozen=True)
class FieldInfo:
    """What the schema knows about one field."""

    name: str
    type: Any
    default: Any
    help: str
    lo: float | None
    hi: float | None
    choices: tuple[Any, ...] | None
    unit: str
    source: str
    none_word: str | None
    is_group: bool
    pattern: tuple[str, str] | None = None


def field_infos(cls: type) -> Iterator[FieldInfo]:
    """The fields of a parameter dataclass, with resolved types and metadata."""
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        meta = f.metadata
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = dataclasses.MISSING
        yield FieldInfo(
            name=f.name,
            type=hints[f.name],
            default=default,
            help=meta.get("help", ""),
            lo=meta.get("lo"),
            hi=meta.get("hi"),
            choices=meta.get("choices"),
            unit=meta.get("unit", ""),
            source=meta.get("source", ""),
            none_word=meta.get("none_word"),
            is_group=bool(meta.get("group")),
            pattern=meta.get("pattern"),
        )


def type_options(tp: Any) -> tuple[Any, ...]:
    """The alternatives of a union type (``int | None`` -> ``(int, NoneType)``)."""
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        return typing.get_args(tp)
    return (tp,)
