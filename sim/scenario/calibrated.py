"""The published calibration as the default behaviour of every scenario (docs/ODD.md section 11.2).

A scenario that leaves a fitted behavioural parameter out (`sim.scenario.priors`, fitted=True)
gets its posterior median, not the schema's default: the loader fills them in before any
``--set``. The medians are read from the posterior that ships with the case library
(``posterior.csv`` beside the case files), rounded to 3 significant figures as the case files
write them, so a scenario without values and a case file with the medians run alike.

This module reads the file itself rather than through `sim.calibration.posterior`: the
scenario layer sits below the calibration layer, and the weighted median is a few lines
(tests/test_decisions.py checks it equals `posterior_summary`'s). The whole posterior, for
``--uncertainty posterior``, stays with `sim.calibration.posterior`.

A scenario that sets a fitted parameter to another value is running its own behaviour, not
the calibration's; `own_behaviour` finds those values so that commands can say so once.

Only loaders calibrate (files, TOML text, dictionaries, `sim run` without a case): the
dataclasses' own defaults (`Scenario()`, `default_scenario()`) stay the schema's, which the
model's tests and the priors table refer to.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from sim.scenario.cases import CASES_DIR
from sim.scenario.priors import fitted_priors

POSTERIOR_FILE = CASES_DIR / "posterior.csv"
WEIGHT = "weight"


def median_text(value: float) -> str:
    """A median as the case files write it: 3 significant figures."""
    return f"{float(value):.3g}"


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The median of a weighted sample (the inverse of its weighted empirical distribution)."""
    order = np.argsort(values, kind="stable")
    v, w = np.asarray(values, float)[order], np.asarray(weights, float)[order]
    cum = np.cumsum(w) / w.sum()
    return float(v[min(int(np.searchsorted(cum, 0.5, side="left")), len(v) - 1)])


@functools.cache
def calibrated_values() -> dict[str, float]:
    """Dotted key -> the posterior median of each fitted parameter; {} without the library file.

    Without the file (an install without the case library) scenarios keep the schema's
    defaults; `calibration_missing` says so.
    """
    try:
        table = pd.read_csv(POSTERIOR_FILE)
    except (OSError, ValueError, pd.errors.ParserError):
        return {}
    if WEIGHT not in table:
        return {}
    w = table[WEIGHT].to_numpy(float)
    return {
        p.key: float(median_text(weighted_median(table[p.key].to_numpy(float), w)))
        for p in fitted_priors()
        if p.key in table
    }


def calibration_missing() -> bool:
    """True when no calibration could be read: scenarios run the schema's defaults."""
    return not calibrated_values()


def _get(raw: Mapping[str, Any], key: str) -> Any:
    table: Any = raw
    for part in key.split("."):
        if not isinstance(table, Mapping) or part not in table:
            return None
        table = table[part]
    return table


def with_calibration(
    raw: dict[str, Any], values: Mapping[str, float] | None = None
) -> dict[str, Any]:
    """`raw` (a scenario's TOML tables) with every fitted parameter it leaves out calibrated.

    A case file that writes the medians themselves (3 significant figures) counts as leaving
    them to the calibration, so a posterior draw replaces them too.

    Args:
        raw: the scenario's tables; a key it sets to its own value (`own_behaviour`) keeps
            it. Tables are copied where changed, so `raw` itself is not modified.
        values: dotted key -> value to use instead of the posterior medians (one posterior
            draw, for ``--uncertainty posterior``); default `calibrated_values()`.
    """
    out = dict(raw)
    own = own_behaviour(raw)
    for key, value in (calibrated_values() if values is None else values).items():
        *tables, last = key.split(".")
        if key in own or (key not in calibrated_values() and _get(out, key) is not None):
            continue
        table = out
        for part in tables:
            inner = table.get(part)
            if inner is not None and not isinstance(inner, dict):
                break  # not a table: the loader reports it
            table[part] = dict(inner or {})
            table = table[part]
        else:
            table[last] = value
    return out


def own_behaviour(raw: Mapping[str, Any]) -> dict[str, tuple[Any, float]]:
    """Fitted parameters a scenario sets to other values than the calibration's.

    Returns:
        Dotted key -> (the scenario's value, the calibrated value), for values that differ
        from the posterior median at the case files' 3 significant figures.
    """
    own = {}
    for key, calibrated in calibrated_values().items():
        value = _get(raw, key)
        if value is None or isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if median_text(value) != median_text(calibrated):
            own[key] = (value, calibrated)
    return own


def own_behaviour_text(own: Mapping[str, tuple[Any, float]]) -> str:
    """The notice for `own_behaviour`: your values, not the calibration's."""
    values = ", ".join(f"{k} = {v!r} (calibrated {c:g})" for k, (v, c) in own.items())
    return (
        f"Note: this scenario sets behavioural parameters itself, so these runs use your values, "
        f"not the calibration's: {values}. Delete them to use the calibration "
        "(docs/ODD.md section 11.2)."
    )
