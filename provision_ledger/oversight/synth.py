"""A synthetic local authority: believable schools, children, plans, lines and a school year of sessions.

Deterministic by seed: the same seed and size give the same authority, row for row. Nothing here is anybody's real
record. The mix of EHC plans and SEN Support is the national one (domain-england.md §6: 482,640 pupils with EHC plans
and 1,284,284 on SEN Support, January 2025). §6 says only which need is most common for each (autism for EHC plans,
SLCN for SEN Support); the rest of the need weights below are illustrative, in that order, not official figures.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction

from provision_ledger.core.demo import english_terms
from provision_ledger.delivery.bulk import SessionRow, SessionWriter
from provision_ledger.nextsteps.models import StatutoryEvent
from provision_ledger.parents.models import Concern, ConcernMessage
from provision_ledger.people.models import (
    Child,
    Guardianship,
    LocalAuthority,
    Membership,
    Role,
    School,
    SchoolTerm,
    User,
)
from provision_ledger.plans.expected import LineToLay, write_expected
from provision_ledger.plans.models import LineVersion, Plan, ProvisionLine
from provision_ledger.rules.calendar import SchoolCalendar, Term
from provision_ledger.rules.compliance import SessionStatus
from provision_ledger.rules.delivery import LineTerms, Period
from provision_ledger.rules.legal_force import PlanKind
from provision_ledger.rules.sessions import EntryFigures, default_planned_minutes, entry_figures

EHC_PUPILS, SEN_SUPPORT_PUPILS = 482_640, 1_284_284  # domain-england.md §6 [D2][D1]
EHC_SHARE = EHC_PUPILS / (EHC_PUPILS + SEN_SUPPORT_PUPILS)
CHILDREN_PER_SCHOOL = 55

EHC_NEEDS = {"ASD": 33, "SLCN": 21, "SEMH": 14, "SLD": 8, "MLD": 7, "PD": 4, "SPLD": 3, "PMLD": 3, "HI": 2, "VI": 1,
             "MSI": 1, "OTH": 3}  # fmt: skip
SUPPORT_NEEDS = {"SLCN": 25, "SEMH": 20, "MLD": 17, "SPLD": 13, "ASD": 9, "OTH": 5, "NSA": 4, "PD": 2, "HI": 2,
                 "VI": 1, "SLD": 1, "MSI": 1}  # fmt: skip
CATEGORY_OF_NEED = {
    "ASD": "communication", "SLCN": "communication", "SEMH": "semh", "MLD": "cognition", "SPLD": "cognition",
    "SLD": "cognition", "PMLD": "cognition", "HI": "sensory_physical", "VI": "sensory_physical",
    "MSI": "sensory_physical", "PD": "sensory_physical", "OTH": "cognition", "NSA": "cognition",
}  # fmt: skip
PROVISION = {
    "communication": [("Speech and language programme", "ta"), ("Social communication group", "ta"),
                      ("Speech and language therapy", "salt"), ("Attention Autism session", "hlta")],
    "cognition": [("Precision teaching", "ta"), ("Phonics catch-up", "ta"), ("Maths intervention", "hlta"),
                  ("Specialist teaching", "specialist_teacher")],
    "semh": [("ELSA session", "ta"), ("Nurture group", "hlta"), ("Check-in with key adult", "ta"),
             ("Lego therapy", "ta")],
    "sensory_physical": [("Motor Skills programme", "ta"), ("Occupational therapy programme", "ot"),
                         ("Physiotherapy exercises", "ta"), ("Handwriting programme", "ta")],
}  # fmt: skip
# Misses the provider causes, and their share among them (the forum thread: TAs redeployed to cover, sickness).
PROVIDER_MISSES = [("staff_redeployed", 45), ("staff_absent", 35), ("other", 12), ("school_closure", 8)]
FIRST = [
    "Oliver",
    "Amelia",
    "Noah",
    "Isla",
    "Muhammad",
    "Ava",
    "George",
    "Olivia",
    "Leo",
    "Lily",
    "Arthur",
    "Freya",
    "Harry",
    "Ivy",
    "Oscar",
    "Florence",
    "Archie",
    "Aisha",
    "Henry",
    "Maya",
    "Theo",
    "Zara",
    "Jack",
    "Grace",
]
LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Khan",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Ahmed",
    "Clarke",
]
PLACES = ["Ashford", "Bramley", "Carlton", "Denby", "Elmswell", "Farnham", "Greystone", "Hadley", "Ingham", "Kelsall",
          "Langley", "Marston", "Newbold", "Oakley", "Preston", "Quarry Bank", "Redhill", "Stanton", "Thornbury",
          "Upton", "Westwood", "Yardley"]  # fmt: skip


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class SynthReport:
    schools: int = 0
    children: int = 0
    ehc_plans: int = 0
    lines: int = 0
    sessions: int = 0
    expected_rows: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _SchoolPlan:
    school: School
    senco_id: int
    calendar: SchoolCalendar
    quality: float  # share of provider-caused sessions that take place
    days_by_weekday: dict[int, list[date]]
    all_days: list[date]


def academic_year_before(today: date) -> int:
    """The last school year that has ended: 2025 (2025/26) on any day from September 2026 to August 2027."""
    return today.year - 1 if today.month >= 9 else today.year - 2


def _schools(la: LocalAuthority, count: int, year: int, rng: random.Random, password: str) -> list[_SchoolPlan]:
    rows = [row for y in (year, year + 1) for row in english_terms(y)]
    names = set()
    schools = []
    for i in range(count):
        phase = "Primary School" if i % 5 else "Academy"
        name = f"{PLACES[i % len(PLACES)]} {phase}" + (f" {i // len(PLACES) + 1}" if i >= len(PLACES) else "")
        names.add(name)
        schools.append(School(urn=f"{la.code}{i + 1:03d}", name=name, local_authority=la))
    School.objects.bulk_create(schools)
    SchoolTerm.objects.bulk_create(
        SchoolTerm(school=s, name=n, start=a, end=b, half_term_start=hs, half_term_end=he)
        for s in schools
        for n, a, b, hs, he in rows
    )
    sencos = User.objects.bulk_create(
        User(email=f"senco{s.urn}@synth.test", first_name="SENCO", last_name=s.name, password=password) for s in schools
    )
    Membership.objects.bulk_create(
        Membership(user=u, role=Role.SENCO, school=s) for u, s in zip(sencos, schools, strict=True)
    )
    calendar = SchoolCalendar(
        terms=tuple(Term(name=n, start=a, end=b, half_term_start=hs, half_term_end=he) for n, a, b, hs, he in rows),
        inset_days=frozenset(),
        closures=frozenset(),
    )
    days = calendar.school_days(date(year, 9, 1), date(year + 1, 8, 31))
    by_weekday = {wd: [d for d in days if d.weekday() == wd] for wd in range(5)}
    return [
        # Most schools deliver most of what they promise; a few deliver far less.
        _SchoolPlan(s, u.pk, calendar, min(0.995, max(0.55, rng.gauss(0.9, 0.08))), by_weekday, days)
        for s, u in zip(schools, sencos, strict=True)
    ]


def _line_terms(rng: random.Random, start: date, ehc: bool, first: bool) -> tuple[dict[str, object], LineTerms]:
    """A timetabled line (or, for the first line of an EHC plan, daily in-class support)."""
    if ehc and first:
        weekly = rng.choice([300, 450, 600, 750, 900, 1200])
        terms = LineTerms(sessions=5, period=Period.WEEK, minutes_per_session=weekly // 5, start=start, end=None,
                          weekly_minutes=weekly)  # fmt: skip
        return {"weekdays": [], "weekly_minutes": weekly, "group_size": 1}, terms
    count = rng.choice([2, 3, 3, 4, 5])
    weekdays = sorted(rng.sample(range(5), count))
    minutes = rng.choice([20, 30, 30, 45, 60])
    terms = LineTerms(
        sessions=count,
        period=Period.WEEK,
        minutes_per_session=minutes,
        start=start,
        end=None,
        weekdays=frozenset(weekdays),
    )
    return {"weekdays": weekdays, "weekly_minutes": None, "group_size": rng.choice([1, 1, 1, 3, 4, 6])}, terms


@functools.lru_cache(maxsize=4096)
def _figures(terms: LineTerms, status: str, school_day: int, planned: int, delivered: int, reason: str) -> EntryFigures:
    """The one rule of what an entry means, as a page applies it; synthetic entries repeat, so each is worked once."""
    return entry_figures(
        terms, SessionStatus(status), school_day_minutes=school_day, planned=planned, delivered=delivered, reason=reason
    )


def _sessions_for(
    rng: random.Random, sp: _SchoolPlan, la_id: int, child_id: int, line_id: int, terms: LineTerms, attendance: float
) -> Iterator[SessionRow]:
    days = sp.all_days if terms.weekly_minutes else [d for wd in sorted(terms.weekdays) for d in sp.days_by_weekday[wd]]
    planned = default_planned_minutes(terms)
    school_day = sp.school.school_day_minutes
    # A spell of redeployment: the line's adult is taken for cover for a run of weeks, once in a while.
    spell_start = rng.choice(sp.all_days) if rng.random() < 0.25 else None
    spell_end = spell_start + timedelta(weeks=rng.choice([1, 2, 3])) if spell_start else None
    for d in sorted(days):
        if d < terms.start:
            continue
        roll = rng.random()
        if roll < 0.01:
            continue  # nobody recorded it
        if roll > attendance:
            status, delivered, reason = "not_delivered", 0, "child_absent"
        else:
            seasonal = 1.5 if d.month in (12, 7) else 1.0
            in_spell = spell_start is not None and spell_end is not None and spell_start <= d <= spell_end
            miss_chance = 0.8 if in_spell else (1 - sp.quality) * seasonal
            roll = rng.random()
            if roll < miss_chance:
                reason = "staff_redeployed" if in_spell else rng.choices(*zip(*PROVIDER_MISSES, strict=True))[0]
                status, delivered = "not_delivered", 0
            elif roll < miss_chance + 0.04 and planned >= 10:
                status, delivered, reason = "part_delivered", planned // 2, "staff_redeployed"
            else:
                status, delivered, reason = "delivered", planned, ""
        figures = _figures(terms, status, school_day, planned, delivered, reason)
        yield (la_id, child_id, line_id, d, status, figures.planned_minutes, figures.delivered_minutes, reason, "",
               None, sp.senco_id, datetime.combine(d, time(15, 30), tzinfo=UTC))  # fmt: skip


def synthesise(
    *,
    children: int,
    seed: int,
    year: int,
    la_code: str = "990",
    la_name: str = "Synthshire County Council",
    batch_children: int = 500,
    children_per_school: int = CHILDREN_PER_SCHOOL,
    password: str = "",
    progress: object = None,
) -> SynthReport:
    """Write a whole synthetic authority; one transaction per batch of children."""
    import time as clock

    began = clock.monotonic()
    rng = random.Random(seed)
    report = SynthReport()
    hashed = make_password(password) if password else make_password(None)
    with transaction.atomic():
        la = LocalAuthority.objects.create(code=la_code, name=la_name)
        officer = User.objects.create(email=f"officer{la_code}@synth.test", first_name="Local authority",
                                      last_name="officer", password=hashed)  # fmt: skip
        Membership.objects.create(user=officer, role=Role.LA_OFFICER, local_authority=la)
        schools = _schools(la, max(1, round(children / children_per_school)), year, rng, hashed)
    report.schools = len(schools)
    year_start = date(year, 9, 1)
    calendars = {sp.school.pk: sp.calendar for sp in schools}
    today = date(year + 1, 9, 1)
    done = 0
    while done < children:
        size = min(batch_children, children - done)
        with transaction.atomic():
            _batch(rng, la, schools, calendars, done, size, year_start, today, report)
        done += size
        if callable(progress):
            progress(done, children)
    report.children = children
    report.seconds = clock.monotonic() - began
    return report


def _batch(
    rng: random.Random,
    la: LocalAuthority,
    schools: list[_SchoolPlan],
    calendars: dict[int, SchoolCalendar],
    offset: int,
    size: int,
    year_start: date,
    today: date,
    report: SynthReport,
) -> None:
    rows = []
    for i in range(offset, offset + size):
        sp = schools[i % len(schools)]
        ehc = rng.random() < EHC_SHARE
        need = _pick(rng, EHC_NEEDS if ehc else SUPPORT_NEEDS)
        secondary = sp.school.name.endswith("Academy") or " Academy " in sp.school.name
        year_group = rng.randint(7, 11) if secondary else rng.randint(1, 6)
        born = date(year_start.year - 5 - year_group, rng.randint(9, 12), rng.randint(1, 28))
        rows.append(
            (sp, ehc, Child(
                local_authority=la, school=sp.school, first_name=rng.choice(FIRST), last_name=rng.choice(LAST),
                date_of_birth=born, year_group=str(year_group), upn=f"S{la.code}{i + 1:08d}A", primary_need=need,
                sen_status="E" if ehc else "K",
            ))
        )  # fmt: skip
    Child.objects.bulk_create([c for _, _, c in rows])
    plans = []
    for sp, ehc, child in rows:
        start = year_start - timedelta(days=rng.randint(0, 900 if ehc else 300))
        plans.append(
            Plan(
                local_authority=la,
                child=child,
                kind=PlanKind.EHC_PLAN.value if ehc else PlanKind.SEN_SUPPORT.value,
                start_date=start,
                review_due=start + timedelta(days=365),
                status=Plan.Status.ACTIVE,
                created_by_id=sp.senco_id,
            )
        )
    Plan.objects.bulk_create(plans)
    report.ehc_plans += sum(1 for _, ehc, _ in rows if ehc)
    # Annual reviews held in the last year for most plans old enough to need one; the rest are overdue.
    StatutoryEvent.objects.bulk_create(
        StatutoryEvent(
            local_authority=la,
            child=child,
            kind=StatutoryEvent.Kind.REVIEW_MEETING,
            date=today - timedelta(days=rng.randint(20, 330)),
            recorded_by_id=sp.senco_id,
        )
        for (sp, ehc, child), plan in zip(rows, plans, strict=True)
        if ehc and rng.random() < 0.88
    )
    lines: list[ProvisionLine] = []
    versions: list[LineVersion] = []
    meta: list[tuple[_SchoolPlan, Child, LineTerms]] = []
    for (sp, ehc, child), plan in zip(rows, plans, strict=True):
        areas = [CATEGORY_OF_NEED[child.primary_need]]
        count = rng.randint(4, 6) if ehc else rng.randint(2, 4)
        for n in range(count):
            category = areas[0] if n < 2 else rng.choice(list(PROVISION))
            description, who = rng.choice(PROVISION[category])
            extra, terms = _line_terms(rng, year_start, ehc, n == 0)
            if extra["weekly_minutes"]:
                description, who = "In-class support", "ta"
            line = ProvisionLine(
                local_authority=la, plan=plan, created_by_id=sp.senco_id, ref=f"L{la.code}-{len(meta)}"
            )
            lines.append(line)
            versions.append(
                LineVersion(
                    line=line, effective_from=year_start, description=description, category=category, delivered_by=who,
                    sessions=terms.sessions, period=terms.period.value, minutes_per_session=terms.minutes_per_session,
                    start_date=year_start, created_by_id=sp.senco_id, funder="la" if ehc and n == 0 else "school",
                    **extra,
                )
            )  # fmt: skip
            meta.append((sp, child, terms))
    ProvisionLine.objects.bulk_create(lines)
    for line in lines:
        line.ref = f"L{la.code}-{line.pk}"
    ProvisionLine.objects.bulk_update(lines, ["ref"])
    for version in versions:
        version.line_id = version.line.pk
    LineVersion.objects.bulk_create(versions)
    report.lines += len(lines)
    report.expected_rows += write_expected(
        (
            LineToLay(line.pk, la.pk, sp.school.pk, ((year_start, terms),), (version.pk,))
            for line, version, (sp, _, terms) in zip(lines, versions, meta, strict=True)
        ),
        calendars,
        replace=False,
    )
    attendance = {child.pk: min(0.995, max(0.8, rng.gauss(0.95, 0.03))) for _, _, child in rows}
    # The benchmark's data, not anybody's record: the one bulk writer, without an audit event per session.
    sessions = SessionWriter(events=False)
    batch: list[SessionRow] = []
    for line, (sp, child, terms) in zip(lines, meta, strict=True):
        batch.extend(_sessions_for(rng, sp, la.pk, child.pk, line.pk, terms, attendance[child.pk]))
        if len(batch) >= 20_000:
            sessions.write(batch)
            batch = []
    sessions.write(batch)
    report.sessions += sessions.finish()
    _concerns(rng, la, rows, lines)


def _concerns(rng: random.Random, la: LocalAuthority, rows: list, lines: list[ProvisionLine]) -> None:
    """A parent's concern about a line for about one child in forty, most of them still awaiting the school."""
    chosen = [(sp, child) for sp, _, child in rows if rng.random() < 0.025]
    if not chosen:
        return
    parents = User.objects.bulk_create(
        User(email=f"parent{child.upn.lower()}@synth.test", first_name="Parent", last_name=child.last_name)
        for _, child in chosen
    )
    Guardianship.objects.bulk_create(Guardianship(user=p, child=c) for p, (_, c) in zip(parents, chosen, strict=True))
    line_of: dict[int, ProvisionLine] = {}
    for line in lines:
        line_of.setdefault(line.plan.child_id, line)
    concerns = Concern.objects.bulk_create(
        Concern(
            local_authority=la,
            child=child,
            line=line_of.get(child.pk),
            subject="Sessions missed",
            status=Concern.Status.AWAITING_SCHOOL if rng.random() < 0.7 else Concern.Status.ANSWERED,
            raised_by=parent,
        )
        for parent, (_, child) in zip(parents, chosen, strict=True)
    )
    ConcernMessage.objects.bulk_create(
        ConcernMessage(concern=c, author=p, from_school=False, body="Were the sessions this week delivered?")
        for c, p in zip(concerns, parents, strict=True)
    )
