"""The case library: the scenario files of the documented cases (telecom, Pershing, ...).

The files live in the repository's top-level `scenarios/` folder. A built wheel carries a
copy as package data (`sim/scenario/library/`, put there by `setup.py`), so that
`sim run telecom` and `load_scenario("telecom")` work from any folder in any install; an
editable install or a source checkout reads `scenarios/` itself. `DEFAULT_CASE` is the one
`sim run` and `sim animate` use when no scenario is given.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

_PACKAGED = Path(__file__).resolve().parent / "library"
_SOURCE = Path(__file__).resolve().parents[2] / "scenarios"
CASES_DIR = _PACKAGED if _PACKAGED.is_dir() else _SOURCE
DEFAULT_CASE = CASES_DIR / "telecom.toml"


def case_names() -> list[str]:
    """The names of the built-in cases (their file names without .toml), sorted."""
    return sorted(p.stem for p in CASES_DIR.glob("*.toml"))


def case_path(name: str) -> Path | None:
    """The file of the case called `name` (with or without .toml), or None."""
    stem = name.removesuffix(".toml")
    path = CASES_DIR / f"{stem}.toml"
    return path if stem in case_names() else None


def case_source(name: str, width: int = 100) -> str:
    """The first sentence of a case's provenance, on one line of at most `width` characters."""
    path = case_path(name)
    if path is None:
        raise KeyError(name)
    try:
        provenance = str(tomllib.loads(path.read_text(encoding="utf-8-sig")).get("provenance", ""))
    except (OSError, tomllib.TOMLDecodeError):
        return "(the file cannot be read)"
    text = " ".join(provenance.split())
    # The first sentence: up to a full stop that ends a word and precedes a capital or the end.
    match = re.match(r"(.+?[.!?])(?=\s+[A-Z]|$)", text)
    sentence = match.group(1) if match else text
    if len(sentence) > width:
        sentence = sentence[: width - 3].rsplit(" ", 1)[0].rstrip(",;:") + "..."
    return sentence or "(no provenance given)"
