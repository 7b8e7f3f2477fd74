"""`sim workshop`'s session: rounds of designs from the room, checked, run, ranked and saved.

A `Room` holds the rounds. In an open round each participant (a browser, known by a random
id it keeps) submits one design, replaced by a later submission: a team name and a few knobs
of the scenario's design. Every submission is checked on the server (`Room.submit`): known
keys only, each knob within its declared range, the scenario's own checks (the same as
`sim run --set`), the session's budget of mentoring hours a year, a rate limit per
participant and a cap on designs per round; a refusal says what is allowed. The facilitator
closes the round; `sim.app.room_runs` runs every design and no program on the same seeds
(common random numbers) and ranks them (`leaderboard`); then a new round can open.

The session is saved to its folder after every change (session.json, designs.csv,
results.csv and report.html, each written atomically) and read back when the server starts
again on the same folder.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim import analysis
from sim.app.controls import DESIGN_CONTROLS, DURATIONS, Control, design_label, overrides
from sim.errors import InputError, Problem
from sim.model.capacity import ProgramCheck, sessions_per_pair_year
from sim.safety.targets import write_text
from sim.scenario.loading import default_with_overrides, load_scenario
from sim.scenario.parameters import Scenario

# What a phone may set: the knobs a room can argue about (the dashboard's design controls
# but for mentee levels and mentor selection, which need the org chart to mean anything).
ROOM_KNOBS = (
    "cadence_weeks",
    "commitment",
    "coverage",
    "formal",
    "two_way",
    "topic_focus",
    "duration_weeks",
)
MAX_BODY_BYTES = 2048  # a submission is a few dozen bytes; anything larger is refused unread
MAX_TEAM_CHARS = 40
MAX_DESIGNS_PER_ROUND = 40
MIN_SECONDS_BETWEEN = 3.0  # per participant
SESSION_FILE = "session.json"


def knob_controls() -> dict[str, Control]:
    """The room's knobs, with the dashboard's labels, units and declared ranges."""
    return {c.name: c for c in DESIGN_CONTROLS if c.name in ROOM_KNOBS}


def knob_ranges() -> dict[str, dict[str, Any]]:
    """What the phone page offers for each knob (and the server accepts)."""
    out = {}
    for name, c in knob_controls().items():
        info = c.info
        if name == "duration_weeks":
            out[name] = {"label": c.label, "choices": list(DURATIONS)}
        elif info.type is bool or isinstance(info.default, bool):
            out[name] = {"label": c.label, "choices": [True, False]}
        else:
            hi = 13 if name == "cadence_weeks" else info.hi
            out[name] = {
                "label": c.label,
                "min": info.lo,
                "max": hi,
                "step": c.step,
                "unit": c.unit,
            }
    return out


@dataclass
class Submission:
    """One design from the room."""

    round: int
    participant: str
    team: str
    knobs: dict[str, Any]
    label: str
    hours_per_year: float
    at: str


@dataclass
class Round:
    """A round: open for submissions, running, done (with its leaderboard) or failed."""

    number: int
    status: str = "open"
    submissions: dict[str, Submission] = field(default_factory=dict)
    leaderboard: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0


def _team(value: Any) -> tuple[str, list[Problem]]:
    if not isinstance(value, str) or not value.strip():
        return "", [Problem("team", "give your team a name (1 to 40 characters)")]
    team = " ".join(value.split())
    if len(team) > MAX_TEAM_CHARS or not team.isprintable():
        return "", [Problem("team", f"at most {MAX_TEAM_CHARS} printable characters")]
    return team, []


def _knob(name: str, value: Any, spec: dict[str, Any]) -> list[Problem]:
    """A knob's value against what the page offers (the declared range)."""
    if "choices" in spec:
        if value not in spec["choices"]:
            allowed = ", ".join(str(c).lower() for c in spec["choices"])
            return [Problem(spec["label"], f"found {value!r}; allowed: one of {allowed}")]
        return []
    if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
        return [Problem(spec["label"], f"found {value!r}; allowed: a number")]
    if not spec["min"] <= value <= spec["max"]:
        return [
            Problem(
                spec["label"],
                f"found {value:g}; allowed: from {spec['min']:g} to {spec['max']:g}",
            )
        ]
    if name == "cadence_weeks" and int(value) != value:
        return [Problem(spec["label"], f"found {value:g}; allowed: a whole number of weeks")]
    return []


class Room:
    """The session: its scenario, rounds and folder; safe to call from several threads.

    Args:
        source: the scenario file or case (None: the built-in division).
        sets: `--set` overrides.
        folder: where the session is saved (and resumed from).
        replicates: replicate seeds per design.
        uncertainty: "posterior" (each replicate on its own posterior draw) or "replicates".
        budget_hours: mentoring hours a year a design may plan (None: as many as the
            scenario's own design plans).
        min_seconds: the least time between two submissions of one participant.
    """

    def __init__(
        self,
        source: str | None,
        sets: list[str],
        folder: Path,
        replicates: int = 5,
        uncertainty: str = "posterior",
        budget_hours: float | None = None,
        min_seconds: float = MIN_SECONDS_BETWEEN,
    ) -> None:
        self.source, self.sets, self.folder = source, list(sets), Path(folder)
        self.replicates, self.uncertainty = replicates, uncertainty
        self.min_seconds = min_seconds
        self.lock = threading.RLock()
        self.base = self.load([])
        if self.base.years < 1:
            raise InputError(
                [
                    Problem(
                        "years",
                        f"{self.base.years:g}; sim workshop needs at least 1 year after the "
                        "launch (its leaderboard's turnover effect is year 1's): --set years=1",
                    )
                ]
            )
        if not self.base.designs:
            raise InputError([Problem("designs", "the scenario has no design to start from")])
        self.design = self.base.designs[0].name
        own = self.plan([])[2]
        self.budget_hours = float(budget_hours) if budget_hours is not None else own
        self.rounds: list[Round] = [Round(1)]
        self.last_seen: dict[str, float] = {}
        self.resumed = self.resume()

    # --- the scenario ----------------------------------------------------------------------
    def load(self, first: list[str], checks: list | None = None, after: list[str] = ()) -> Scenario:
        """The scenario: `first` overrides (a posterior draw), the session's, then `after`."""
        sets = [*first, *self.sets, *after]
        if self.source:
            return load_scenario(self.source, sets, checks=checks or [])
        return default_with_overrides(sets, checks=checks or [])

    def plan(self, sets: list[str]) -> tuple[Scenario, Any, float]:
        """The scenario with `sets` last, checked, its design's first intake and hours a year.

        Checked as `sim run` checks it (the organisation can pair someone); the planned
        mentoring hours a year are pairs x sessions a pair holds in its first year x session
        hours x 2 people.
        """
        check = ProgramCheck()
        scenario = self.load([], checks=[check], after=sets)
        design = scenario.design(self.design)
        cap = next(c for c in check.capacities if c.design == self.design)
        hours = cap.pairs * sessions_per_pair_year(design) * design.session_hours * 2
        return scenario, cap, float(hours)

    # --- submissions -----------------------------------------------------------------------
    def submit(self, participant: str, payload: Any, now: float | None = None) -> Submission:
        """Check a design from the room and keep it in the open round; InputError if refused."""
        now = time.monotonic() if now is None else now
        with self.lock:
            current = self.rounds[-1]
            if current.status != "open":
                raise InputError([Problem("round", "closed; wait for the next round")])
            last = self.last_seen.get(participant)
            if last is not None and now - last < self.min_seconds:
                wait = self.min_seconds - (now - last)
                raise InputError([Problem("too fast", f"wait {wait:.0f} s before sending again")])
            new = participant not in current.submissions
            if new and len(current.submissions) >= MAX_DESIGNS_PER_ROUND:
                raise InputError(
                    [Problem("round", f"full: {MAX_DESIGNS_PER_ROUND} designs already")]
                )
            self.last_seen[participant] = now
        team, knobs = self._check_form(payload)
        scenario, hours = self._check_design(knobs)
        label = design_label(self.base.design(self.design), scenario.design(self.design))
        sub = Submission(
            round=current.number,
            participant=participant,
            team=team,
            knobs=knobs,
            label=label,
            hours_per_year=round(hours, 1),
            at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        with self.lock:
            if self.rounds[-1] is not current or current.status != "open":
                raise InputError([Problem("round", "closed while you sent; wait for the next")])
            current.submissions[participant] = sub
            self.save()
        return sub

    def _check_form(self, payload: Any) -> tuple[str, dict[str, Any]]:
        if not isinstance(payload, dict):
            raise InputError([Problem("design", "expected a form of a team name and knobs")])
        specs = knob_ranges()
        unknown = sorted(set(payload) - {"team", *specs})
        problems = [Problem(k[:40], "unknown field; allowed: team and the knobs") for k in unknown]
        team, bad = _team(payload.get("team"))
        problems += bad
        knobs = {}
        for name, spec in specs.items():
            if name in payload:
                problems += _knob(name, payload[name], spec)
                knobs[name] = payload[name]
        if problems:
            raise InputError(problems)
        if "cadence_weeks" in knobs:
            knobs["cadence_weeks"] = int(knobs["cadence_weeks"])
        return team, knobs

    def _check_design(self, knobs: dict[str, Any]) -> tuple[Scenario, float]:
        try:
            scenario, cap, hours = self.plan(overrides(self.design, knobs))
        except InputError as err:
            names = {f"designs.{self.design}.{c.name}": c.label for c in DESIGN_CONTROLS}
            raise InputError(
                [
                    Problem(next((v for k, v in names.items() if k in p.where), p.where), p.message)
                    for p in err.problems
                ]
            ) from None
        if cap.pairs == 0:
            raise InputError([Problem("design", "pairs no one in this organisation")])
        if hours > self.budget_hours:
            raise InputError(
                [
                    Problem(
                        "budget",
                        f"this design plans {hours:,.0f} mentoring hours a year ({cap.pairs} "
                        f"pairs); the budget is {self.budget_hours:,.0f}: lower the coverage, "
                        "meet less often, or lower the commitment",
                    )
                ]
            )
        return scenario, hours

    # --- rounds ----------------------------------------------------------------------------
    def close(self) -> Round:
        """Close the open round (its designs then run); InputError if it cannot be closed."""
        with self.lock:
            current = self.rounds[-1]
            if current.status != "open":
                raise InputError([Problem("round", f"round {current.number} is {current.status}")])
            if not current.submissions:
                raise InputError([Problem("round", "no design yet: nothing to run")])
            current.status = "running"
            self.save()
            return current

    def finish(self, number: int, board: list[dict] | None, error: str, seconds: float) -> None:
        """Record a round's leaderboard (or why it failed)."""
        with self.lock:
            r = self.rounds[number - 1]
            r.status = "failed" if board is None else "done"
            r.leaderboard, r.error, r.seconds = board or [], error, round(seconds, 1)
            self.save()

    def next_round(self) -> Round:
        """Open a new round once the last one has its leaderboard (or failed)."""
        with self.lock:
            if self.rounds[-1].status in ("open", "running"):
                raise InputError([Problem("round", "the current round is not finished")])
            self.rounds.append(Round(len(self.rounds) + 1))
            self.save()
            return self.rounds[-1]

    def round_designs(self, number: int) -> list[tuple[str, Submission]]:
        """The round's designs as (design name, submission), in the order they came in."""
        subs = sorted(self.rounds[number - 1].submissions.values(), key=lambda s: s.at)
        return [(f"r{number}_d{i + 1}", s) for i, s in enumerate(subs)]

    # --- saving and resuming ---------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """Everything the session is, as JSON-ready data."""
        return {
            "scenario": self.base.name,
            "source": self.source,
            "sets": self.sets,
            "digest": self.base.digest(),
            "replicates": self.replicates,
            "uncertainty": self.uncertainty,
            "budget_hours": self.budget_hours,
            "rounds": [asdict(r) for r in self.rounds],
        }

    def save(self) -> None:
        """Write the session's folder: session.json, designs.csv, results.csv, report.html."""
        self.folder.mkdir(parents=True, exist_ok=True)
        state = self.state()
        write_text(self.folder / SESSION_FILE, json.dumps(state, indent=1))
        designs = [
            {k: v for k, v in asdict(s).items() if k != "knobs"} | s.knobs
            for r in self.rounds
            for s in r.submissions.values()
        ]
        write_text(self.folder / "designs.csv", _csv(designs))
        results = [{"round": r.number} | row for r in self.rounds for row in r.leaderboard]
        write_text(self.folder / "results.csv", _csv(results))
        write_text(self.folder / "report.html", report_html(self))

    def resume(self) -> bool:
        """Read the session back from its folder, if it holds one of this scenario."""
        path = self.folder / SESSION_FILE
        if not path.is_file():
            return False
        try:
            state = json.loads(path.read_text())
            rounds = [
                Round(
                    **{k: v for k, v in r.items() if k != "submissions"},
                    submissions={p: Submission(**s) for p, s in r["submissions"].items()},
                )
                for r in state["rounds"]
            ]
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise InputError(
                [Problem(str(path), f"not a session this version can read ({err}); use --folder")]
            ) from None
        if state.get("digest") != self.base.digest():
            raise InputError(
                [
                    Problem(
                        str(path),
                        f"a session of another scenario ({state.get('scenario')!r}, or other "
                        "--set values); choose another --folder to start a new session",
                    )
                ]
            )
        for r in rounds:
            if r.status == "running":  # the server stopped mid-run: run it again
                r.status = "open"
        self.rounds = rounds
        return True


def _csv(rows: list[dict[str, Any]]) -> str:
    from sim.safety.cells import safe_table

    return safe_table(pd.DataFrame(rows)).to_csv(index=False) if rows else ""


LEADERBOARD_COLUMNS = {
    "rank": "rank",
    "team": "team",
    "label": "design",
    "turnover_effect_pp": "junior turnover, year 1 (pp)",
    "engagement_effect": "junior engagement, end",
    "expected_net_benefit": "expected net benefit",
    "p_beats_nothing": "chance of beating doing nothing",
}


def leaderboard(
    summary: pd.DataFrame, series: pd.DataFrame, scenario: Scenario, teams: dict[str, Submission]
) -> list[dict[str, Any]]:
    """Every design against no program on the same runs, best expected net benefit first.

    The effects are means of the paired differences with their 95% intervals of the mean;
    the chance of beating doing nothing is the share of paired runs (posterior draws x
    seeds) in which the net benefit is positive.
    """
    diff = analysis.paired_differences(
        summary, ["turnover_junior_y1", "engagement_junior_end"], "baseline"
    ).set_index(["design", "outcome"])
    money = analysis.money_table(summary, series, "baseline", scenario=scenario)
    money = money.set_index(["design", "measure"])
    rows = []
    for name, sub in teams.items():
        t, e = diff.loc[(name, "turnover_junior_y1")], diff.loc[(name, "engagement_junior_end")]
        net, p = money.loc[(name, "net_benefit")], money.loc[(name, "p_net_positive")]
        rows.append(
            {
                "design": name,
                "team": sub.team,
                "label": sub.label,
                "turnover_effect_pp": 100 * float(t["difference"]),
                "turnover_low": 100 * float(t["ci_low"]),
                "turnover_high": 100 * float(t["ci_high"]),
                "engagement_effect": float(e["difference"]),
                "engagement_low": float(e["ci_low"]),
                "engagement_high": float(e["ci_high"]),
                "expected_net_benefit": float(net["value"]),
                "net_low": float(net["ci_low"]),
                "net_high": float(net["ci_high"]),
                "p_beats_nothing": float(p["value"]),
                "runs": int(net["n"]),
                "hours_per_year": sub.hours_per_year,
            }
        )
    rows.sort(key=lambda r: (-r["expected_net_benefit"], -r["p_beats_nothing"], r["design"]))
    for i, row in enumerate(rows):
        row["rank"] = i + 1
    return rows


def leaderboard_html(rows: list[dict[str, Any]], currency: str) -> str:
    """The leaderboard as an HTML table (projector and report)."""
    head = "".join(f"<th>{html.escape(v)}</th>" for v in LEADERBOARD_COLUMNS.values())
    body = []
    for r in rows:
        cells = [
            str(r["rank"]),
            html.escape(r["team"]),
            html.escape(r["label"]),
            f"{r['turnover_effect_pp']:+.1f} [{r['turnover_low']:+.1f}, {r['turnover_high']:+.1f}]",
            f"{r['engagement_effect']:+.3f} [{r['engagement_low']:+.3f}, "
            f"{r['engagement_high']:+.3f}]",
            f"{currency} {r['expected_net_benefit']:,.0f} [{r['net_low']:,.0f}, "
            f"{r['net_high']:,.0f}]",
            f"{100 * r['p_beats_nothing']:.0f}%",
        ]
        body.append(
            f'<tr data-design="{r["design"]}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
        )
    return f'<table class="board"><tr>{head}</tr>{"".join(body)}</table>'


BOARD_NOTE = (
    "Each design minus no program on the same {n} runs ({how}): means with their 95% "
    "intervals of the mean; turnover in percentage points (negative: fewer leave). The chance "
    "of beating doing nothing is the share of those runs with a positive net benefit. Ranked "
    "by expected net benefit."
)


def board_note(room: Room, rows: list[dict[str, Any]]) -> str:
    """What the leaderboard's numbers are."""
    how = (
        "each replicate on its own draw from the calibrated posterior and its own seed"
        if room.uncertainty == "posterior"
        else "replicate seeds at the scenario's values"
    )
    return BOARD_NOTE.format(n=rows[0]["runs"] if rows else 0, how=how)


def report_html(room: Room) -> str:
    """The session's report: every round's designs and leaderboard."""
    currency = room.base.costs.currency
    parts = [
        "<!doctype html><meta charset=utf-8><title>Workshop session</title>",
        "<style>body{font:16px sans-serif;margin:2em}td,th{padding:4px 10px;"
        "border-bottom:1px solid #ddd;text-align:left}</style>",
        f"<h1>Workshop session: {html.escape(room.base.name)}</h1>",
        f"<p>Budget {room.budget_hours:,.0f} mentoring hours a year; {room.replicates} "
        f"replicates per design; uncertainty: {html.escape(room.uncertainty)}.</p>",
    ]
    for r in room.rounds:
        parts.append(f"<h2>Round {r.number} ({r.status}, {len(r.submissions)} designs)</h2>")
        if r.leaderboard:
            parts.append(f"<p>{html.escape(board_note(room, r.leaderboard))}</p>")
            parts.append(leaderboard_html(r.leaderboard, currency))
        elif r.error:
            parts.append(f"<p>Failed: {html.escape(r.error)}</p>")
        items = "".join(
            f"<li>{html.escape(s.team)}: {html.escape(s.label)} ({s.hours_per_year:,.0f} h/yr)</li>"
            for s in r.submissions.values()
        )
        parts.append(f"<ul>{items}</ul>")
    return "\n".join(parts)
