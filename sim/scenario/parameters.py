"""The scenario: everything one run needs, as frozen dataclasses (docs/ODD.md sections 5-8).

Defaults, types, ranges and help text live here, in `param(...)` declarations; the loader
(`sim.scenario.loading`), `--set`, the template and the docs read them from here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from sim.scenario.calendar import DAYS_PER_WEEK, WEEKS_PER_YEAR
from sim.scenario.design import ProgramDesign, default_program
from sim.scenario.schema import group, param


@dataclass(frozen=True)
class OrgSpec:
    """The organisation: generated from a size and span, or imported from an HR export."""

    size: int = param(500, "number of positions (employees) in a generated org", lo=2)
    span: int = param(6, "reports per manager in a generated org", lo=1, hi=100)
    span_jitter: int = param(1, "each manager's span varies by up to +- this", lo=0, hi=20)
    informal_ties: int = param(2, "informal ties each person starts", lo=0, hi=50)
    informal_within_department: float = param(
        0.8, "share of informal ties inside the person's department", lo=0, hi=1
    )
    chart: str | None = param(
        None,
        "path to an HR org-chart CSV (relative to the scenario file); replaces size/span",
        none_word="none",
    )
    ties_file: str | None = param(
        None,
        "path to an informal-network edge list (CSV: from_id, to_id, optional weight; relative "
        "to the scenario file) replacing the generated informal ties; needs org.chart",
        none_word="none",
        digest_neutral=True,
    )
    min_tie_weight: float = param(
        0.0,
        "imported informal ties with a weight below this are dropped",
        lo=0,
        digest_neutral=True,
    )


@dataclass(frozen=True)
class Workforce:
    """Initial and new-hire distributions (docs/ODD.md sections 5 and 7.5)."""

    sd: float = param(0.12, "standard deviation of every Beta draw", lo=0.01, hi=0.25)
    junior_digital: float = param(0.75, "mean digital knowledge of juniors", lo=0.01, hi=0.99)
    junior_business: float = param(0.30, "mean business knowledge of juniors", lo=0.01, hi=0.99)
    junior_e0: float = param(0.55, "mean engagement baseline of juniors", lo=0.01, hi=0.99)
    senior_digital: float = param(0.35, "mean digital knowledge of seniors", lo=0.01, hi=0.99)
    senior_business: float = param(0.80, "mean business knowledge of seniors", lo=0.01, hi=0.99)
    senior_e0: float = param(0.65, "mean engagement baseline of seniors", lo=0.01, hi=0.99)
    openness: float = param(0.6, "mean openness to learning from juniors", lo=0.01, hi=0.99)
    junior_age: tuple[int, int] = param((22, 35), "age range of juniors (uniform)", unit="years")
    manager_age: tuple[int, int] = param((33, 55), "age range of managers", unit="years")
    executive_age: tuple[int, int] = param((45, 62), "age range of executives", unit="years")
    executive_levels: int = param(2, "seniors above this level are executives (0..n-1)", lo=1)
    junior_tenure_years: float = param(3.0, "mean initial tenure of juniors", lo=0, unit="years")
    senior_tenure_years: float = param(8.0, "mean initial tenure of seniors", lo=0, unit="years")
    hire_junior_digital: float = param(0.8, "digital knowledge of a new junior", lo=0, hi=1)
    hire_junior_business: float = param(0.2, "business knowledge of a new junior", lo=0, hi=1)
    hire_senior_digital: float = param(0.4, "digital knowledge of a new senior", lo=0, hi=1)
    hire_senior_business: float = param(0.6, "business knowledge of a new senior", lo=0, hi=1)
    hire_engagement: float = param(0.7, "engagement of a new hire (honeymoon)", lo=0, hi=1)


@dataclass(frozen=True)
class SessionParams:
    """Session quality, knowledge transfer, doses and impulse (docs/ODD.md section 7.1)."""

    base_quality: float = param(0.6, "base session quality", lo=0, hi=1)
    focus_bonus: float = param(0.5, "quality bonus per unit of topic focus", lo=0, hi=2)
    training_boost: float = param(1.2, "quality multiplier for trained mentors", lo=1, hi=3)
    power_distance: float = param(0.3, "quality lost in informal settings", lo=0, hi=1)
    trust_sessions: float = param(3.0, "sessions for trust r = 1 - exp(-k/this)", lo=0.1)
    tau: float = param(0.08, "digital transfer rate to the mentee", lo=0, hi=1, unit="per hour")
    tau_b: float = param(
        0.05, "business transfer rate to the mentor (two-way)", lo=0, hi=1, unit="per hour"
    )
    g_mentee: float = param(0.02, "mentee engagement impulse per session (x quality)", lo=0, hi=1)


@dataclass(frozen=True)
class VolunteerParams:
    """Who volunteers to mentor when a design asks for volunteers (docs/ODD.md section 7.1).

    Behaviour of the juniors, not a design choice: a volunteer is drawn with weight
    exp(s_eng z(engagement) + s_dig z(digital)), z standardised over the eligible juniors.
    """

    s_eng: float = param(
        1.0, "volunteering weight on standardised engagement (0: engagement plays no part)", lo=0
    )
    s_dig: float = param(
        1.0, "volunteering weight on standardised digital knowledge (0: none)", lo=0
    )


@dataclass(frozen=True)
class KnowledgeParams:
    """Knowledge drift (docs/ODD.md section 7.2)."""

    phi: float = param(0.01, "forgetting toward one's exposure", lo=0, hi=1, unit="per week")
    psi: float = param(
        0.005, "seniors' exposure rising toward their knowledge", lo=0, hi=1, unit="per week"
    )
    frontier_drift: float = param(
        0.10, "moving frontier: exposure lost", lo=0, hi=1, unit="per year"
    )
    sigma: float = param(
        0.01, "spillover among senior org-tie neighbours", lo=0, hi=1, unit="per week"
    )


@dataclass(frozen=True)
class EngagementParams:
    """Engagement: listening and voice stocks, juniors' target, relaxation (docs/ODD.md 7.3)."""

    kappa: float = param(0.05, "relaxation rate toward the target", lo=0, hi=1, unit="per week")
    a_climate: float = param(
        0.15, "juniors' target: the listening climate C of their leaders", lo=0, hi=1
    )
    a_gap: float = param(0.15, "juniors' target: digital gap to their manager", lo=0, hi=1)
    a_growth: float = param(0.10, "juniors' target: business knowledge gained", lo=0, hi=1)
    a_voice: float = param(
        0.10, "juniors' target: their voice signal v (mentors heard by a leader)", lo=0, hi=1
    )
    h: float = param(
        13.0,
        "decay time of the listening and voice stocks: each week they shrink by exp(-1/h)",
        lo=0.1,
        unit="weeks",
    )
    l_half: float = param(
        1.5,
        "stock (quality-weighted session hours) at which the signal l or v is one half",
        lo=0.001,
        unit="hours",
    )
    w_chain: float = param(
        0.5,
        "weight of a junior's own chain of leaders in its climate (w_chain + w_net <= 1; "
        "the rest: department)",
        lo=0,
        hi=1,
    )
    chain_decay: float = param(
        0.5,
        "weight of the k-th position above a junior in its chain's mean: chain_decay^(k-1) "
        "(the manager 1, the manager's manager chain_decay, ...)",
        lo=0,
        hi=1,
        source="judgment",
    )
    w_net: float = param(
        0.2,
        "weight in a junior's climate of the senior positions it has informal ties to "
        "(w_chain + w_net <= 1)",
        lo=0,
        hi=1,
        source="judgment",
    )
    rho_v: float = param(
        0.3,
        "peer voice: v' = v + rho_v x (1 - v) x mean v of a junior's informal junior peers",
        lo=0,
        hi=1,
        source="judgment",
    )
    chain_depth: int = param(
        3,
        "positions above a junior that make up its chain (manager, manager's manager, ...)",
        lo=1,
        hi=20,
    )
    engaged_threshold: float = param(0.7, "engagement counted as 'engaged' (Gallup)", lo=0, hi=1)


@dataclass(frozen=True)
class ExitParams:
    """Exit hazard and turnover contagion (docs/ODD.md section 7.4)."""

    base_junior: float = param(
        0.16,
        "annual exit probability of a junior at e_ref",
        lo=0,
        hi=0.99,
        source="Gallup 2016; BLS median tenure 25-34",
    )
    base_senior: float = param(0.08, "annual exit probability of a senior at e_ref", lo=0, hi=0.99)
    beta_e: float = param(
        1.7,
        "engagement effect on exits",
        lo=0,
        hi=10,
        source="Gallup meta-analyses: +0.4 engagement roughly halves exits",
    )
    e_ref: float = param(0.55, "reference engagement", lo=0, hi=1)
    beta_c: float = param(
        0.10, "contagion: hazard per recent neighbour exit", lo=0, hi=5, source="Felps et al. 2009"
    )
    contagion_window_weeks: int = param(
        12, "exits this recent count for contagion", lo=1, unit="weeks"
    )
    new_hire_factor: float = param(1.3, "hazard multiplier in the first year", lo=1, hi=5)
    c_e: float = param(0.02, "engagement drop per neighbour's exit", lo=0, hi=1)
    max_annual: float = param(0.99, "cap on the annual exit probability", lo=0, hi=1)


@dataclass(frozen=True)
class HiringParams:
    """Refilling vacancies (docs/ODD.md section 7.5)."""

    time_to_fill: int = param(8, "weeks a vacancy stays open", lo=0, unit="weeks")


# The source column of the pathway switches: they explain a design's effect, not set it.
_SWITCH = "switch for sim explain (on in every design)"


@dataclass(frozen=True)
class Pathways:
    """Switches for the pathways through which a program reaches juniors.

    Off, a pathway carries nothing while the program still holds its sessions; with every
    pathway off a run equals the no-program run in every column that is not the program's
    own. `sim explain` turns them off and on to split a design's effect (docs/ODD.md
    section 13, causal accounting); leave them on to run a design.
    """

    listening: bool = param(
        True, "listening climate: the a_climate x C term of juniors' target", source=_SWITCH
    )
    learning: bool = param(
        True, "leaders' learning: digital knowledge transferred to mentees", source=_SWITCH
    )
    growth: bool = param(
        True, "growth: business knowledge transferred to mentors (two-way)", source=_SWITCH
    )
    voice: bool = param(
        True, "mentors' voice: the a_voice x v term of juniors' target", source=_SWITCH
    )
    mentee_impulse: bool = param(
        True, "the mentee's engagement impulse g_mentee of each session", source=_SWITCH
    )
    network_climate: bool = param(
        True,
        "network climate: the w_net term of C (leaders a junior has informal ties to)",
        source=_SWITCH,
    )
    peer_voice: bool = param(
        True,
        "peer voice: the rho_v term of v' (mentors' informal junior peers)",
        source=_SWITCH,
    )


# The source column of the network switches: they test the model, they set no behaviour.
_ABLATION = "switch for the network ablation (docs/ODD.md section 11)"


@dataclass(frozen=True)
class Ablation:
    """Switches that take the org network's mechanisms out, one at a time.

    They test whether the network matters (docs/ODD.md section 11, sensitivity and network
    ablation): each ablated run is compared with the full model on the same seed. With the
    defaults the model is the full model, bit for bit.
    """

    shuffle_informal_ties: bool = param(
        False,
        "rewire the informal ties at random, keeping every person's number of ties (drawn "
        "from their own random stream after people are drawn: the same people)",
        source=_ABLATION,
    )
    contagion: bool = param(
        True,
        "exit contagion: a leaver lowers tie-neighbours' engagement (c_e) and raises their "
        "exit hazard (beta_c)",
        source=_ABLATION,
    )
    spillover: bool = param(
        True,
        "spillover of digital knowledge among senior org-tie neighbours (sigma)",
        source=_ABLATION,
    )


@dataclass(frozen=True)
class Dynamics:
    """All submodel parameters, grouped as docs/ODD.md section 7 groups them."""

    sessions: SessionParams = group(SessionParams, "sessions: quality, transfer, impulses")
    knowledge: KnowledgeParams = group(KnowledgeParams, "knowledge drift")
    engagement: EngagementParams = group(EngagementParams, "engagement")
    exits: ExitParams = group(ExitParams, "exits")
    hiring: HiringParams = group(HiringParams, "hiring")
    volunteers: VolunteerParams = group(VolunteerParams, "who volunteers to mentor")
    pathways: Pathways = group(Pathways, "pathway switches (for sim explain)")
    ablation: Ablation = group(Ablation, "network switches (for the network ablation)")


@dataclass(frozen=True)
class Costs:
    """Money: salaries, replacement factors, program cost (docs/ODD.md section 7.6).

    The salary defaults are illustrative round numbers, not data: set your own.
    """

    currency: str = param(
        "USD",
        "currency of every amount, named in tables and report.html",
        pattern=("[A-Z]{3}", "a three-letter ISO 4217 code in capitals, e.g. USD, EUR, IDR"),
        source="a label: no amount is converted",
    )
    salary_junior: float = param(55_000.0, "annual salary of a junior (illustrative)", lo=0)
    salary_senior: float = param(120_000.0, "annual salary of a senior (illustrative)", lo=0)
    replacement_junior: float = param(0.5, "replacement cost of a junior exit, x salary", lo=0)
    replacement_senior: float = param(1.5, "replacement cost of a senior exit, x salary", lo=0)
    hours_per_year: float = param(
        1_800.0, "paid hours per year (hourly cost = salary / this)", lo=1
    )


@dataclass(frozen=True)
class Observation:
    """What to measure (docs/ODD.md section 7.6)."""

    leadership_levels: tuple[int, ...] = param((0, 1), "levels whose mean digital is 'fluency'")
    relevance_elasticity: float = param(
        1.0, "digital-relevance index per unit of fluency gained (free, fit per case)", lo=0
    )
    record_people: bool = param(False, "also record a row per person and week (large)")
    mentor_counterfactual: bool = param(
        False,
        "also run each design with every pathway off up to 52 weeks after its first intake: "
        "its mentors' retention there, and the program's effect on them (one more, shorter "
        "run per design and replicate)",
    )


# The source column of output options: they change files, never a number.
_FILES = "output option (no model effect)"


@dataclass(frozen=True)
class Outputs:
    """What `sim run` and `sim compare` write into the results folder (not part of the results)."""

    folder: str = param(
        "",
        "results folder, relative to where sim runs; empty: a new folder under results/ "
        "named after the scenario and the time (--out wins over it)",
        source=_FILES,
    )
    series: bool = param(True, "write series.csv: a row per run and week", source=_FILES)
    report: bool = param(
        True, "write report.html: the tables and figures in one page", source=_FILES
    )
    figures: str = param(
        "none",
        "also save the report's figures as files in figures/",
        choices=("none", "png", "svg", "pdf"),
        source=_FILES,
    )


@dataclass(frozen=True)
class Target:
    """A case pattern to compare with (docs/ODD.md section 1): an outcome's observed value."""

    outcome: str = param("", "a summary column, e.g. turnover_millennial_y1")
    value: float = param(0.0, "the value the case reports")
    design: str = param("baseline", "the design whose runs the target applies to")
    tolerance: float = param(0.0, "half-width of the range counted as a match", lo=0)
    note: str = param("", "where the number comes from and how firm it is")


@dataclass(frozen=True)
class Scenario:
    """A complete, validated scenario: metadata, time, organisation, parameters, designs."""

    name: str = param("default", "short name of the scenario")
    description: str = param("", "what the scenario is about")
    provenance: str = param("", "where the case comes from and what it claims")
    start_date: dt.date = param(dt.date(2024, 1, 1), "calendar date of week 0")
    launch_date: dt.date | None = param(
        None, "program launch; weeks before it are a warm-up", none_word="start"
    )
    warmup_weeks: int = param(
        104,
        "unobserved weeks with no program before week 0, the same in every design (0: none)",
        lo=0,
        hi=2_600,
        unit="weeks",
        source="judgment",
    )
    years: float = param(2.0, "years simulated after the launch", lo=0.02, hi=50, unit="years")
    replicates: int = param(10, "replicates per design", lo=1)
    seed: int = param(20261122, "base seed: replicate seeds are drawn from it", lo=0)
    include_baseline: bool = param(True, "also run the no-program baseline on the same seeds")
    org: OrgSpec = group(OrgSpec, "the organisation")
    workforce: Workforce = group(Workforce, "initial and new-hire distributions")
    dynamics: Dynamics = group(Dynamics, "submodel parameters")
    costs: Costs = group(Costs, "salaries and costs")
    observation: Observation = group(Observation, "what to measure")
    outputs: Outputs = group(Outputs, "what sim run and sim compare write")
    designs: tuple[ProgramDesign, ...] = (default_program(),)
    targets: tuple[Target, ...] = ()

    @property
    def launch_week(self) -> int:
        """Week index of the launch (0 without a warm-up)."""
        if self.launch_date is None:
            return 0
        return (self.launch_date - self.start_date).days // DAYS_PER_WEEK

    @property
    def weeks(self) -> int:
        """Number of weekly steps: the warm-up plus the years after launch."""
        return self.launch_week + round(self.years * WEEKS_PER_YEAR)

    def design(self, name: str) -> ProgramDesign | None:
        """The named design; None for "baseline" (no program)."""
        if name == "baseline":
            return None
        for d in self.designs:
            if d.name == name:
                return d
        raise KeyError(f"no design named {name!r}; designs: {', '.join(self.design_names)}")

    @property
    def design_names(self) -> tuple[str, ...]:
        """Names of the designs to run, baseline first when included."""
        names = tuple(d.name for d in self.designs)
        return (("baseline",) if self.include_baseline else ()) + names

    def with_changes(self, **changes: Any) -> Scenario:
        """A copy with some top-level fields changed (unchecked: see `with_overrides`)."""
        return replace(self, **changes)

    def with_overrides(self, values: Mapping[str, Any] | None = None, /, **keys: Any) -> Scenario:
        """A new, validated scenario with some values changed; this one is left as it is.

        Keys are a scenario file's (the keys ``--set`` takes): dotted in `values`, or as
        Python names with ``__`` for each dot in `keys` (either way in either place). A
        design's knob is ``designs.NAME.KNOB``. Values are what a scenario file holds:
        numbers, booleans, text, lists or tuples, dates or ISO text, and None (or the key's
        word for it) where a key allows none; numpy numbers are fine. Each is checked as
        the loader checks it, then the loader's checks of several values run again.

        Args:
            values: dotted key -> value, e.g. ``{"dynamics.exits.beta_e": 1.2}``.
            **keys: the same with ``__`` for dots, e.g. ``dynamics__exits__beta_e=1.2``.

        Returns:
            The changed scenario, a new object (with no key given: this one).

        Raises:
            InputError: every problem at once, each naming its key as given: an unknown key
                (with close matches), a value it does not allow, a launch before the start.

        Example:
            >>> s = default_scenario().with_overrides({"dynamics.exits.beta_e": 1.2}, years=3)
            >>> s.dynamics.exits.beta_e, s.years, default_scenario().years
            (1.2, 3.0, 2.0)
            >>> s.with_overrides(designs__program__cadence_weeks=4).designs[0].cadence_weeks
            4
        """
        from sim.scenario.overrides import with_overrides

        return with_overrides(self, values or {}, keys)

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-ready dictionary of every value."""
        return json.loads(json.dumps(asdict(self), default=str))

    def model_dict(self) -> dict[str, Any]:
        """`to_dict` without `outputs` or design labels: every value that can change a number.

        Labels are titles for pictures; leaving them out keeps a scenario's digest (and
        stored results) the same when a label is added or reworded. Keys declared
        `digest_neutral` (added later, with a default that reproduces the earlier model) are
        left out at their default, so older digests and stored results stay valid.
        """
        values = self.to_dict()
        del values["outputs"]  # where and which files are written changes no number
        for design in values["designs"]:
            del design["label"]
        _drop_neutral_defaults(self, values)
        return values

    def digest(self) -> str:
        """A short hash of every value that shapes results: the scenario's identity in them.

        Computed once per (frozen) scenario and kept: every run's summary row carries it.
        """
        known = self.__dict__.get("_digest")
        if known is None:
            text = json.dumps(self.model_dict(), sort_keys=True)
            known = hashlib.sha256(text.encode()).hexdigest()[:12]
            object.__setattr__(self, "_digest", known)  # frozen: set once, never changed
        return known


def _drop_neutral_defaults(obj: Any, values: dict[str, Any]) -> None:
    """Remove, in place, the `digest_neutral` keys of `obj` (and its groups) at their default."""
    for f in fields(obj):
        value = getattr(obj, f.name)
        if f.metadata.get("digest_neutral") and value == f.default:
            values.pop(f.name, None)
        elif f.metadata.get("group") and f.name in values:
            _drop_neutral_defaults(value, values[f.name])
        elif f.name == "designs":
            for design, design_values in zip(value, values[f.name], strict=True):
                _drop_neutral_defaults(design, design_values)


def default_scenario() -> Scenario:
    """The built-in scenario of `sim run`: a 500-person division, program vs baseline."""
    return Scenario(
        name="default",
        description="A 500-person division: a formal, focused, ongoing program for every senior, "
        "beside the same organisation with no program.",
        provenance="Built-in demonstration (the built-in defaults); no case data.",
    )
