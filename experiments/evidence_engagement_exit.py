"""The engagement-exit link from individual-level data, and the beta_e prior derived from it.

The public job-retention data of the `peopleanalyticsdata` package (MIT licence; 3,770
employees, a 1-10 sentiment score from a survey, and the month within one year in which each
left, or 12 for those who stayed) is fitted with proportional-hazards models (lifelines):

- Cox (CoxPHFitter) of monthly exits (duration = month, event = left) on engagement =
  score_to_engagement(sentiment) (sim.analysis.survey_scale: the 1-10 scale mapped linearly
  onto the model's 0-1 engagement), alone and with the employee's level and field as
  covariates (a check that the link is not their proxy);
- a parametric Weibull (WeibullAFTFitter, converted to a proportional-hazards coefficient:
  -rho x its coefficient, interval by the delta method), to check the Cox fit;
- Kaplan-Meier curves by score band (figure).

The model's annual exit probability is base x exp(beta_e x (e_ref - e)), so beta_e is minus
the log-hazard per unit of engagement. The prior of beta_e is the Cox fit's 95% interval
widened by a transfer factor (docs/ODD.md section 11.2): a one-year individual hazard is not
the model's annual probability (the log-ratio of an annual probability is smaller than the
log hazard ratio: factor TRANSFER_LO), and a single survey item measures latent engagement
with error, which attenuates its coefficient (regression dilution; reliability down to
RELIABILITY_LO: factor 1 / RELIABILITY_LO). Gallup's unit-level relation (Q12 meta-analyses:
top- vs bottom-quartile units have 25-65% lower turnover) is a prior predictive check.

Writes to --out: hazard_ratio.csv (one row per fit), evidence.json (the fits, the derived
prior and the check), km_by_score.png and evidence.md; prints the table and the prior.
Refuses a non-empty --out unless --force.

Example:
  python experiments/evidence_engagement_exit.py --out results/evidence
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a plain script from anywhere
    sys.path.insert(0, str(REPO))

from sim.analysis.survey_scale import (  # noqa: E402
    JOB_RETENTION_SCALE,
    job_retention_path,
    log_hazard_per_engagement,
    score_to_engagement,
)
from sim.errors import InputError  # noqa: E402
from sim.scenario.priors import (  # noqa: E402
    BETA_E_EVIDENCE,
    GALLUP_QUARTILE_GAP,
    GALLUP_REDUCTION,
)

# Score bands of the Kaplan-Meier figure: few people answered 1-4, most 7-8.
BANDS = ((1, 4), (5, 6), (7, 8), (9, 10))
Z95 = 1.959963984540054


def load(path: Path | None = None) -> pd.DataFrame:
    """The job-retention table with `engagement` (0-1) added; checked for the columns used."""
    path = path or job_retention_path()
    data = pd.read_csv(path)
    missing = {"sentiment", "left", "month", "level", "field"} - set(data.columns)
    if missing:
        from sim.errors import Problem

        raise InputError([Problem(str(path), f"no column(s) {', '.join(sorted(missing))}")])
    data["engagement"] = score_to_engagement(data["sentiment"].astype(float), JOB_RETENTION_SCALE)
    return data


def cox_rows(data: pd.DataFrame) -> list[dict]:
    """Cox fits: engagement alone, and with level and field (dummy-coded) beside it."""
    from lifelines import CoxPHFitter

    rows = []
    plain = data[["month", "left", "engagement"]]
    adjusted = pd.get_dummies(
        data[["month", "left", "engagement", "level", "field"]],
        columns=["level", "field"],
        drop_first=True,
        dtype=float,
    )
    for name, frame in (("cox", plain), ("cox_level_field", adjusted)):
        fit = CoxPHFitter().fit(frame, duration_col="month", event_col="left")
        coef = float(fit.params_["engagement"])
        se = float(fit.standard_errors_["engagement"])
        rows.append(_row(name, coef, se, len(frame), int(frame["left"].sum())))
    return rows


def weibull_row(data: pd.DataFrame) -> dict:
    """Weibull AFT fit converted to a proportional-hazards coefficient (delta method)."""
    from lifelines import WeibullAFTFitter

    frame = data[["month", "left", "engagement"]]
    fit = WeibullAFTFitter().fit(frame, duration_col="month", event_col="left")
    b = float(fit.params_[("lambda_", "engagement")])
    r = float(fit.params_[("rho_", "Intercept")])
    cov = fit.variance_matrix_
    idx = [("lambda_", "engagement"), ("rho_", "Intercept")]
    v = cov.loc[idx, idx].to_numpy(float)
    rho = math.exp(r)
    coef = -rho * b  # cumulative hazard (t / lambda)^rho, log lambda = ... + b x engagement
    grad = np.array([-rho, -rho * b])
    se = float(math.sqrt(grad @ v @ grad))
    return _row("weibull_ph", coef, se, len(frame), int(frame["left"].sum()), rho=rho)


def _row(model: str, coef: float, se: float, n: int, events: int, **extra) -> dict:
    """A fit's log-hazard per engagement unit, its 95% interval and the hazard ratios."""
    lo, hi = coef - Z95 * se, coef + Z95 * se
    return {
        "model": model,
        "log_hazard_per_engagement": coef,
        "se": se,
        "ci95_lo": lo,
        "ci95_hi": hi,
        "hazard_ratio_per_engagement": math.exp(coef),
        "hr_ci95_lo": math.exp(lo),
        "hr_ci95_hi": math.exp(hi),
        # per survey point, for readers of the data's own scale
        "log_hazard_per_score_point": coef / (JOB_RETENTION_SCALE.high - JOB_RETENTION_SCALE.low),
        "n": n,
        "events": events,
        **extra,
    }


def derived_prior(cox: dict) -> dict:
    """beta_e's prior: minus the Cox interval, times the transfer factors (priors module)."""
    ev = BETA_E_EVIDENCE
    lo = -cox["ci95_hi"] * ev.transfer_lo
    hi = -cox["ci95_lo"] * ev.transfer_hi
    return {
        "beta_e_fit": -cox["log_hazard_per_engagement"],
        "beta_e_fit_ci95": [-cox["ci95_hi"], -cox["ci95_lo"]],
        "transfer_factor": [ev.transfer_lo, ev.transfer_hi],
        "prior_lo": round(lo, 2),
        "prior_hi": round(hi, 2),
    }


def gallup_check(lo: float, hi: float, n: int = 20000, seed: int = 23) -> dict:
    """Prior predictive check: quartile-unit turnover reduction 1 - exp(-beta_e x gap).

    beta_e uniform over the prior, the unit-level quartile gap of mean engagement uniform over
    `GALLUP_QUARTILE_GAP` (a judgment); the share of draws inside Gallup's 25-65%.
    """
    rng = np.random.default_rng(seed)
    beta = rng.uniform(lo, hi, n)
    gap = rng.uniform(*GALLUP_QUARTILE_GAP, n)
    red = 1 - np.exp(-beta * gap)
    a, b = GALLUP_REDUCTION
    q = np.quantile(red, [0.05, 0.5, 0.95])
    return {
        "quartile_gap": list(GALLUP_QUARTILE_GAP),
        "reduction_median": float(q[1]),
        "reduction_90": [float(q[0]), float(q[2])],
        "share_inside_gallup": float(np.mean((red >= a) & (red <= b))),
        "gallup_range": [a, b],
    }


def km_figure(data: pd.DataFrame):
    """Kaplan-Meier curves of staying, by score band."""
    from lifelines import KaplanMeierFitter
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.2))
    ax = fig.add_subplot()
    for a, b in BANDS:
        part = data[(data["sentiment"] >= a) & (data["sentiment"] <= b)]
        km = KaplanMeierFitter().fit(part["month"], part["left"], label=f"score {a}-{b}")
        km.plot_survival_function(ax=ax, ci_show=True)
        ax.lines[-1].set_label(f"score {a}-{b} (n = {len(part)})")
    ax.set_xlabel("month")
    ax.set_ylabel("share still employed (Kaplan-Meier, 95% band)")
    ax.set_title("job_retention (peopleanalyticsdata): staying by sentiment score")
    ax.legend()
    fig.tight_layout()
    return fig


def evidence(data: pd.DataFrame) -> dict:
    """Every number the script reports (the fits, the prior, the check)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lifelines' convergence chatter; the fits are checked
        rows = [*cox_rows(data), weibull_row(data)]
    cox = rows[0]
    prior = derived_prior(cox)
    check = gallup_check(prior["prior_lo"], prior["prior_hi"])
    return {
        "data": str(job_retention_path().name),
        "rows": len(data),
        "left": int(data["left"].sum()),
        "scale": JOB_RETENTION_SCALE.name,
        "mapping": "engagement = (score - 1) / 9 (sim.analysis.survey_scale)",
        "check_slope": log_hazard_per_engagement(
            cox["log_hazard_per_score_point"], JOB_RETENTION_SCALE
        ),  # fmt: skip
        "fits": rows,
        "prior": prior,
        "gallup_check": check,
        "transfer": BETA_E_EVIDENCE.reason,
    }


def markdown(ev: dict) -> str:
    """evidence.md: the table, the prior and the check."""
    lines = [
        "# The engagement-exit link (job_retention, lifelines)",
        "",
        f"{ev['rows']} employees, {ev['left']} left within the year; {ev['mapping']}.",
        "",
        "| model | log-hazard per engagement unit [95% CI] | hazard ratio per unit [95% CI] |",
        "| --- | --- | --- |",
    ]
    for r in ev["fits"]:
        lines.append(
            f"| {r['model']} | {r['log_hazard_per_engagement']:.3f} "
            f"[{r['ci95_lo']:.3f}, {r['ci95_hi']:.3f}] | {r['hazard_ratio_per_engagement']:.3f} "
            f"[{r['hr_ci95_lo']:.3f}, {r['hr_ci95_hi']:.3f}] |"
        )
    p, g = ev["prior"], ev["gallup_check"]
    lines += [
        "",
        f"beta_e from the Cox fit: {p['beta_e_fit']:.3f}, 95% CI [{p['beta_e_fit_ci95'][0]:.3f}, "
        f"{p['beta_e_fit_ci95'][1]:.3f}]; transfer factor {p['transfer_factor'][0]:g}.."
        f"{p['transfer_factor'][1]:g}; prior: uniform {p['prior_lo']:g}..{p['prior_hi']:g}.",
        "",
        f"Transfer: {ev['transfer']}",
        "",
        f"Prior predictive check (Gallup Q12, top vs bottom quartile units, "
        f"{g['gallup_range'][0]:.0%}-{g['gallup_range'][1]:.0%} lower turnover): with a "
        f"quartile gap of unit-mean engagement {g['quartile_gap'][0]:g}..{g['quartile_gap'][1]:g}"
        f" the prior gives a reduction of {g['reduction_median']:.0%} "
        f"[90%: {g['reduction_90'][0]:.0%}, {g['reduction_90'][1]:.0%}]; "
        f"{g['share_inside_gallup']:.0%} of prior draws inside Gallup's range.",
    ]
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    summary, _, details = (__doc__ or "").partition("\n\n")
    p = argparse.ArgumentParser(
        description=summary, epilog=details, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--out", type=Path, default=REPO / "results" / "evidence", help="output folder")
    p.add_argument("--force", action="store_true", help="replace a non-empty --out folder")
    args = p.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()) and not args.force:
        p.error(f"{args.out} exists and is not empty; use --force to replace it")
    return args


def main(argv: list[str] | None = None) -> int:
    """Fit, derive the prior, write the results; 2 on bad input."""
    args = parse_args(argv)
    try:
        ev = evidence(load())
    except InputError as err:
        print(err, file=sys.stderr)
        return 2
    out: Path = args.out
    if out.exists() and args.force:
        shutil.rmtree(out)
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    pd.DataFrame(ev["fits"]).to_csv(tmp / "hazard_ratio.csv", index=False, lineterminator="\n")
    (tmp / "evidence.json").write_text(json.dumps(ev, indent=2) + "\n")
    km_figure(load()).savefig(tmp / "km_by_score.png", dpi=110)
    (tmp / "evidence.md").write_text(markdown(ev))
    if out.exists():
        out.rmdir()  # empty (checked above)
    tmp.replace(out)
    print(markdown(ev))
    print(f"Wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
