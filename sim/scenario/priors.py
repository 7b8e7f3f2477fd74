"""Priors of the shared behavioural parameters, each with its evidence (docs/ODD.md section 11).

One source of truth, kept as data: the joint calibration (`sim.calibration.abc_smc`) samples
from these, `prior_table()` renders them for docs/ODD.md section 8 (a test keeps the two equal),
and the posterior file carries one column per fitted key, spelt as `--set` spells it.

Every prior is uniform over a range. Where the range is a judgment rather than a measurement,
its source says so. `fitted=False` marks a parameter the calibration patterns cannot identify
(the volunteer weights: no calibration case has volunteer mentors); it keeps its prior in
every prediction, and predictions say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.scenario.design import ProgramDesign
from sim.scenario.parameters import Scenario
from sim.scenario.schema import field_infos


@dataclass(frozen=True)
class Prior:
    """A uniform prior on one scenario parameter.

    Attributes:
        key: dotted scenario key, as `--set` spells it.
        lo: lower end of the range.
        hi: upper end of the range.
        source: the evidence, and whether the range is a judgment.
        fitted: False if the calibration patterns cannot identify it (it keeps its prior).
    """

    key: str
    lo: float
    hi: float
    source: str
    fitted: bool = True

    @property
    def width(self) -> float:
        """Hi - lo."""
        return self.hi - self.lo

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw n values independently."""
        return rng.uniform(self.lo, self.hi, n)


@dataclass(frozen=True)
class TransferFactor:
    """How far a fitted individual-level log-hazard may sit from the model's beta_e.

    Attributes:
        transfer_lo: the smallest ratio of beta_e to the fitted coefficient.
        transfer_hi: the largest.
        reason: why, with sources.
    """

    transfer_lo: float
    transfer_hi: float
    reason: str


# The beta_e prior is the job-retention Cox fit's 95% interval times this factor
# (experiments/evidence_engagement_exit.py derives it; tests/test_evidence.py re-runs it).
RELIABILITY_LO = 0.65
BETA_E_EVIDENCE = TransferFactor(
    0.85,
    round(1 / RELIABILITY_LO, 2),
    "(1) the data give a one-year individual hazard, the model an annual exit probability "
    "A = base x exp(beta_e x (e_ref - e)); at annual probabilities of 0.15-0.35 the log-ratio "
    "of A is about 0.85-0.95 of the log hazard ratio, so the lower end is 0.85 x the fit; "
    "(2) the 1-10 sentiment score is one survey item mapped linearly onto engagement; an item "
    "measured with error attenuates its coefficient by its reliability (regression dilution), "
    "and Wanous, Reichers & Hudy (1997) estimate the minimum reliability of single-item "
    "job-satisfaction measures at 0.45 to 0.69, depending on their assumptions; the upper "
    f"end takes {RELIABILITY_LO} from that range, 1 / {RELIABILITY_LO} x the fit (at 0.45 it "
    "would be 2.2 x). The factor's range is a judgment; within it the prior is uniform.",
)
# Gallup's unit-level relation, a prior predictive check of beta_e (not a fitted pattern):
# turnover of top- vs bottom-quartile units, and the gap of unit-mean engagement assumed
# between those quartiles on the model's 0-1 scale (a judgment).
GALLUP_REDUCTION = (0.25, 0.65)
GALLUP_QUARTILE_GAP = (0.2, 0.4)
BETA_E_LO, BETA_E_HI = 0.73, 2.08  # the script's output; tests/test_evidence.py checks it

GALLUP_Q12 = (
    "Gallup Q12 meta-analyses (Harter et al.): top- vs bottom-quartile business units have "
    "25-65% lower turnover"
)
PRIORS: tuple[Prior, ...] = (
    Prior(
        "dynamics.exits.base_junior",
        0.10,
        0.25,
        "Gallup (2016): 21% of Millennials changed jobs in the past year; BLS employee tenure "
        "(2016): median 2.8 years at ages 25-34, i.e. 1 - 2^(-1/2.8) = 22% a year at a constant "
        "hazard. The rate at reference engagement, before the new-hire and contagion "
        "multipliers: about half that rate to a little above it (range a judgment).",
    ),
    Prior(
        "dynamics.exits.base_senior",
        0.04,
        0.12,
        "BLS employee tenure (2016): median 7.9 years at ages 45-54, i.e. 1 - 2^(-1/7.9) = 8% a "
        "year at a constant hazard; half to 1.5 times that (range a judgment).",
    ),
    Prior(
        "dynamics.exits.beta_e",
        BETA_E_LO,
        BETA_E_HI,
        "Individual-level data: a Cox fit (lifelines) of monthly exits on the 1-10 sentiment "
        "score mapped linearly to 0..1 engagement, job_retention of the peopleanalyticsdata "
        "package (3,770 employees, one year): beta_e 1.11, 95% CI [0.86, 1.35] "
        "(experiments/evidence_engagement_exit.py). The prior is that interval times a "
        f"transfer factor {BETA_E_EVIDENCE.transfer_lo:g}..{BETA_E_EVIDENCE.transfer_hi:g}: "
        f"{BETA_E_EVIDENCE.reason} Checked against {GALLUP_Q12} (a prior predictive check).",
    ),
    Prior(
        "dynamics.exits.beta_c",
        0.0,
        0.30,
        "Felps et al. (2009): co-workers' low job embeddedness and job search predict a "
        "person's own quitting beyond their own attitudes (turnover contagion); the model "
        "carries it by neighbours' recent exits, a step beyond what they measured, and its "
        "size per neighbour's exit is not measured on this scale: 0 (none) to 0.3 (a "
        "judgment).",
    ),
    Prior(
        "dynamics.engagement.a_climate",
        0.0,
        0.08,
        "Eby et al. (2008) meta-analysis: mentoring's associations with attitudes are real "
        "but small; leaders who listen are one driver of engagement among many (Gallup's Q12 "
        "has twelve). Narrowed from 0..0.2 by the prior predictive check of juniors who take "
        "no part (docs/ODD.md section 11.2): with 0..0.2 the division-wide program raised "
        "their mean engagement in year 1 by more than 0.045 (d = 0.4 of juniors' engagement "
        "SD 0.114, the top of the small attitude effects mentoring meta-analyses report even "
        "for protégés) in 45% of 400 prior draws; with 0..0.08, in 8%. 0 = no effect.",
    ),
    Prior(
        "dynamics.engagement.a_gap",
        0.0,
        0.30,
        "No direct measurement. At the typical initial gap (juniors 0.75, seniors 0.35) the "
        "term lowers juniors' target by up to 0.3 x 0.4 = 0.12, under a third of the 0.4 "
        "quartile gap (a judgment). 0 = no effect.",
    ),
    Prior(
        "dynamics.engagement.a_voice",
        0.0,
        0.20,
        "Eby et al. (2013) meta-analysis: perceived psychosocial support goes with higher "
        "commitment and lower turnover intentions, with small to moderate correlations; here "
        "the mentor is the one heard. At full voice at most half the 0.4 quartile gap (a "
        "judgment). 0 = no effect.",
    ),
    Prior(
        "dynamics.engagement.h",
        4.0,
        26.0,
        "No measurement of how long being listened to is remembered: a month to half a "
        "year (a judgment).",
    ),
    Prior(
        "dynamics.engagement.l_half",
        0.5,
        4.0,
        "No measurement: the quality-weighted session hours at which the signal is half; "
        "from half a session to four sessions held recently (a judgment).",
    ),
    Prior(
        "dynamics.engagement.kappa",
        0.02,
        0.15,
        "How fast engagement follows a change in its drivers: Schaufeli, Bakker & van Rhenen "
        "(2009) find changes in job resources over one year predict changes in engagement "
        "over the same year; Gallup's Q12 items move within a survey cycle (months). Half-lives "
        "ln 2 / kappa from about 5 to 35 weeks (range a judgment). Fitted: it sets how much of "
        "the program's effect shows within year 1.",
    ),
    Prior(
        "dynamics.engagement.w_net",
        0.0,
        0.4,
        "No measurement of how much the leaders one talks to informally shape one's climate, "
        "beside one's own chain (w_chain 0.5) and the department: 0 (none) to 0.4, keeping "
        "w_chain + w_net <= 0.9 (a judgment). Fitted: in the division-wide case every senior "
        "listens, so it moves juniors' climate, and the bystander check bounds it.",
    ),
    Prior(
        "dynamics.engagement.rho_v",
        0.0,
        0.6,
        "Vicarious voice: how much a mentor's being heard reaches the juniors they talk to. "
        "No measurement; 0 (none) to 0.6 of the gap to full voice at a full peer signal (a "
        "judgment). Fitted: it carries the program to juniors who take no part, which the "
        "bystander check (mentoring meta-analyses: small effects) bounds.",
    ),
    Prior(
        "dynamics.engagement.chain_decay",
        0.25,
        1.0,
        "How much less the listening of the k-th leader up the chain counts: leadership "
        "research finds the direct manager the strongest single driver of engagement (Gallup: "
        "managers account for at least 70% of the variance in engagement scores across "
        "business units, State of the American Manager 2015), so higher "
        "levels count less, from a quarter per level to equally (a judgment). Not fitted: in "
        "the division-wide case every senior is a mentee, so the weights of the chain hardly "
        "change a junior's climate; drawn from its prior in the fit and in every prediction.",
        fitted=False,
    ),
    Prior(
        "workforce.junior_e0",
        0.40,
        0.70,
        "Gallup (2016): 29% of Millennials engaged; with engaged meaning >= 0.7 and sd 0.12, a "
        "mean baseline near 0.6 gives about that share. The range (0.4: hardly anyone engaged; "
        "0.7: half engaged) is a judgment; the engaged-share pattern then narrows it.",
    ),
    Prior(
        "dynamics.volunteers.s_eng",
        0.0,
        2.0,
        "No measurement of who volunteers to mentor: 0 (engagement plays no part) to 2 (a "
        "judgment). Not identified by the calibration patterns (no case there has volunteer "
        "mentors): keeps its prior.",
        fitted=False,
    ),
    Prior(
        "dynamics.volunteers.s_dig",
        0.0,
        2.0,
        "As s_eng, for digital knowledge (a judgment). Not identified: keeps its prior.",
        fitted=False,
    ),
)


def fitted_priors() -> tuple[Prior, ...]:
    """The priors the calibration fits (in table order)."""
    return tuple(p for p in PRIORS if p.fitted)


def unfitted_priors() -> tuple[Prior, ...]:
    """The priors no calibration pattern identifies (they keep their prior)."""
    return tuple(p for p in PRIORS if not p.fitted)


def prior_for(key: str) -> Prior:
    """The prior of a dotted key (KeyError if it has none)."""
    for p in PRIORS:
        if p.key == key:
            return p
    raise KeyError(f"no prior for {key}; priors: {', '.join(p.key for p in PRIORS)}")


def schema_default(key: str) -> Any:
    """The built-in default of a dotted scenario key (``designs.NAME.x`` -> ProgramDesign's x)."""
    parts = key.split(".")
    cls: type = Scenario
    if parts[0] == "designs":
        cls, parts = ProgramDesign, parts[2:]
    for i, part in enumerate(parts):
        info = next((f for f in field_infos(cls) if f.name == part), None)
        if info is None:
            raise KeyError(f"{key}: no such parameter")
        if i == len(parts) - 1:
            return info.default
        cls = info.type
    raise KeyError(key)


def prior_table() -> str:
    """A Markdown table of the priors (for docs/ODD.md; tests/test_docs.py keeps them equal)."""
    rows = [
        "| key | default | prior | fitted | source or rationale |",
        "| --- | --- | --- | --- | --- |",
    ]
    for p in PRIORS:
        fitted = "yes" if p.fitted else "no: keeps its prior"
        rows.append(
            f"| `{p.key}` | `{schema_default(p.key):g}` | uniform {p.lo:g}..{p.hi:g} | {fitted} "
            f"| {p.source} |"
        )
    return "\n".join(rows) + "\n"
