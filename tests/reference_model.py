"""A plain, per-person reference implementation of the weekly step (docs/ODD.md sections 3 and 7).

Written for reading, not speed: every person and every pair is a Python loop iteration,
every neighbour set comes straight from the org's tie list, every formula is docs/ODD.md's.
`tests/test_reference.py` starts it from an optimised model's state, gives it the same
random numbers -- a copy of the model's exits generator, and the model's base keys of the
keyed program and hiring draws, which it asks for one person at a time through the same
keyed-draw function (`sim.model.keyed.keyed_uniforms`) -- steps both and checks that they
agree.

Only filled positions are updated here (a vacant position's old values mean nothing and
are overwritten on hiring), so comparisons look at filled positions.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
from scipy.special import betaincinv

from sim.model import keyed

GENERATIONS = ("Boomer", "Gen X", "Millennial", "Gen Z")


def generation_code(birth_year: int) -> int:
    """docs/ODD.md section 2: Boomer <= 1964, Gen X 1965-80, Millennial 1981-96, Gen Z >= 1997."""
    if birth_year <= 1964:
        return 0
    if birth_year <= 1980:
        return 1
    if birth_year <= 1996:
        return 2
    return 3


def uniform(key: int, *components: int) -> float:
    """One keyed uniform: the draw the key names, whatever else is drawn."""
    return float(keyed.keyed_uniforms(key, *components))


def beta_inverse(u: float, mean: float, sd: float) -> float:
    """The Beta(mean, sd) draw whose distribution function is u."""
    var = min(sd * sd, 0.99 * mean * (1 - mean))
    common = mean * (1 - mean) / var - 1
    return float(betaincinv(mean * common, (1 - mean) * common, u))


@dataclass
class Person:
    """One position's holder (or its stale values while vacant)."""

    filled: bool
    digital: float
    business: float
    business_initial: float
    engagement: float
    e0: float
    exposure: float
    openness: float
    birth_year: int
    generation: int
    tenure: int
    exit_risk: float
    person_id: int
    vacant_since: int
    listening: float  # L, a senior's stock of quality-weighted session hours as a mentee
    voice: float  # M, a junior's stock as a mentor
    occupant: int  # k: how many times the position has been filled (first occupant 0)


@dataclass
class Pair:
    """One mentoring pair."""

    mentor: int
    mentee: int
    intake: int
    sessions: int
    misses: int
    formed: int
    active: bool
    ended: int


@dataclass
class Reference:
    """Everything the reference step reads and writes."""

    scenario: object
    design: object
    first_week: int  # the week the first intake opens
    parent: list[int]
    level: list[int]
    department: list[int]
    senior: list[bool]
    neighbours: list[list[int]]  # org-tie neighbours (every tie kind), from the tie list
    informal: list[list[int]]  # neighbours by ties of the informal kind only
    people: list[Person]
    pairs: list[Pair]
    intakes: list[tuple[int, int, int | None]]  # (number, start week, end week or None)
    enrolled: list[int]
    recent_leavers: list[list[int]]  # leavers' positions, one list per recent week
    next_person_id: int
    exits_rng: np.random.Generator
    program_key: int
    hiring_key: int
    sessions_held: int = 0
    hours: float = 0.0
    pairs_formed: int = 0
    rows: list[dict[str, float]] = field(default_factory=list)

    @property
    def size(self) -> int:
        """Number of positions."""
        return len(self.people)


def from_model(model) -> Reference:
    """The reference's copy of an optimised model's state, its exits generator and keys."""
    org, p, prog = model.org, model.people, model.program
    n = org.size
    neighbours: list[set[int]] = [set() for _ in range(n)]
    informal: list[set[int]] = [set() for _ in range(n)]
    for (a, b), kind in zip(org.edges.tolist(), org.edge_kind.tolist(), strict=True):
        neighbours[a].add(b)
        neighbours[b].add(a)
        if kind == 2:  # "informal" in the org's TIE_KINDS
            informal[a].add(b)
            informal[b].add(a)
    people = [
        Person(
            filled=bool(p.filled[i]),
            digital=float(p.digital[i]),
            business=float(p.business[i]),
            business_initial=float(p.business_initial[i]),
            engagement=float(p.engagement[i]),
            e0=float(p.e0[i]),
            exposure=float(p.exposure[i]),
            openness=float(p.openness[i]),
            birth_year=int(p.birth_year[i]),
            generation=int(p.generation[i]),
            tenure=int(p.tenure[i]),
            exit_risk=float(p.exit_risk[i]),
            person_id=int(p.person_id[i]),
            vacant_since=int(p.vacant_since[i]),
            listening=float(p.listening[i]),
            voice=float(p.voice[i]),
            occupant=int(p.occupant[i]),
        )
        for i in range(n)
    ]
    pairs = [
        Pair(
            mentor=int(prog.pairs.mentor[r]),
            mentee=int(prog.pairs.mentee[r]),
            intake=int(prog.pairs.intake[r]),
            sessions=int(prog.pairs.sessions[r]),
            misses=int(prog.pairs.misses[r]),
            formed=int(prog.pairs.formed[r]),
            active=bool(prog.pairs.active[r]),
            ended=int(prog.pairs.ended[r]),
        )
        for r in range(prog.pairs.n)
    ]
    return Reference(
        scenario=model.config,
        design=model.design,
        first_week=model.config.launch_week + model.design.start_week + 1,
        parent=org.parent.tolist(),
        level=org.level.tolist(),
        department=org.department.tolist(),
        senior=org.is_senior.tolist(),
        neighbours=[sorted(s) for s in neighbours],
        informal=[sorted(s) for s in informal],
        people=people,
        pairs=pairs,
        intakes=[(i.number, i.start, i.end) for i in prog.intakes],
        enrolled=prog.enrolled.tolist(),
        recent_leavers=[list(map(int, w)) for w in model.recent_exits],
        next_person_id=int(p.next_person_id),
        exits_rng=copy.deepcopy(model.streams["exits"]),
        program_key=model.keys["program"],
        hiring_key=model.keys["hiring"],
        sessions_held=prog.sessions_held,
        hours=prog.hours,
        pairs_formed=prog.pairs_formed,
    )


# --- docs/ODD.md section 7, one paragraph at a time ------------------------------------------
def close_intakes(ref: Reference, week: int) -> None:
    """Program: an intake whose duration is over ends its pairs; its mentees leave it."""
    for number, _, end in ref.intakes:
        if end == week:
            for pair in ref.pairs:
                if pair.active and pair.intake == number:
                    pair.active, pair.ended = False, week
            ref.enrolled = [-1 if n == number else n for n in ref.enrolled]


def in_active_pair(ref: Reference, i: int) -> bool:
    """True if position i is a mentor or a mentee of an active pair."""
    return any(pair.active and i in (pair.mentor, pair.mentee) for pair in ref.pairs)


def mentor_pool(ref: Reference, size: int, week: int, purpose: int, intake: int) -> list[int]:
    """Up to `size` eligible juniors: the most digital, or weighted volunteers."""
    d, ppl = ref.design, ref.people
    eligible = [
        i
        for i, p in enumerate(ppl)
        if p.filled
        and not ref.senior[i]
        and p.tenure >= d.min_mentor_tenure_weeks
        and not in_active_pair(ref, i)
    ]
    if d.mentor_selection == "most_digital":
        return sorted(eligible, key=lambda i: (-ppl[i].digital, i))[:size]
    if not eligible:
        return []
    vp = ref.scenario.dynamics.volunteers

    def z_scores(values: list[float]) -> list[float]:
        mean = sum(values) / len(values)
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
        if sd <= 1e-12 * max(1.0, abs(mean)):  # identical values: no spread
            return [0.0] * len(values)
        return [(v - mean) / sd for v in values]

    z_e = z_scores([ppl[i].engagement for i in eligible])
    z_d = z_scores([ppl[i].digital for i in eligible])
    draw_key = {}
    for i, ze, zd in zip(eligible, z_e, z_d, strict=True):
        weight = math.exp(vp.s_eng * ze + vp.s_dig * zd)
        u = uniform(ref.program_key, week, purpose, intake, keyed.VOLUNTEER, i)
        # An exponential draw over the weight: the smallest keys are a weighted draw
        # without replacement.
        draw_key[i] = -math.log(u) / weight
    return sorted(eligible, key=lambda i: (draw_key[i], i))[:size]


def match(ref: Reference, mentees: list[int], pool: list[int], week: int, purpose: int, intake):
    """(mentor, mentee) pairs by the pairing rule: each mentee in turn takes the first allowed
    unused mentor; never the mentee's direct or skip-level report."""
    ppl, rule = ref.people, ref.design.pairing

    def shuffled(positions: list[int], slot: int) -> list[int]:
        u = {i: uniform(ref.program_key, week, purpose, intake, slot, i) for i in positions}
        return sorted(positions, key=lambda i: (u[i], i))

    if rule == "skill_gap":
        mentees = sorted(mentees, key=lambda i: (ppl[i].digital, i))
        pool = sorted(pool, key=lambda i: (-ppl[i].digital, i))
    else:
        mentees = shuffled(mentees, keyed.MENTEE_ORDER)
        pool = shuffled(pool, keyed.MENTOR_ORDER)
    if rule == "same_department":
        # Pairs are listed department by department (the fast path's order).
        mentees = sorted(mentees, key=lambda i: ref.department[i])

    def allowed(mentor: int, mentee: int) -> bool:
        manager = ref.parent[mentor]
        skip = ref.parent[manager] if manager >= 0 else -1
        if mentee in (manager, skip):
            return False
        if rule == "cross_department":
            return ref.department[mentor] != ref.department[mentee]
        if rule == "same_department":
            return ref.department[mentor] == ref.department[mentee]
        return True

    used: set[int] = set()
    pairs = []
    for s in mentees:
        for j in pool:
            if j not in used and allowed(j, s):
                used.add(j)
                pairs.append((j, s))
                break
    return pairs


def form_pairs(ref: Reference, mentees: list[int], intake: int, week: int, purpose: int) -> None:
    """Pair the mentees with mentors from the pool."""
    if not mentees:
        return
    pool = mentor_pool(ref, len(mentees), week, purpose, intake)
    for j, s in match(ref, mentees, pool, week, purpose, intake):
        ref.pairs.append(Pair(j, s, intake, 0, 0, week, True, -1))
        ref.pairs_formed += 1


def open_intake(ref: Reference, week: int) -> None:
    """Program: a new intake enrols a random coverage share of eligible seniors, pairs them."""
    d = ref.design
    if week < ref.first_week:
        return
    since = week - ref.first_week
    if not (since == 0 if d.intake_every_weeks is None else since % d.intake_every_weeks == 0):
        return
    number = len(ref.intakes)
    end = None if d.duration_weeks is None else week + d.duration_weeks
    ref.intakes.append((number, week, end))
    eligible = [
        i
        for i, p in enumerate(ref.people)
        if p.filled
        and ref.senior[i]
        and (d.mentee_levels is None or ref.level[i] in d.mentee_levels)
        and ref.enrolled[i] < 0
    ]
    n = math.floor(d.coverage * len(eligible) + 0.5)
    u = {i: uniform(ref.program_key, week, keyed.INTAKE, number, keyed.ENROL, i) for i in eligible}
    mentees = sorted(sorted(eligible, key=lambda i: (u[i], i))[:n])
    for i in mentees:
        ref.enrolled[i] = number
    form_pairs(ref, mentees, number, week, keyed.INTAKE)


def hold_sessions(ref: Reference, week: int) -> None:
    """Program: re-match waiting mentees; each scheduled pair meets with probability
    commitment x formality; effects of the sessions held."""
    d, sp = ref.design, ref.scenario.dynamics.sessions
    on = ref.scenario.dynamics.pathways
    due = [
        number
        for number, start, end in ref.intakes
        if week >= start and (end is None or week < end) and (week - start) % d.cadence_weeks == 0
    ]
    if d.rematch:
        for number in due:
            waiting = [
                i for i, n in enumerate(ref.enrolled) if n == number and not in_active_pair(ref, i)
            ]
            form_pairs(ref, waiting, number, week, keyed.REMATCH)
    scheduled = [pair for pair in ref.pairs if pair.active and pair.intake in due]
    attendance = d.commitment * (1.0 if d.formal else d.informal_factor)
    for pair in scheduled:
        if uniform(ref.program_key, week, keyed.ATTENDANCE, pair.mentee) >= attendance:
            pair.misses += 1
            if pair.misses >= d.max_missed:
                pair.active, pair.ended = False, week
            continue
        pair.sessions += 1
        pair.misses = 0
        k = pair.sessions
        trust = 1.0 - math.exp(-k / sp.trust_sessions)
        q = sp.base_quality * (1.0 + sp.focus_bonus * d.topic_focus) * trust
        if d.mentor_training:
            q *= sp.training_boost
        if not d.formal:
            q *= 1.0 - sp.power_distance
        q = min(1.0, q)
        junior, senior = ref.people[pair.mentor], ref.people[pair.mentee]
        # Each person is in one pair at most: updating pair by pair is simultaneous.
        rate = min(1.0, sp.tau * d.session_hours * q * senior.openness)
        new_senior_digital = senior.digital + rate * max(0.0, junior.digital - senior.digital)
        if d.two_way and on.growth:
            rate_b = min(1.0, sp.tau_b * d.session_hours * q)
            junior.business += rate_b * max(0.0, senior.business - junior.business)
        if on.learning:
            senior.digital = new_senior_digital
        senior.listening += q * d.session_hours
        junior.voice += q * d.session_hours
        if on.mentee_impulse:
            senior.engagement += sp.g_mentee * q * (1.0 - senior.engagement)
        ref.sessions_held += 1
        ref.hours += d.session_hours


def drift_knowledge(ref: Reference) -> None:
    """Forgetting toward exposure; seniors consolidate, lose the frontier, gain spillover."""
    kp = ref.scenario.dynamics.knowledge
    ppl = ref.people
    new = {}
    for i, person in enumerate(ppl):
        if not person.filled:
            continue
        d, x = person.digital, person.exposure
        new_d = d + kp.phi * (x - d)
        new_x = x
        if ref.senior[i]:
            gaps = [
                max(0.0, ppl[j].digital - d)
                for j in ref.neighbours[i]
                if ref.senior[j] and ppl[j].filled
            ]
            # The network ablation's switch takes the spillover out.
            if gaps and ref.scenario.dynamics.ablation.spillover:
                new_d += kp.sigma * sum(gaps) / len(gaps)
            new_x = x + kp.psi * max(0.0, d - x) - kp.frontier_drift * x / 52.0
        new[i] = (min(1.0, max(0.0, new_d)), min(1.0, max(0.0, new_x)))
    for i, (d, x) in new.items():
        ppl[i].digital, ppl[i].exposure = d, x


def nearest_filled_manager(ref: Reference, i: int) -> int:
    """The nearest filled position up the chain from i (-1 if none)."""
    m = ref.parent[i]
    while m >= 0 and not ref.people[m].filled:
        m = ref.parent[m]
    return m


def listening_signal(ref: Reference, j: int) -> float:
    """l of position j: L / (L + l_half)."""
    l_half = ref.scenario.dynamics.engagement.l_half
    return ref.people[j].listening / (ref.people[j].listening + l_half)


def climate(ref: Reference, i: int) -> float:
    """The chain and department terms of junior i's C, weighted (the network term apart)."""
    ep, ppl = ref.scenario.dynamics.engagement, ref.people
    weighted, weights = 0.0, 0.0
    m = ref.parent[i]
    for k in range(ep.chain_depth):  # the (k + 1)-th position above weighs chain_decay^k
        if m < 0:
            break
        if ppl[m].filled:
            weighted += ep.chain_decay**k * listening_signal(ref, m)
            weights += ep.chain_decay**k
        m = ref.parent[m]
    dept = [
        listening_signal(ref, j)
        for j, p in enumerate(ppl)
        if p.filled and ref.senior[j] and ref.department[j] == ref.department[i]
    ]
    chain_mean = weighted / weights if weights > 0 else 0.0
    dept_mean = sum(dept) / len(dept) if dept else 0.0
    return ep.w_chain * chain_mean + (1.0 - ep.w_chain - ep.w_net) * dept_mean


def network_climate(ref: Reference, i: int) -> float:
    """w_net x mean l over the filled seniors junior i has informal ties to (0 if none)."""
    ep = ref.scenario.dynamics.engagement
    felt = [
        listening_signal(ref, j) for j in ref.informal[i] if ref.senior[j] and ref.people[j].filled
    ]
    return ep.w_net * sum(felt) / len(felt) if felt else 0.0


def voice_signal(ref: Reference, j: int) -> float:
    """v of position j: M / (M + l_half)."""
    l_half = ref.scenario.dynamics.engagement.l_half
    return ref.people[j].voice / (ref.people[j].voice + l_half)


def peer_voice(ref: Reference, i: int) -> float:
    """v' - v of junior i: rho_v (1 - v) x mean v over its filled informal junior peers."""
    ep = ref.scenario.dynamics.engagement
    peers = [
        voice_signal(ref, j) for j in ref.informal[i] if not ref.senior[j] and ref.people[j].filled
    ]
    if not peers:
        return 0.0
    return ep.rho_v * (1.0 - voice_signal(ref, i)) * sum(peers) / len(peers)


def relax_engagement(ref: Reference) -> None:
    """Stocks decay; engagement relaxes toward the target (juniors: climate, gap, growth, voice)."""
    ep, ppl = ref.scenario.dynamics.engagement, ref.people
    on = ref.scenario.dynamics.pathways
    for person in ppl:
        person.listening *= math.exp(-1.0 / ep.h)
        person.voice *= math.exp(-1.0 / ep.h)
    new = {}
    for i, person in enumerate(ppl):
        if not person.filled:
            continue
        if ref.senior[i]:
            target = person.e0
        else:
            m = nearest_filled_manager(ref, i)
            d_manager = ppl[m].digital if m >= 0 else person.digital
            c = climate(ref, i) if on.listening else 0.0
            c += network_climate(ref, i) if on.network_climate else 0.0
            v = voice_signal(ref, i) if on.voice else 0.0
            v += peer_voice(ref, i) if on.peer_voice else 0.0
            target = (
                person.e0
                + ep.a_climate * c
                - ep.a_gap * max(0.0, person.digital - d_manager)
                + ep.a_growth * (person.business - person.business_initial)
                + ep.a_voice * v
            )
        target = min(1.0, max(0.0, target))
        new[i] = person.engagement + ep.kappa * (target - person.engagement)
    for i, e in new.items():
        ppl[i].engagement = e


def annual_exit_probability(ref: Reference, i: int) -> float:
    """A = min(cap, base[role] exp(beta_e (e_ref - e)) (1 + beta_c n_recent) new-hire)."""
    xp = ref.scenario.dynamics.exits
    person = ref.people[i]
    recent = sum(1 for week in ref.recent_leavers for j in week if j in ref.neighbours[i])
    if not ref.scenario.dynamics.ablation.contagion:
        recent = 0  # the network ablation: no neighbour feels an exit
    base = xp.base_senior if ref.senior[i] else xp.base_junior
    a = (
        base
        * math.exp(xp.beta_e * (xp.e_ref - person.engagement))
        * (1.0 + xp.beta_c * recent)
        * (xp.new_hire_factor if person.tenure < 52 else 1.0)
    )
    return min(xp.max_annual, a)


def exits(ref: Reference, week: int) -> list[tuple[int, int]]:
    """Exit draws, contagion, pairs ended, positions vacated; returns (position, generation)."""
    xp = ref.scenario.dynamics.exits
    ppl = ref.people
    draws = ref.exits_rng.random(ref.size)  # one per position, filled or not
    leavers = []
    for i, person in enumerate(ppl):
        if person.filled:
            a = annual_exit_probability(ref, i)
            weekly = 1.0 - (1.0 - a) ** (1.0 / 52.0)
            if draws[i] < weekly:
                leavers.append(i)
    gone = set(leavers)
    contagion = ref.scenario.dynamics.ablation.contagion
    for i, person in enumerate(ppl):
        if contagion and person.filled and i not in gone:
            hits = sum(1 for j in ref.neighbours[i] if j in gone)
            person.engagement = max(0.0, person.engagement - xp.c_e * hits)
    for pair in ref.pairs:
        if pair.active and (pair.mentor in gone or pair.mentee in gone):
            pair.active, pair.ended = False, week
    left = []
    for i in leavers:
        ref.enrolled[i] = -1
        ppl[i].filled = False
        ppl[i].vacant_since = week
        ppl[i].listening = ppl[i].voice = 0.0
        left.append((i, ppl[i].generation))
    return left


def hire(ref: Reference, week: int) -> None:
    """Vacancies open for time_to_fill weeks are filled; the k-th hire into position i draws
    its traits keyed by (i, k)."""
    wf = ref.scenario.workforce
    wait = ref.scenario.dynamics.hiring.time_to_fill
    year = (ref.scenario.start_date + dt.timedelta(weeks=week)).year
    for i, old in enumerate(ref.people):
        if old.filled or week - old.vacant_since < wait:
            continue
        k = old.occupant + 1
        senior = ref.senior[i]
        executive = senior and ref.level[i] < wf.executive_levels
        lo, hi = wf.executive_age if executive else wf.manager_age if senior else wf.junior_age
        # The draw of trait t is keyed by 4 x (k x 2^32 + i) + t.
        draw = [uniform(ref.hiring_key, 4 * (k * 2**32 + i) + t) for t in range(3)]
        age = lo + draw[keyed.HIRE_AGE] * (hi - lo)
        e0_mean = wf.senior_e0 if senior else wf.junior_e0
        digital = wf.hire_senior_digital if senior else wf.hire_junior_digital
        business = wf.hire_senior_business if senior else wf.hire_junior_business
        birth_year = year - math.floor(age)
        ref.people[i] = Person(
            filled=True,
            digital=digital,
            business=business,
            business_initial=business,
            engagement=wf.hire_engagement,
            e0=beta_inverse(draw[keyed.HIRE_E0], e0_mean, wf.sd),
            exposure=digital,
            openness=beta_inverse(draw[keyed.HIRE_OPENNESS], wf.openness, wf.sd),
            birth_year=birth_year,
            generation=generation_code(birth_year),
            tenure=0,
            exit_risk=0.0,
            person_id=ref.next_person_id,
            vacant_since=-1,
            listening=0.0,
            voice=0.0,
            occupant=k,
        )
        ref.next_person_id += 1


def end_week(ref: Reference, week: int, left: list[tuple[int, int]]) -> None:
    """Tenure + 1 week, the contagion window moves on, exit risk recomputed, week observed."""
    for person in ref.people:
        if person.filled:
            person.tenure += 1
    window = ref.scenario.dynamics.exits.contagion_window_weeks
    ref.recent_leavers = (ref.recent_leavers + [[i for i, _ in left]])[-window:]
    for i, person in enumerate(ref.people):
        person.exit_risk = annual_exit_probability(ref, i) if person.filled else 0.0
    ref.rows.append(observe(ref, week, left))


def step(ref: Reference, week: int) -> None:
    """One week, in docs/ODD.md section 3's order."""
    close_intakes(ref, week)
    open_intake(ref, week)
    hold_sessions(ref, week)
    drift_knowledge(ref)
    relax_engagement(ref)
    left = exits(ref, week)
    hire(ref, week)
    end_week(ref, week, left)


def warm_up(ref: Reference, weeks: int, draws: np.random.Generator) -> None:
    """Weeks 1 - weeks, ..., 0 with no program, unobserved (docs/ODD.md section 5).

    `draws` is the warm-up's exits generator (the model's "warmup" stream); the reference's
    own exits generator is left for the weeks after.
    """
    exits_rng, ref.exits_rng = ref.exits_rng, draws
    window = ref.scenario.dynamics.exits.contagion_window_weeks
    for week in range(1 - weeks, 1):
        drift_knowledge(ref)
        relax_engagement(ref)
        left = exits(ref, week)
        hire(ref, week)
        for person in ref.people:
            if person.filled:
                person.tenure += 1
        ref.recent_leavers = (ref.recent_leavers + [[i for i, _ in left]])[-window:]
    ref.exits_rng = exits_rng
    for i, person in enumerate(ref.people):
        person.exit_risk = annual_exit_probability(ref, i) if person.filled else 0.0


# --- docs/ODD.md section 7.6: some of the weekly row ---------------------------------------
def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def observe(ref: Reference, week: int, left: list[tuple[int, int]]) -> dict[str, float]:
    """The weekly numbers the reference checks, computed person by person."""
    ppl = ref.people
    threshold = ref.scenario.dynamics.engagement.engaged_threshold
    l_half = ref.scenario.dynamics.engagement.l_half
    row: dict[str, float] = {"week": week}
    for role, is_senior in (("junior", False), ("senior", True)):
        here = [p for i, p in enumerate(ppl) if p.filled and ref.senior[i] == is_senior]
        row[f"headcount_{role}"] = len(here)
        row[f"vacancies_{role}"] = sum(
            1 for i, p in enumerate(ppl) if not p.filled and ref.senior[i] == is_senior
        )
        row[f"exits_{role}"] = sum(1 for i, _ in left if ref.senior[i] == is_senior)
        row[f"engagement_{role}"] = _mean([p.engagement for p in here])
        row[f"engaged_share_{role}"] = _mean([float(p.engagement >= threshold) for p in here])
        row[f"exit_risk_{role}"] = _mean([p.exit_risk for p in here])
        row[f"digital_{role}"] = _mean([p.digital for p in here])
        row[f"business_{role}"] = _mean([p.business for p in here])
        if is_senior:
            row["listening_senior"] = _mean([p.listening / (p.listening + l_half) for p in here])
        else:
            row["voice_junior"] = _mean([p.voice / (p.voice + l_half) for p in here])
    for code, gen in enumerate(("boomer", "gen_x", "millennial", "gen_z")):
        here = [p for p in ppl if p.filled and p.generation == code]
        row[f"headcount_{gen}"] = len(here)
        row[f"exits_{gen}"] = sum(1 for _, g in left if g == code)
        row[f"engagement_{gen}"] = _mean([p.engagement for p in here])
        row[f"engaged_share_{gen}"] = _mean([float(p.engagement >= threshold) for p in here])
    for d in range(max(ref.department) + 1):
        row[f"exits_dept_{d}"] = sum(1 for i, _ in left if ref.department[i] == d)
    leadership = ref.scenario.observation.leadership_levels
    fluency = _mean(
        [p.digital for i, p in enumerate(ppl) if p.filled and ref.level[i] in leadership]
    )
    row["leadership_fluency"] = fluency
    row["knowledge_gap"] = row["digital_junior"] - fluency
    row["pairs_active"] = sum(1 for pair in ref.pairs if pair.active)
    running = {n for n, start, end in ref.intakes if week >= start and (end is None or week < end)}
    paired = {pair.mentee for pair in ref.pairs if pair.active}
    row["unpaired_mentees"] = sum(
        1 for i, n in enumerate(ref.enrolled) if n in running and i not in paired
    )
    row["pairs_formed"] = ref.pairs_formed
    row["sessions_held"] = ref.sessions_held
    row["program_hours"] = ref.hours
    return row
