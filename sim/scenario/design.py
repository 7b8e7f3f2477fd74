"""ProgramDesign: a program design, a frozen set of knobs (docs/ODD.md section 7.1)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sim.scenario.schema import param

PAIRING_RULES = ("random", "cross_department", "same_department", "skill_gap")
MENTOR_SELECTIONS = ("most_digital", "volunteers")
MENTEE_SELECTIONS = ("random", "top_levels", "most_reports", "most_connected", "listed")


@dataclass(frozen=True)
class ProgramDesign:
    """A reverse-mentoring program design. Immutable: use `with_changes` to vary one.

    Attributes:
        name: the design's name in tables and figures.
        label: a plain-language title for animations ("" = made from the name); display
            only, so it is not part of the scenario's digest.
        start_week: weeks after the scenario's launch at which the program starts.
        mentee_levels: org levels whose seniors may be mentees; None means every senior level.
        coverage: fraction of the eligible seniors enrolled as mentees at each intake.
        mentee_selection: which eligible seniors are enrolled (`MENTEE_SELECTIONS`): at
            random, or those ranking highest on the rule's score (ties by the keyed draw).
        max_pairs: at most this many mentees per intake (a budget); None for no limit.
        mentees_file: for `listed`, a CSV of employee ids of an imported chart.
        min_mentor_tenure_weeks: juniors need this much tenure to mentor.
        mentor_selection: which eligible juniors mentor: the most digital, or volunteers
            drawn with weights exp(s_eng z(engagement) + s_dig z(digital))
            (`dynamics.volunteers`).
        pairing: who pairs with whom (random, cross_department, same_department, skill_gap).
        cadence_weeks: weeks between scheduled sessions.
        session_hours: length of one session.
        duration_weeks: weeks each intake's pairs run; None means ongoing.
        intake_every_weeks: start a new intake at this interval; None means one intake.
        commitment: probability a scheduled formal session happens.
        formal: formal program (True) or informal coffee chats (False).
        informal_factor: attendance multiplier for an informal program.
        max_missed: consecutive missed sessions that end a pair.
        rematch: give a mentee whose pair ended a new mentor at the next session.
        topic_focus: how focused sessions are on agreed digital topics (0..1).
        mentor_training: mentors are trained (raises session quality).
        two_way: mentors also learn the business from their mentee.
        admin_cost_per_pair: administration cost of forming one pair.
    """

    name: str = param("program", "the design's name in tables and figures")
    label: str = param(
        "",
        'a plain-language title for animations, e.g. "Reverse mentoring every two weeks" '
        '("" = made from the design name)',
        pattern=(r"[^\n]{0,80}", "one line of at most 80 characters"),
        source="a title only: changes no number and is not in the scenario's digest",
    )
    start_week: int = param(
        0, "weeks after the launch date at which the program starts", lo=0, unit="weeks"
    )
    mentee_levels: tuple[int, ...] | None = param(
        (0, 1),
        'org levels whose seniors may be mentees (0 = top); "all" for every senior level',
        none_word="all",
    )
    coverage: float = param(1.0, "fraction of eligible seniors enrolled at each intake", lo=0, hi=1)
    mentee_selection: str = param(
        "random",
        "which eligible seniors are enrolled: at random, or first by the rule's score "
        "(top_levels: highest level first; most_reports: most junior positions within "
        "chain_depth levels below; most_connected: most informal ties to juniors; listed: "
        "the employee ids of mentees_file); ties by the keyed intake draw",
        choices=MENTEE_SELECTIONS,
        digest_neutral=True,
    )
    max_pairs: int | None = param(
        None,
        'at most this many mentees per intake (a budget); "none" for no limit',
        lo=1,
        none_word="none",
        digest_neutral=True,
    )
    mentees_file: str | None = param(
        None,
        "for mentee_selection = listed: a CSV with an employee_id column naming the mentees "
        "(relative to the scenario file; ids of org.chart)",
        none_word="none",
        digest_neutral=True,
    )
    min_mentor_tenure_weeks: int = param(52, "tenure a junior needs to mentor", lo=0, unit="weeks")
    mentor_selection: str = param(
        "most_digital",
        "which eligible juniors mentor: the most digital, or volunteers (weighted by engagement "
        "and digital knowledge, dynamics.volunteers)",
        choices=MENTOR_SELECTIONS,
    )
    pairing: str = param("random", "who pairs with whom", choices=PAIRING_RULES)
    cadence_weeks: int = param(2, "weeks between scheduled sessions", lo=1, hi=52, unit="weeks")
    session_hours: float = param(1.0, "length of one session", lo=0, hi=40, unit="hours")
    duration_weeks: int | None = param(
        17,
        'weeks each intake runs (about 4 months); "ongoing" for no end',
        lo=1,
        unit="weeks",
        none_word="ongoing",
    )
    intake_every_weeks: int | None = param(
        None,
        'start a new intake at this interval; "never" for a single intake',
        lo=1,
        unit="weeks",
        none_word="never",
    )
    commitment: float = param(0.9, "probability a scheduled (formal) session happens", lo=0, hi=1)
    formal: bool = param(True, "formal program (true) or informal coffee chats (false)")
    informal_factor: float = param(0.5, "attendance multiplier when informal", lo=0, hi=1)
    max_missed: int = param(3, "consecutive missed sessions that end a pair", lo=1)
    rematch: bool = param(True, "a mentee whose pair ended gets a new mentor")
    topic_focus: float = param(0.5, "focus of sessions on agreed digital topics", lo=0, hi=1)
    mentor_training: bool = param(False, "mentors are trained (session quality x1.2)")
    two_way: bool = param(False, "mentors also learn the business from their mentee")
    admin_cost_per_pair: float = param(
        300.0, "administration cost of forming one pair", lo=0, unit="currency"
    )

    @property
    def title(self) -> str:
        """The label, or the name as words ("reverse_mentoring" -> "Reverse mentoring")."""
        return self.label.strip() or readable_name(self.name)

    @property
    def attendance(self) -> float:
        """Probability that one scheduled session is held."""
        return self.commitment * (1.0 if self.formal else self.informal_factor)

    def with_changes(self, **changes: object) -> ProgramDesign:
        """A copy of this design with some knobs changed."""
        return replace(self, **changes)


def readable_name(name: str) -> str:
    """A design or scenario name as words: underscores and hyphens to spaces, first letter up."""
    words = " ".join(name.replace("_", " ").replace("-", " ").split())
    return words[:1].upper() + words[1:]


def default_program() -> ProgramDesign:
    """The design of the built-in scenario: the defaults, except every senior, focus, ongoing.

    Only the keys where it differs from `ProgramDesign()` (the defaults a design table gets
    for the keys it leaves out, which `sim scenario --template` prints) are named here.
    """
    return ProgramDesign(name="program", mentee_levels=None, topic_focus=1.0, duration_weeks=None)
