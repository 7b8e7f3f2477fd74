"""history.toml: the scenario values a history implies and their draws, written and read.

The file holds aggregates only: the fitted values, their 90% intervals, the Cox summary and
`N_DRAWS` posterior-like draws (the normal approximation of the likelihood, drawn once with
a fixed seed, so a run on the same file is reproducible). ``sim run/compare/explain
--history FILE`` reads it (`read_history_values`): its values replace the published
calibration's medians, and under ``--uncertainty posterior`` its draws replace the published
posterior's draws of the same parameters (`with_history_draws`), the other parameters keeping
the published posterior's.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import InputError, Problem
from sim.history.fit import CoxByGroup, CoxLink, ExitFit
from sim.history.read import History
from sim.safety.toml_text import loads
from sim.scenario.parameters import ExitParams, Workforce
from sim.scenario.schema import field_infos

HISTORY_NAME = "history.toml"
N_DRAWS = 400
DRAW_SEED = 20261206
LEVEL = 0.90
# The scenario keys a history can set, with the schema's range of each.
_TABLES = {"dynamics.exits": ExitParams, "workforce": Workforce}
_FITTED = (
    "dynamics.exits.base_junior",
    "dynamics.exits.base_senior",
    "dynamics.exits.beta_e",
    "workforce.junior_e0",
    "workforce.senior_e0",
)


def _ranges() -> dict[str, tuple[float, float]]:
    ranges = {}
    for prefix, cls in _TABLES.items():
        for info in field_infos(cls):
            key = f"{prefix}.{info.name}"
            if key in _FITTED:
                ranges[key] = (float(info.lo), float(info.hi))
    return ranges


RANGES = _ranges()


@dataclass(frozen=True)
class HistoryValues:
    """What ``--history`` applies: point values, their draws, and where they came from.

    Attributes:
        values: dotted scenario key -> the history's value.
        draws: one column per key of `values`, `N_DRAWS` rows.
        intervals: key -> (low, high), the 90% interval.
        source: the [source] table (file name, shape, people, exits, window, fit).
        path: the history.toml read.
    """

    values: dict[str, float]
    draws: pd.DataFrame
    intervals: dict[str, tuple[float, float]]
    source: dict[str, Any]
    path: Path


def e0_estimates(history: History) -> dict[str, tuple[float, float]]:
    """Mean survey engagement and its standard error per role: the baselines e0."""
    people = history.people
    if not np.isfinite(people["engagement"]).any() or people["senior"].isna().any():
        return {}
    out = {}
    for key, senior in (("workforce.junior_e0", 0.0), ("workforce.senior_e0", 1.0)):
        e = people.loc[people["senior"] == senior, "engagement"].dropna().to_numpy(float)
        if len(e) >= 2:
            out[key] = (float(e.mean()), float(e.std(ddof=1) / np.sqrt(len(e))))
    return out


def history_draws(fit: ExitFit, e0: Mapping[str, tuple[float, float]]) -> pd.DataFrame:
    """`N_DRAWS` draws of every fitted value, clipped to the schema's ranges.

    Clipping matters only for a weak history (a beta_e interval reaching below 0, say); the
    count of clipped draws is in the output when it happens.
    """
    draws = fit.draws(N_DRAWS, DRAW_SEED)
    draws = draws[[c for c in draws.columns if c in RANGES]]
    rng = np.random.default_rng(np.random.SeedSequence([DRAW_SEED, 0xE0]))
    for key, (mean, se) in e0.items():
        draws[key] = rng.normal(mean, se, N_DRAWS)
    for key in draws.columns:
        lo, hi = RANGES[key]
        draws[key] = draws[key].clip(lo if lo > 0 else 1e-4, hi)
    return draws


def point_values(fit: ExitFit, e0: Mapping[str, tuple[float, float]]) -> dict[str, float]:
    """The maximum-likelihood values (and survey means) that go in the scenario tables."""
    values = {k: v for k, v in fit.point().items() if k in RANGES}
    values.update({k: mean for k, (mean, _) in e0.items()})
    return values


def history_toml(
    history: History,
    values: Mapping[str, float],
    draws: pd.DataFrame,
    link: CoxLink | None,
    groups: CoxByGroup | None,
    fit: ExitFit,
) -> str:
    """The text of history.toml (aggregates only)."""
    lo_q, hi_q = (1 - LEVEL) / 2, 1 - (1 - LEVEL) / 2
    lines = [
        f"# history.toml: written by `sim history` from {history.source} (the command and "
        "time are in manifest.json); aggregates only, no person's data.",
        "# Use it with: sim compare telecom --history history.toml (docs/hr.md).",
        "",
        "[source]",
        f"file = {_text(history.source)}",
        f"shape = {_text(history.shape)}",
        f"people = {len(history.people)}",
        f"exits = {int(history.people['event'].sum())}",
    ]
    if history.window is not None:
        lines.append(f"window = {_text(f'{history.window[0]} to {history.window[1]}')}")
    if history.window_years is not None:
        lines.append(f"window_months = {history.window_years * 12:g}")
    if history.scale is not None:
        lines.append(f"score_scale = {_text(history.scale.name)}")
    lines.append(f"fit = {_text('maximum likelihood of the exit equation: ' + fit.form)}")
    lines.append(f"fitted_people = {fit.n}")
    for table in _TABLES:
        keys = [k for k in values if k.startswith(table + ".")]
        if keys:
            lines += ["", f"[{table}]"]
            lines += [f"{k.rsplit('.', 1)[1]} = {values[k]:.4g}" for k in keys]
    lines += ["", f"[intervals]  # {LEVEL:.0%} intervals of the draws"]
    for key in draws.columns:
        q = np.quantile(draws[key], [lo_q, hi_q])
        lines.append(f'"{key}" = [{q[0]:.4g}, {q[1]:.4g}]')
    lines += _cox_lines(link, groups)
    lines += [
        "",
        f"[draws]  # {N_DRAWS} posterior-like draws (normal approximation, seed {DRAW_SEED})",
    ]
    for key in draws.columns:
        numbers = ", ".join(f"{v:.5g}" for v in draws[key])
        lines.append(f'"{key}" = [{numbers}]')
    return "\n".join(lines) + "\n"


def _cox_lines(link: CoxLink | None, groups: CoxByGroup | None) -> list[str]:
    lines = []
    if link is not None:
        lines += [
            "",
            "[cox]  # lifelines CoxPHFitter, exit on engagement only (0-1 = the score's range)",
            f"engagement_coef = {link.coef:.4g}",
            f"engagement_coef_95 = [{link.ci_low:.4g}, {link.ci_high:.4g}]",
            f"hazard_ratio_top_vs_bottom = {link.hazard_ratio:.4g}",
            f"people = {link.n}",
            f"exits = {link.events}",
        ]
    if groups is not None and groups.ph_p:
        lines += [
            "",
            f"[proportional_hazards]  # p-values: same coefficient before and after "
            f"{groups.split:.2f} years of tenure",
        ]
        lines += [f"{name} = {p:.3g}" for name, p in groups.ph_p.items()]
    return lines


def _text(value: str) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def read_history_values(path: str | Path) -> HistoryValues:
    """Read and check a history.toml for ``--history``.

    Raises:
        InputError: the file is missing or not a history file, or a value is outside its range.
    """
    path = Path(path)
    where = str(path)
    if path.is_dir():
        path = path / HISTORY_NAME
    if not path.is_file():
        raise InputError(
            [
                Problem(
                    where, "no such history file; write one with sim history EXPORT.csv --out DIR"
                )
            ]
        )
    try:
        raw = loads(path.read_text(encoding="utf-8"), where)
    except UnicodeDecodeError:
        raise InputError(
            [Problem(where, "not a text file; expected sim history's history.toml")]
        ) from None
    problems: list[Problem] = []
    values = _values(raw, where, problems)
    draws = _draws(raw, where, values, problems)
    if problems:
        raise InputError(problems)
    intervals = {
        key: (float(np.quantile(draws[key], 0.05)), float(np.quantile(draws[key], 0.95)))
        for key in draws.columns
    }
    return HistoryValues(values, draws, intervals, dict(raw.get("source", {})), path)


def _values(raw: Mapping[str, Any], where: str, problems: list[Problem]) -> dict[str, float]:
    values = {}
    for table in _TABLES:
        inner: Any = raw
        for part in table.split("."):
            inner = inner.get(part, {}) if isinstance(inner, Mapping) else {}
        for name, value in inner.items():
            key = f"{table}.{name}"
            if key not in RANGES:
                problems.append(
                    Problem(
                        f"{where}: {key}",
                        f"not a value a history sets; allowed: {', '.join(RANGES)}",
                    )
                )
            elif (
                not isinstance(value, int | float) or not RANGES[key][0] <= value <= RANGES[key][1]
            ):
                lo, hi = RANGES[key]
                problems.append(
                    Problem(f"{where}: {key}", f"found {value!r}; allowed: {lo:g} to {hi:g}")
                )
            else:
                values[key] = float(value)
    if not values and not problems:
        problems.append(
            Problem(
                where,
                "holds no scenario values ([dynamics.exits] or [workforce]); is it "
                "sim history's history.toml?",
            )
        )
    return values


def _draws(raw, where: str, values: Mapping[str, float], problems: list[Problem]) -> pd.DataFrame:
    draws = raw.get("draws", {})
    columns = {}
    for key in values:
        column = draws.get(key) if isinstance(draws, Mapping) else None
        ok = (
            isinstance(column, list)
            and len(column) > 0
            and all(isinstance(v, int | float) for v in column)
        )
        if not ok:
            problems.append(Problem(f"{where}: draws.{key}", "missing or not a list of numbers"))
            continue
        lo, hi = RANGES[key]
        column = np.asarray(column, float)
        if not ((column >= lo) & (column <= hi)).all():
            problems.append(Problem(f"{where}: draws.{key}", f"a draw is outside {lo:g} to {hi:g}"))
        columns[key] = column
    lengths = {len(c) for c in columns.values()}
    if len(lengths) > 1:
        problems.append(Problem(f"{where}: draws", "the draws' lists differ in length"))
        return pd.DataFrame()
    return pd.DataFrame(columns)


def with_history_draws(posterior: pd.DataFrame, history: HistoryValues, seed: int) -> pd.DataFrame:
    """The published posterior with the history's parameters replaced by the history's draws.

    Each particle gets a history draw chosen by a seeded shuffle, independently of its
    weight, so a weighted draw of a row is a published draw of the other parameters joined
    with an independent history draw: the history's fit and the calibration's are treated as
    independent sources.
    """
    out = posterior.copy()
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0x415, 1]))
    rows = rng.choice(len(history.draws), size=len(out), replace=len(out) > len(history.draws))
    for key in history.draws.columns:
        out[key] = history.draws[key].to_numpy(float)[rows]
    return out


def provenance_lines(
    history: HistoryValues,
    calibrated: Mapping[str, float],
    overridden: Collection[str] = (),
) -> list[str]:
    """Which numbers come from the organisation's history and which from the calibration.

    `overridden` names the history's keys that the scenario file or ``--set`` sets to values
    of its own: those win, so they are credited to the scenario, not to the history.
    """
    source = history.source
    what = (
        f"{source.get('shape', 'history')} of {source.get('people', '?')} people, "
        f"{source.get('exits', '?')} exits"
    )
    used = {k: v for k, v in history.values.items() if k not in overridden}
    ours = ", ".join(
        f"{key.rsplit('.', 1)[1]} = {value:.3g} [90%: {history.intervals[key][0]:.3g}, "
        f"{history.intervals[key][1]:.3g}]"
        for key, value in used.items()
    )
    published = ", ".join(k.rsplit(".", 1)[1] for k in calibrated if k not in history.values)
    lines = [
        f"From your organisation's history ({history.path}, {what}): {ours or 'nothing'}.",
        "From the published calibration (docs/ODD.md section 11.2): "
        f"{published or 'nothing else'}.",
    ]
    if overridden:
        names = ", ".join(k.rsplit(".", 1)[1] for k in history.values if k in overridden)
        lines.append(
            f"Your scenario or --set gives its own values for {names}: they win over the "
            "history's (remove them to use the history)."
        )
    return lines
