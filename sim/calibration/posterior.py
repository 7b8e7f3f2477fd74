"""The calibrated posterior as a table: read, write, summarise, and draw parameter sets from it.

File format (docs/ODD.md section 11.2): ``posterior.csv`` has one row per accepted particle,
a ``weight`` column (the particle's importance weight; the weights sum to 1) and one column
per fitted parameter, named by its dotted scenario key exactly as ``--set`` spells it (e.g.
``dynamics.engagement.beta_e``). A sidecar ``posterior.json`` beside it records the commit,
date, pattern values and command that produced it.

The posterior the cases use ships with the package: ``scenarios/posterior.csv`` (copied into
the wheel with the case files), found by `library_posterior_path`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import InputError, Problem
from sim.runs.replicates import Results, run_scenario
from sim.scenario.cases import CASES_DIR
from sim.scenario.parameters import Scenario
from sim.scenario.priors import PRIORS, prior_for

WEIGHT = "weight"
POSTERIOR_NAME = "posterior.csv"
SIDECAR_NAME = "posterior.json"


def library_posterior_path() -> Path:
    """The posterior committed with the case library (scenarios/posterior.csv)."""
    return CASES_DIR / POSTERIOR_NAME


def parameter_columns(posterior: pd.DataFrame) -> list[str]:
    """The parameter columns of a posterior table (every column but the weight)."""
    return [c for c in posterior.columns if c != WEIGHT]


def write_posterior(folder: Path, posterior: pd.DataFrame, meta: Mapping[str, Any]) -> None:
    """Write posterior.csv and its sidecar posterior.json into `folder`."""
    posterior.to_csv(folder / POSTERIOR_NAME, index=False, float_format="%.10g")
    (folder / SIDECAR_NAME).write_text(json.dumps(dict(meta), indent=2) + "\n", encoding="utf-8")


def read_posterior(path: str | Path) -> pd.DataFrame:
    """A posterior table, checked: a weight column and known parameter keys.

    Raises:
        InputError: the file is missing, unreadable, or not a posterior table.
    """
    path = Path(path)
    where = str(path)
    if not path.is_file():
        raise InputError(
            [
                Problem(
                    where,
                    "no such posterior file; run python experiments/calibrate.py to make one, "
                    "or leave --posterior out to use the library's",
                )
            ]
        )
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, pd.errors.ParserError, UnicodeDecodeError) as err:
        raise InputError([Problem(where, f"cannot be read as CSV ({err})")]) from None
    problems = _header_problems(table, where)
    if not problems:
        problems = _cell_problems(table, where)
    if problems:
        raise InputError(problems)
    return table.astype(float)


MAX_CELL_PROBLEMS = 10
WEIGHT_SUM_TOLERANCE = 1e-3


def _header_problems(table: pd.DataFrame, where: str) -> list[Problem]:
    """A weight column, known parameter keys, each once, and at least one row."""
    problems = []
    if WEIGHT not in table.columns:
        problems.append(
            Problem(
                f"{where}: header",
                f"no '{WEIGHT}' column; a posterior file "
                "has a weight column and one column per parameter key",
            )
        )
    known = {p.key for p in PRIORS}
    for col in parameter_columns(table):
        if col not in known:
            problems.append(
                Problem(
                    f"{where}: column {col}",
                    f"not a calibrated parameter; allowed: {', '.join(sorted(known))}",
                )
            )
    if not problems and len(table) == 0:
        problems.append(Problem(where, "has no rows; a posterior needs at least one particle"))
    return problems


def _cell_problems(table: pd.DataFrame, where: str) -> list[Problem]:
    """Every cell checked: a finite number, inside its prior's range, weights >= 0 summing to 1.

    A problem names the file, the CSV line (the header is line 1) and the column.
    """
    problems = []
    for col in table.columns:
        values = pd.to_numeric(table[col].str.strip(), errors="coerce").to_numpy(float)
        if col == WEIGHT:
            lo, hi, allowed = 0.0, np.inf, "a number of at least 0"
        else:
            prior = prior_for(col)
            lo, hi = prior.lo, prior.hi
            allowed = f"a number from {lo:g} to {hi:g} (the prior's range)"
        bad = ~np.isfinite(values) | (values < lo) | (values > hi)
        for row in np.flatnonzero(bad)[:MAX_CELL_PROBLEMS]:
            problems.append(
                Problem(
                    f"{where}: line {row + 2}, column {col}",
                    f"found {table[col].iloc[row]!r}; allowed: {allowed}",
                )
            )
        if bad.sum() > MAX_CELL_PROBLEMS:
            problems.append(
                Problem(
                    f"{where}: column {col}", f"{bad.sum() - MAX_CELL_PROBLEMS} more such cells"
                )
            )
    if not problems:
        total = pd.to_numeric(table[WEIGHT]).sum()
        if abs(total - 1) > WEIGHT_SUM_TOLERANCE:
            problems.append(
                Problem(
                    f"{where}: column {WEIGHT}",
                    f"the weights sum to {total:g}; they must sum to 1 (normalise them: "
                    "divide each by their sum)",
                )
            )
    return problems


def read_sidecar(path: str | Path) -> dict[str, Any]:
    """The sidecar (posterior.json) of a posterior file, or {} if there is none."""
    side = Path(path).with_name(SIDECAR_NAME)
    if not side.is_file():
        return {}
    return json.loads(side.read_text(encoding="utf-8"))


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs: Sequence[float]) -> np.ndarray:
    """Quantiles of a weighted sample (the inverse of its weighted empirical distribution)."""
    order = np.argsort(values, kind="stable")
    v, w = np.asarray(values, float)[order], np.asarray(weights, float)[order]
    cum = np.cumsum(w) / w.sum()
    idx = np.searchsorted(cum, np.asarray(qs, float), side="left")
    return v[np.minimum(idx, len(v) - 1)]


def posterior_summary(posterior: pd.DataFrame, level: float = 0.90) -> pd.DataFrame:
    """A row per parameter: prior range, posterior median and central `level` interval."""
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    w = posterior[WEIGHT].to_numpy(float)
    rows = []
    for key in parameter_columns(posterior):
        q = weighted_quantiles(posterior[key].to_numpy(float), w, (lo_q, 0.5, hi_q))
        prior = prior_for(key)
        rows.append(
            {
                "key": key,
                "prior_lo": prior.lo,
                "prior_hi": prior.hi,
                "median": q[1],
                "q_lo": q[0],
                "q_hi": q[2],
                # How much the data narrowed the prior: the interval's share of the prior width.
                "interval_share_of_prior": (q[2] - q[0]) / prior.width,
            }
        )
    return pd.DataFrame(rows)


def draw_particles(posterior: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """Draw n parameter sets with replacement by weight; `particle` is the row drawn."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0xABC]))
    w = posterior[WEIGHT].to_numpy(float)
    rows = rng.choice(len(posterior), size=n, replace=True, p=w / w.sum())
    draws = posterior.iloc[rows][parameter_columns(posterior)].reset_index(drop=True)
    draws.insert(0, "particle", rows)
    return draws


def set_overrides(draw: Mapping[str, Any]) -> list[str]:
    """``--set`` overrides (KEY=VALUE) for one drawn parameter set (`particle` left out)."""
    return [f"{k}={float(v)!r}" for k, v in draw.items() if k != "particle"]


PARTICLE_COLUMN = "posterior_particle"


def run_over_posterior(
    load: Callable[[list[str]], Scenario],
    posterior: pd.DataFrame,
    designs: Sequence[str] | None,
    seeds: Sequence[int],
    draw_seed: int,
    org_chart: object | None = None,
    progress: bool = False,
) -> Results:
    """Every design over posterior draws as well as replicates: replicate r runs draw r.

    Replicate r's scenario is `load` given draw r's ``--set`` overrides (which go before the
    user's own, so an explicit ``--set`` still wins); every design of replicate r runs on
    its seed and its draw, so paired differences stay paired. The result's rows carry the
    drawn particle (`PARTICLE_COLUMN`, a row of the posterior file).
    """
    draws = draw_particles(posterior, len(seeds), draw_seed)
    parts: list[Results] = []
    rows = range(len(seeds))
    if progress:
        from tqdm.auto import tqdm

        rows = tqdm(rows, desc="posterior draws", unit="draw")
    for r in rows:
        draw = draws.iloc[r].to_dict()
        res = run_scenario(load(set_overrides(draw)), designs, [int(seeds[r])], org_chart)
        for table in (res.series, res.summary, res.people):
            if table is not None:
                table["replicate"] = r
                table.insert(3, PARTICLE_COLUMN, int(draw["particle"]))
        parts.append(res)
    people = [p.people for p in parts if p.people is not None]
    return Results(
        pd.concat([p.series for p in parts], ignore_index=True),
        pd.concat([p.summary for p in parts], ignore_index=True),
        pd.concat(people, ignore_index=True) if people else None,
    )
