"""The case library: the scenario files of the documented cases (telecom, Pershing, ...).

The files live in the repository's `scenarios/` folder; `DEFAULT_CASE` is the one `sim run`
and `sim animate` use when no scenario is given.
"""

from __future__ import annotations

from pathlib import Path

CASES_DIR = Path(__file__).resolve().parents[2] / "scenarios"
DEFAULT_CASE = CASES_DIR / "telecom.toml"
