"""The fits: lifelines' Cox model of exit on the survey score, and the model's own exit equation.

Two fits, for two jobs:

- `cox_engagement_link` and `cox_by_group`: the field's standard, a Cox proportional-hazards
  model (lifelines ``CoxPHFitter``), giving the survey's hazard ratio and a check of
  proportional hazards. `cox_engagement_link` is the one place that computes the
  engagement-only Cox fit that the calibration's evidence script also reports for the public
  job-retention data.
- `fit_exit_equation`: maximum likelihood of the model's own exit equation (docs/ODD.md 7.4),
  A = min(0.99, base[role] x exp(beta_e x (e_ref - e)) x (new_hire_factor if tenure < 1 year)),
  an annual probability, so a weekly hazard of -ln(1 - A) / 52. Its estimates are the
  scenario values themselves, with their covariance for the posterior-like draws. The Cox
  coefficient is on the continuous hazard; beta_e multiplies the annual probability, so the
  two differ where exits are frequent (A = 0.4 is a hazard of 0.51): the scenario takes the
  exact one. The contagion term is not fitted (it needs who worked beside whom): the fitted
  base hazards include the organisation's average contagion, and beta_c stays the published
  calibration's.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from sim.analysis.survey_scale import ScoreScale, log_hazard_per_engagement, score_to_engagement
from sim.history.read import History
from sim.scenario.parameters import ExitParams

EXITS = ExitParams()
MAX_ANNUAL = EXITS.max_annual


@contextlib.contextmanager
def quiet_lifelines() -> Iterator[None]:
    """Silence the warnings lifelines 0.30 draws from pandas 3 (positional arguments)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


@dataclass(frozen=True)
class CoxLink:
    """The survey score's Cox coefficient, per engagement unit (the whole scale = 1).

    Attributes:
        coef, ci_low, ci_high: log hazard ratio per unit of engagement (0 to 1 spans the
            scale), with lifelines' 95% Wald interval.
        hazard_ratio: exp(coef), the lowest score's hazard relative to... the highest's
            inverse: the hazard at the top of the scale over that at the bottom.
        n, events: people and exits fitted.
    """

    coef: float
    ci_low: float
    ci_high: float
    n: int
    events: int

    @property
    def hazard_ratio(self) -> float:
        """Hazard at the top of the scale over the hazard at the bottom."""
        return float(np.exp(self.coef))

    @property
    def beta_e(self) -> float:
        """The model's beta_e this coefficient implies if hazard and probability agreed."""
        return -self.coef


def cox_engagement_link(table: pd.DataFrame, scale: ScoreScale) -> CoxLink:
    """Cox fit of exit on the survey score alone, the score mapped to 0-1 engagement.

    Specification (the calibration's evidence script reports the same): lifelines
    ``CoxPHFitter()`` with its defaults (Efron's method for tied exit times in the partial
    likelihood, Breslow's estimator of the baseline hazard, no penalty, 95% Wald intervals);
    duration = ``duration``, event = ``event``, entry = ``entry`` when the table has it (left
    truncation), the only covariate engagement = (score - scale.low) / (scale.high -
    scale.low) (`sim.analysis.survey_scale.score_to_engagement`). Rows without a score are
    left out. For job_retention.csv: duration = month, event = left, score = sentiment on 1-10.

    Args:
        table: columns ``duration``, ``event`` (0/1 or bool), ``score`` and optionally
            ``entry``.
        scale: the score's scale.
    """
    from lifelines import CoxPHFitter

    data = pd.DataFrame(
        {
            "duration": table["duration"].to_numpy(float),
            "event": table["event"].to_numpy(int),
            "engagement": score_to_engagement(table["score"].to_numpy(float), scale),
        }
    )
    entry = None
    if "entry" in table:
        data["entry"] = table["entry"].to_numpy(float)
        entry = "entry"
    data = data[np.isfinite(data["engagement"])]
    cph = CoxPHFitter()
    with quiet_lifelines():
        cph.fit(data, duration_col="duration", event_col="event", entry_col=entry)
    row = cph.summary.loc["engagement"]
    return CoxLink(
        coef=float(row["coef"]),
        ci_low=float(row["coef lower 95%"]),
        ci_high=float(row["coef upper 95%"]),
        n=len(data),
        events=int(data["event"].sum()),
    )


def per_score_point(link: CoxLink, scale: ScoreScale) -> float:
    """The Cox coefficient per point of the survey's own score."""
    return link.coef / log_hazard_per_engagement(1.0, scale)


@dataclass(frozen=True)
class CoxByGroup:
    """Cox fit of exit on engagement and role, with the proportional-hazards test.

    Attributes:
        summary: lifelines' summary table (coef, exp(coef), 95% interval, p) per covariate.
        ph_p: covariate -> p-value of the test that its coefficient is the same before and
            after `split` years of tenure; small values say the hazard ratio changes.
        split: the tenure (years) the check splits at: the median tenure at exit.
    """

    summary: pd.DataFrame
    ph_p: dict[str, float]
    split: float


def cox_by_group(history: History) -> CoxByGroup | None:
    """Cox of exit on engagement and role (when known), and a check of proportional hazards.

    lifelines' Schoenfeld-residual test does not take left-truncated data, so the check
    splits every spell at the median tenure at exit and fits the same Cox model on the time
    before and after it (each with left truncation): a coefficient that differs between the
    two halves (a z-test on the difference) says the hazard ratio changes with tenure.

    None when exit times are not known (a snapshot without exit months) or there is neither
    a score nor two roles to put in it.
    """
    if not history.times_known:
        return None
    people = history.people
    data = pd.DataFrame({"entry": people["entry"], "stop": people["stop"]})
    data["event"] = people["event"].astype(int)
    if np.isfinite(people["engagement"]).any():
        data["engagement"] = people["engagement"]
    if people["senior"].notna().all() and people["senior"].nunique() == 2:
        data["senior"] = people["senior"]
    data = data.dropna()
    if data.shape[1] == 3 or data["event"].sum() < 2:
        return None
    summary = _cox(data).summary
    split = float(np.median(data.loc[data["event"] == 1, "stop"]))
    early = data[data["entry"] < split].assign(
        event=lambda d: np.where(d["stop"] <= split, d["event"], 0),
        stop=lambda d: np.minimum(d["stop"], split),
    )
    late = data[data["stop"] > split].assign(entry=lambda d: np.maximum(d["entry"], split))
    ph_p = {}
    try:
        first, second = _cox(early).summary, _cox(late).summary
    except Exception:  # noqa: BLE001 - a half without exits: no check, said in the output
        return CoxByGroup(summary=summary, ph_p={}, split=split)
    for name in summary.index:
        z = (first.loc[name, "coef"] - second.loc[name, "coef"]) / np.hypot(
            first.loc[name, "se(coef)"], second.loc[name, "se(coef)"]
        )
        ph_p[str(name)] = float(2 * stats.norm.sf(abs(z)))
    return CoxByGroup(summary=summary, ph_p=ph_p, split=split)


def _cox(data: pd.DataFrame):
    """Lifelines' Cox model with its defaults on entry, stop, event and the covariates."""
    from lifelines import CoxPHFitter

    with quiet_lifelines():
        return CoxPHFitter().fit(data, duration_col="stop", event_col="event", entry_col="entry")


@dataclass(frozen=True)
class ExitFit:
    """The model's exit equation fitted by maximum likelihood.

    Attributes:
        names: the fitted parameters: ``log_base_junior``, ``log_base_senior`` (or
            ``log_base_all`` when roles are unknown), ``beta_e`` when there is a score.
        estimate: their maximum-likelihood values.
        cov: their covariance (the inverse of the observed information).
        n, events: people and exits fitted.
        form: how the likelihood was built, for the output.
    """

    names: tuple[str, ...]
    estimate: np.ndarray
    cov: np.ndarray
    n: int
    events: int
    form: str

    def draws(self, n: int, seed: int) -> pd.DataFrame:
        """Posterior-like draws: the normal approximation of the likelihood, transformed.

        Base hazards are drawn on the log scale (so they stay positive) and returned as
        annual probabilities; beta_e as is.
        """
        rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0x415]))
        theta = rng.multivariate_normal(self.estimate, self.cov, size=n, method="eigh")
        return pd.DataFrame(
            {_public(name): _transform(name, theta[:, j]) for j, name in enumerate(self.names)}
        )

    def point(self) -> dict[str, float]:
        """The estimates as scenario values."""
        return {
            _public(k): float(_transform(k, v))
            for k, v in zip(self.names, self.estimate, strict=True)
        }


def _public(name: str) -> str:
    return f"dynamics.exits.{name.removeprefix('log_')}"


def _transform(name: str, value):
    return np.exp(value) if name.startswith("log_") else value


def fit_exit_equation(history: History) -> ExitFit:
    """Maximum likelihood of the model's exit equation on the history.

    An event history contributes, per person, the hazard at exit (if they left) and the
    cumulative hazard over their time at risk from entry (left truncation) to exit or the
    window's end, with the new-hire factor in their first year of tenure. A snapshot without
    exit times contributes P(left within the window W) = 1 - exp(-W x hazard): a
    discrete-time (complementary log-log) form of the same proportional hazards, the only
    one its data support. The new-hire factor is held at the scenario's default (the
    calibration does not fit it either); it applies only where tenure is known.
    """
    people = history.people
    has_score = bool(np.isfinite(people["engagement"]).any())
    keep = np.isfinite(people["engagement"]).to_numpy() if has_score else np.ones(len(people), bool)
    p = people[keep]
    roles = p["senior"].notna().all() and p["senior"].nunique() == 2
    groups = (
        np.stack([1 - p["senior"].to_numpy(), p["senior"].to_numpy()], axis=1)
        if roles
        else np.ones((len(p), 1))
    )
    names = ("log_base_junior", "log_base_senior") if roles else ("log_base_all",)
    gap = (EXITS.e_ref - p["engagement"].to_numpy(float)) if has_score else np.zeros(len(p))
    if has_score:
        names = (*names, "beta_e")
    tenure_axis = history.shape == "event history"
    nhf = EXITS.new_hire_factor if tenure_axis else 1.0
    entry, stop = p["entry"].to_numpy(float), p["stop"].to_numpy(float)
    event = p["event"].to_numpy(bool)
    first = np.clip(np.minimum(stop, 1.0) - np.minimum(entry, 1.0), 0, None) if tenure_axis else 0.0
    later = stop - entry - first
    new_at_exit = (stop <= 1.0) if tenure_axis else np.zeros(len(p), bool)
    k = groups.shape[1]

    def hazards(theta):
        log_a = groups @ theta[:k] + (theta[k] * gap if has_score else 0.0)
        a_old = np.exp(log_a)
        lam_old = -np.log1p(-np.minimum(a_old, MAX_ANNUAL))
        lam_new = -np.log1p(-np.minimum(a_old * nhf, MAX_ANNUAL))
        return lam_old, lam_new

    if history.times_known:

        def negll(theta):
            lam_old, lam_new = hazards(theta)
            at_exit = np.where(new_at_exit, lam_new, lam_old)
            return -(np.log(at_exit[event]).sum() - (lam_new * first + lam_old * later).sum())

        form = (
            "exit times with left truncation (hazard at each exit, exposure from entry)"
            if tenure_axis
            else "exit months within the window (hazard at each exit, exposure while observed)"
        )
    else:
        window = float(history.window_years)

        def negll(theta):
            lam_old, _ = hazards(theta)
            h = lam_old * window
            return -(np.log(-np.expm1(-h[event])).sum() - h[~event].sum())

        form = f"who left within the {window * 12:g}-month window (discrete-time, cloglog)"
    crude = max(event.mean(), 1e-3)
    x0 = np.r_[np.full(k, np.log(crude)), [1.0] if has_score else []]
    best = optimize.minimize(negll, x0, method="BFGS")
    best = optimize.minimize(
        negll, best.x, method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-10}
    )
    cov = np.linalg.pinv(_hessian(negll, best.x))
    return ExitFit(tuple(names), best.x, cov, len(p), int(event.sum()), form)


def _hessian(f, x: np.ndarray, step: float = 1e-4) -> np.ndarray:
    """Central-difference Hessian of a smooth scalar function (a handful of parameters)."""
    n = len(x)
    h = np.zeros((n, n))
    for i in range(n):
        for j in range(i, n):
            ei, ej = np.eye(n)[i] * step, np.eye(n)[j] * step
            value = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (
                4 * step * step
            )
            h[i, j] = h[j, i] = value
    return h
