"""Demo data: the forum thread's Year 1 boy, a child with an EHC plan whose TA is redeployed, and a believable
school of about 30 children on the SEN register with a year of sessions. Dates are laid relative to the day
it is loaded, so the story ends today."""

from __future__ import annotations

import functools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from provision_ledger.accounts import twofactor
from provision_ledger.audit.actions import seal_record
from provision_ledger.delivery.actions import TIME_LOG_NOTE
from provision_ledger.delivery.bulk import SessionRow, SessionWriter
from provision_ledger.money.models import (
    Allocation,
    ChildFunding,
    ChildItem,
    ItemPrice,
    RateCard,
    StaffRate,
    TimeBlock,
)
from provision_ledger.outcomes import actions as outcome_actions
from provision_ledger.outcomes.models import Outcome
from provision_ledger.people.actions import give_role, move_child
from provision_ledger.people.models import (
    Child,
    Guardianship,
    LocalAuthority,
    Membership,
    NonTeachingDay,
    Role,
    School,
    SchoolTerm,
    StaffAssignment,
    User,
)
from provision_ledger.plans import actions as plan_actions
from provision_ledger.plans.models import Plan, ProvisionLine
from provision_ledger.rules.compliance import MissReason, SessionStatus
from provision_ledger.rules.costing import financial_year
from provision_ledger.rules.delivery import expected_by_day, terms_in_force
from provision_ledger.rules.legal_force import PlanKind
from provision_ledger.rules.money import TA_ANNUAL_COST, TA_RATE_SOURCE
from provision_ledger.rules.sessions import default_planned_minutes, entry_figures
from provision_ledger.rules.support_time import Activity, Block, session_from_blocks
from provision_ledger.services import actions as service_actions
from provision_ledger.services.models import Commission, Service, ServiceRole
from provision_ledger.trusts import actions as trust_actions
from provision_ledger.trusts.models import TrustRole

PASSWORD = "demo"
SIGN_INS = [
    ("senco@demo.test", "SENCO of Oakfield Primary School"),
    ("ta@demo.test", "Teaching assistant at Oakfield Primary School"),
    ("parent@demo.test", "Parent of Oliver Bennett, Year 1 (SEN Support)"),
    ("ehcp.parent@demo.test", "Parent of Maya Okafor, Year 5 (EHC plan)"),
    ("la@demo.test", "Officer of Demo Borough Council"),
    ("trust@demo.test", "SEND lead of Demo Learning Trust (Oakfield and Brookside)"),
    ("salt@demo.test", "NHS speech and language therapist at Oakfield and Brookside"),
    ("salt.manager@demo.test", "Manager of the NHS speech and language therapy service"),
    ("admin@demo.test", "Site administrator (Django admin at /admin/)"),
]


TermRow = tuple[str, date, date, date | None, date | None]


def _weekday_on_or_after(d: date, weekday: int = 0) -> date:
    while d.weekday() != weekday:
        d += timedelta(days=1)
    return d


def _weekday_on_or_before(d: date, weekday: int = 4) -> date:
    while d.weekday() != weekday:
        d -= timedelta(days=1)
    return d


def english_terms(year: int) -> list[TermRow]:
    """A typical English school year from September `year`: (name, start, end, half-term start, end)."""
    autumn_half = _weekday_on_or_before(date(year, 10, 31)) - timedelta(days=4)
    spring_half = _weekday_on_or_after(date(year + 1, 2, 13))
    last_may_monday = _weekday_on_or_before(date(year + 1, 5, 31), 0)
    return [
        (
            f"Autumn {year}",
            _weekday_on_or_after(date(year, 9, 1), 0) + timedelta(days=1),
            _weekday_on_or_before(date(year, 12, 19)),
            autumn_half,
            autumn_half + timedelta(days=4),
        ),
        (
            f"Spring {year + 1}",
            _weekday_on_or_after(date(year + 1, 1, 5)),
            _weekday_on_or_before(date(year + 1, 3, 27)),
            spring_half,
            spring_half + timedelta(days=4),
        ),
        (
            f"Summer {year + 1}",
            _weekday_on_or_after(date(year + 1, 4, 13)),
            _weekday_on_or_before(date(year + 1, 7, 22), 2),
            last_may_monday,
            last_may_monday + timedelta(days=4),
        ),
    ]


def add_terms(school: School, rows: list[TermRow]) -> None:
    """Give a school its terms: (name, start, end, half-term start, half-term end)."""
    SchoolTerm.objects.bulk_create(
        SchoolTerm(school=school, name=name, start=start, end=end, half_term_start=hs, half_term_end=he)
        for name, start, end, hs, he in rows
    )


def _make_school(la: LocalAuthority, urn: str, name: str, today: date) -> School:
    school = School.objects.create(urn=urn, name=name, local_authority=la)
    first = today.year - 2 if today.month < 9 else today.year - 1
    rows = [row for year in range(first, first + 3) for row in english_terms(year)]
    add_terms(school, rows)
    # Staff training on the first day of the autumn and spring terms.
    NonTeachingDay.objects.bulk_create(
        NonTeachingDay(school=school, date=start, kind=NonTeachingDay.Kind.INSET, note="Staff training")
        for name, start, *_ in rows
        if not name.startswith("Summer")
    )
    return school


@functools.cache
def _demo_password_hash() -> str:
    # Hashing is deliberately slow; every demo account has the same password, so hash it once.
    return make_password(PASSWORD)


def _user(email: str, first: str, last: str, **extra: object) -> User:
    return User.objects.create(email=email, password=_demo_password_hash(), first_name=first, last_name=last, **extra)


@dataclass(frozen=True)
class Pattern:
    """How a line's sessions went: the chance of each outcome, and whether misses were recorded at all."""

    delivered: float
    part: float = 0.0
    reasons: tuple[tuple[MissReason, float], ...] = (
        (MissReason.STAFF_REDEPLOYED, 0.35),
        (MissReason.STAFF_ABSENT, 0.2),
        (MissReason.CHILD_ABSENT, 0.3),
        (MissReason.CHILD_DECLINED, 0.05),
        (MissReason.SCHOOL_CLOSURE, 0.05),
        (MissReason.OTHER, 0.05),
    )
    recorded_misses: float = 0.8


def _due_days(line: ProvisionLine, calendar, start: date, end: date) -> Iterator[date]:  # type: ignore[no-untyped-def]
    """Days a session falls due: where the running total of expected sessions passes a whole number."""
    running = Fraction(0)
    for day, expected in sorted(expected_by_day(line.terms_history(), calendar, start, end).items()):
        before = running
        running += expected.sessions
        for _ in range(int(running) - int(before)):
            yield day


class _Sessions:
    """Collects sessions and their audit events for one bulk write."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.sessions: list[SessionRow] = []
        self.names: dict[int, str] = {}

    def add(
        self,
        line: ProvisionLine,
        day: date,
        status: SessionStatus,
        planned: int | None,
        delivered: int,
        reason: MissReason | None,
        by: User,
        note: str = "",
    ) -> None:
        child = line.plan.child
        at = timezone.make_aware(datetime.combine(day, time(15, 30 + self.rng.randint(0, 25))))
        terms = terms_in_force(line.terms_history(), day)
        assert terms is not None, f"{line} is not in force on {day}"
        # The one rule of what an entry means, as every other way of recording a session uses it.
        figures = entry_figures(
            terms,
            status,
            school_day_minutes=child.school.school_day_minutes,
            planned=planned,
            delivered=delivered,
            reason=reason.value if reason else "",
        )
        self.sessions.append(
            (child.local_authority_id, child.pk, line.pk, day, status.value, figures.planned_minutes,
             figures.delivered_minutes, reason.value if reason else "", note, by.pk if delivered else None, by.pk, at)
        )  # fmt: skip
        self.names[line.pk] = str(line)

    def follow(self, line: ProvisionLine, calendar, start: date, end: date, pattern: Pattern, by: User) -> None:  # type: ignore[no-untyped-def]
        for day in _due_days(line, calendar, start, end):
            terms = terms_in_force(line.terms_history(), day)
            assert terms is not None
            planned = default_planned_minutes(terms)
            roll = self.rng.random()
            if roll < pattern.delivered:
                self.add(line, day, SessionStatus.DELIVERED, planned, planned, None, by)
                continue
            reason = self.rng.choices([r for r, _ in pattern.reasons], [w for _, w in pattern.reasons])[0]
            if roll < pattern.delivered + pattern.part:
                cut = self.rng.choice([Fraction(1, 4), Fraction(1, 2), Fraction(3, 4)])
                self.add(line, day, SessionStatus.PART_DELIVERED, planned, int(planned * cut), reason, by)
            elif self.rng.random() < pattern.recorded_misses:
                self.add(line, day, SessionStatus.NOT_DELIVERED, planned, 0, reason, by)

    def save(self) -> None:
        writer = SessionWriter(line_names=self.names)
        writer.write(self.sessions)
        writer.finish()


FIRST_NAMES = [
    "Amelia",
    "Harry",
    "Isla",
    "Noah",
    "Ava",
    "George",
    "Ivy",
    "Arthur",
    "Freya",
    "Muhammad",
    "Lily",
    "Leo",
    "Sophia",
    "Jack",
    "Grace",
    "Oscar",
    "Evie",
    "Theo",
    "Poppy",
    "Alfie",
    "Aisha",
    "Finley",
    "Zara",
    "Jacob",
    "Ruby",
    "Ethan",
    "Hannah",
    "Kai",
]
LAST_NAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Khan",
    "Wood",
    "Clarke",
    "Hughes",
    "Edwards",
    "Turner",
    "Ali",
    "Cooper",
    "Hill",
    "Ward",
]
# (need, description, category, delivered by, qualification, group size, sessions, period, minutes)
LINE_TEMPLATES = {
    "SLCN": [
        ("Talk Boost language group", "communication", "ta", "Trained in Talk Boost", 4, 3, "week", 30),
        ("Speech and language therapy", "communication", "salt", "HCPC-registered SALT", 1, 6, "term", 45),
    ],
    "SPLD": [
        ("Precision teaching for reading", "cognition", "ta", "", 1, 3, "week", 15),
        (
            "Specialist teaching for dyslexia",
            "cognition",
            "specialist_teacher",
            "Level 7 SpLD",
            1,
            1,
            "week",
            60,
        ),
    ],
    "ASD": [
        ("Social communication group (LEGO-based therapy)", "communication", "ta", "", 3, 1, "week", 45),
        ("Sensory circuit", "sensory_physical", "ta", "Trained by the OT", 1, 1, "day", 15),
    ],
    "SEMH": [
        ("ELSA sessions", "semh", "ta", "ELSA-trained teaching assistant", 1, 1, "week", 30),
        ("Nurture group", "semh", "teacher", "", 6, 2, "week", 60),
    ],
    "MLD": [
        ("Numicon maths intervention", "cognition", "ta", "", 3, 3, "week", 20),
        ("Pre-teaching of topic vocabulary", "cognition", "ta", "", 2, 2, "week", 20),
    ],
    "PD": [
        (
            "Physiotherapy programme",
            "sensory_physical",
            "ta",
            "Trained by the physiotherapist",
            1,
            2,
            "week",
            20,
        ),
        ("Fine motor skills group", "sensory_physical", "ta", "", 4, 3, "week", 15),
    ],
    "HI": [
        ("Pre-teaching of vocabulary", "communication", "ta", "", 1, 2, "week", 20),
        (
            "Teacher of the Deaf visit",
            "sensory_physical",
            "specialist_teacher",
            "Qualified Teacher of the Deaf",
            1,
            3,
            "term",
            60,
        ),
    ],
}
NEEDS = ["SLCN", "SLCN", "SPLD", "ASD", "ASD", "SEMH", "SEMH", "MLD", "PD", "HI"]


def _line(
    plan: Plan,
    by: User,
    start: date,
    description: str,
    category: str,
    delivered_by: str,
    qualification: str,
    group_size: int,
    sessions: int,
    period: str,
    minutes: int,
    **extra: object,
) -> ProvisionLine:
    line = plan_actions.add_line(
        plan=plan,
        by=by,
        description=description,
        category=category,
        delivered_by=delivered_by,
        qualification=qualification,
        group_size=group_size,
        sessions=sessions,
        period=period,
        minutes_per_session=minutes,
        weekly_minutes=extra.get("weekly_minutes"),
        weekdays=extra.get("weekdays", []),
        time_of_day=None,
        start_date=start,
        end_date=None,
        outcome=str(extra.get("outcome", "")),
        funder=str(extra.get("funder", "school")),
    )
    # Keep the versions on the line, so laying out a year of sessions does not ask for them each day.
    prefetch_related_objects([line], "versions")
    return line


@transaction.atomic
def load_demo(today: date, seed: int = 2013) -> None:
    """Load the demo into an empty database."""
    rng = random.Random(seed)
    la = LocalAuthority.objects.create(code="990", name="Demo Borough Council")
    school = _make_school(la, "990001", "Oakfield Primary School", today)
    other = _make_school(la, "990002", "Brookside Church of England Primary School", today)
    calendar = school.calendar()

    admin = _user("admin@demo.test", "Site", "Administrator", is_staff=True, is_superuser=True)
    senco = _user("senco@demo.test", "Helen", "Marsh")
    give_role(Membership(user=senco, role=Role.SENCO, school=school), by=admin)
    ta = _user("ta@demo.test", "Priya", "Shah")
    give_role(Membership(user=ta, role=Role.STAFF, school=school), by=admin)
    officer = _user("la@demo.test", "Tom", "Reeves")
    give_role(Membership(user=officer, role=Role.LA_OFFICER, local_authority=la), by=admin)
    other_senco = _user("senco@brookside.demo.test", "Ruth", "Okoro")
    give_role(Membership(user=other_senco, role=Role.SENCO, school=other), by=admin)
    for member_of_staff in (senco, ta, officer, other_senco, admin):
        twofactor.give_demo_device(member_of_staff)
    sessions = _Sessions(rng)

    # (a) The thread's boy: Year 1, nearly six, SEN Support with an IEP. The plan was shown in October and the
    # father found out in June: eight months, laid so that the story ends today.
    oliver = Child.objects.create(
        school=school,
        first_name="Oliver",
        last_name="Bennett",
        year_group="1",
        date_of_birth=today - timedelta(days=5 * 365 + 330),
        primary_need="SLCN",
        secondary_need="PD",
        sen_status="K",
        upn="A990001000001",
    )
    dad = _user("parent@demo.test", "Daniel", "Bennett")
    Guardianship.objects.create(user=dad, child=oliver, relationship="Father")
    StaffAssignment.objects.create(user=ta, child=oliver)
    plan_start = today - timedelta(days=245)
    plan = plan_actions.create_plan(
        child=oliver,
        by=senco,
        kind=PlanKind.SEN_SUPPORT.value,
        start_date=plan_start,
        review_due=today + timedelta(days=21),
        status=Plan.Status.ACTIVE,
    )
    narrative = _line(
        plan,
        senco,
        plan_start,
        "Narrative Therapy (continued from Reception)",
        "communication",
        "ta",
        "Trained in Narrative Therapy",
        4,
        1,
        "week",
        30,
        outcome="Oliver retells a short story in order using who, where, when and what happened",
    )
    motor = _line(
        plan,
        senco,
        plan_start,
        "Motor Skills programme",
        "sensory_physical",
        "ta",
        "",
        1,
        2,
        "week",
        30,
        outcome="Oliver uses scissors and forms letters correctly",
    )
    sessions.follow(narrative, calendar, plan_start, today, Pattern(delivered=0.88, recorded_misses=1.0), ta)
    motor_days = list(_due_days(motor, calendar, plan_start, today))
    sessions.add(motor, motor_days[2], SessionStatus.DELIVERED, 30, 30, None, ta)
    for day in motor_days[3:7]:
        sessions.add(
            motor,
            day,
            SessionStatus.NOT_DELIVERED,
            30,
            0,
            MissReason.STAFF_REDEPLOYED,
            ta,
            note="Covering Year 2 while their TA is off",
        )
    # After those few entries nothing more was recorded: the gap the father found.

    # (b) An EHC plan for 20 hours a week of 1:1 support, the TA often redeployed to groups and cover.
    maya = Child.objects.create(
        school=school,
        first_name="Maya",
        last_name="Okafor",
        year_group="5",
        date_of_birth=today - timedelta(days=9 * 365 + 200),
        primary_need="ASD",
        secondary_need="SLCN",
        sen_status="E",
        upn="A990001000002",
    )
    mum = _user("ehcp.parent@demo.test", "Grace", "Okafor")
    Guardianship.objects.create(user=mum, child=maya, relationship="Mother")
    StaffAssignment.objects.create(user=ta, child=maya)
    ehcp_start = today - timedelta(days=300)
    ehcp = plan_actions.create_plan(
        child=maya,
        by=senco,
        kind=PlanKind.EHC_PLAN.value,
        start_date=ehcp_start,
        review_due=ehcp_start + timedelta(days=365),
        status=Plan.Status.ACTIVE,
    )
    support = _line(
        ehcp,
        senco,
        ehcp_start,
        "1:1 teaching assistant support in class",
        "communication",
        "ta",
        "Trained in autism awareness (Level 2)",
        1,
        1,
        "day",
        240,
        weekly_minutes=1200,
        funder="la",
        outcome="Maya takes part in whole-class learning with an adult to help her regulate",
    )
    salt = _line(
        ehcp,
        senco,
        ehcp_start,
        "Speech and language therapy",
        "communication",
        "salt",
        "HCPC-registered speech and language therapist",
        1,
        1,
        "week",
        30,
        funder="la",
        outcome="Maya uses a visual timetable to plan and talk about her day",
    )
    redeployed = Pattern(
        delivered=0.55,
        part=0.3,
        recorded_misses=1.0,
        reasons=(
            (MissReason.STAFF_REDEPLOYED, 0.7),
            (MissReason.STAFF_ABSENT, 0.1),
            (MissReason.CHILD_ABSENT, 0.2),
        ),
    )
    sessions.follow(support, calendar, ehcp_start, today, redeployed, ta)
    sessions.follow(salt, calendar, ehcp_start, today, Pattern(delivered=0.8), senco)
    _support_time(maya, ta, calendar, ehcp_start, today, rng, support, sessions)

    # (c) The rest of the SEN register: mostly SEN Support, a few EHC plans, a year of sessions.
    year_start = calendar.academic_year_bounds(today)[0] - timedelta(days=365)
    register: list[tuple[ProvisionLine, float]] = []
    for index in range(28):
        need = rng.choice(NEEDS)
        year = rng.randint(0, 6)
        ehc = index % 7 == 0
        child = Child.objects.create(
            school=school,
            first_name=FIRST_NAMES[index],
            last_name=LAST_NAMES[index],
            year_group="R" if year == 0 else str(year),
            date_of_birth=today - timedelta(days=(year + 5) * 365 - rng.randint(0, 360)),
            primary_need=need,
            secondary_need=rng.choice(["", "", "SEMH", "SPLD"]),
            sen_status="E" if ehc else "K",
        )
        if index < 4:
            StaffAssignment.objects.create(user=ta, child=child)
        start = max(year_start, today - timedelta(days=rng.randint(120, 420)))
        child_plan = plan_actions.create_plan(
            child=child,
            by=senco,
            kind=(PlanKind.EHC_PLAN if ehc else PlanKind.SEN_SUPPORT).value,
            start_date=start,
            review_due=start + timedelta(days=365 if ehc else 120),
            status=Plan.Status.ACTIVE,
        )
        pattern = Pattern(
            delivered=rng.choice([0.97, 0.93, 0.9, 0.85, 0.8, 0.7, 0.55]),
            part=0.03,
            recorded_misses=rng.choice([1.0, 0.9, 0.6]),
        )
        for template in LINE_TEMPLATES.get(need, LINE_TEMPLATES["MLD"]):
            line = _line(child_plan, senco, start, *template)
            sessions.follow(line, calendar, start, today, pattern, ta if index < 4 else senco)
        register.append((line, pattern.delivered))

    # A few children at the second school, so the authority sees more than one school. The last of them moves to
    # Oakfield a fortnight before today, bringing a plan Oakfield has not adopted yet.
    mover: Child | None = None
    for index in range(5):
        child = Child.objects.create(
            school=other,
            first_name=FIRST_NAMES[-index - 1],
            last_name=LAST_NAMES[index + 3],
            year_group="3",
            date_of_birth=today - timedelta(days=8 * 365),
            primary_need="SPLD",
            sen_status="K",
        )
        start = today - timedelta(days=150)
        child_plan = plan_actions.create_plan(
            child=child,
            by=other_senco,
            kind=PlanKind.SEN_SUPPORT.value,
            start_date=start,
            review_due=start + timedelta(days=120),
        )
        last_day = today if index < 4 else today - timedelta(days=21)
        for template in LINE_TEMPLATES["SPLD"]:
            line = _line(child_plan, other_senco, start, *template)
            sessions.follow(line, other.calendar(), start, last_day, Pattern(delivered=0.9), other_senco)
        mover = child
    _trust_and_service(today, school, other, other_senco, sessions, admin)
    _rate_cards(la, today)
    ChildFunding.objects.create(
        local_authority=la,
        child=maya,
        financial_year=financial_year(today),
        top_up=Decimal(7000),
        note="Illustrative demo figure",
    )
    _items(maya, senco, today)
    sessions.save()
    _outcomes(today, rng, senco, dad, (plan, narrative, motor), (ehcp, support, salt), register)
    assert mover is not None
    move_child(mover, school, _weekday_on_or_after(today - timedelta(days=14)), other_senco,
               "The family moved to the Oakfield side of town.", today=today)  # fmt: skip
    # The rates, funding, items and support time above are written directly; seal them as the upgrade would.
    seal_record(by=admin)


def _trust_and_service(
    today: date, school: School, other: School, other_senco: User, sessions: _Sessions, admin: User
) -> None:
    """Both schools in one academy trust, with its SEND lead; an NHS speech and language therapy service commissioned
    at both, whose therapist has every child with a therapy line on her caseload."""
    trust = trust_actions.create_trust(name="Demo Learning Trust", companies_house_number="09999999")
    for member in (school, other):
        trust_actions.add_school(trust=trust, school=member, joined_on=date(today.year - 4, 9, 1), by=admin)
    lead = _user("trust@demo.test", "Alison", "Grant")
    trust_actions.give_role(user=lead, trust=trust, role=TrustRole.Role.SEND_LEAD, by=admin)
    service = service_actions.create_service(
        name="Children’s Speech and Language Therapy",
        organisation="Demo Community Health NHS Trust",
        kind=Service.Kind.NHS,
    )
    therapist = _user("salt@demo.test", "Grace", "Adeyemi")
    manager = _user("salt.manager@demo.test", "Martin", "Doyle")
    service_actions.give_role(user=therapist, service=service, role=ServiceRole.Role.PRACTITIONER, by=admin)
    service_actions.give_role(user=manager, service=service, role=ServiceRole.Role.MANAGER, by=admin)
    for user in (lead, therapist, manager):
        twofactor.give_demo_device(user)
    start = today - timedelta(days=150)
    # A Brookside child with a therapy line too, so the therapist works in both schools.
    child = Child.objects.create(
        school=other,
        first_name="Isla",
        last_name="Morgan",
        year_group="2",
        date_of_birth=today - timedelta(days=7 * 365),
        primary_need="SLCN",
        sen_status="K",
    )
    plan = plan_actions.create_plan(
        child=child,
        by=other_senco,
        kind=PlanKind.SEN_SUPPORT.value,
        start_date=start,
        review_due=start + timedelta(days=120),
    )
    line = _line(plan, other_senco, start, "Speech and language therapy", "communication", "salt",
                 "HCPC-registered speech and language therapist", 1, 1, "week", 30)  # fmt: skip
    sessions.follow(line, other.calendar(), start, today, Pattern(delivered=0.85), therapist)
    for member, commissioner, name in (
        (school, Commission.Commissioner.AUTHORITY, "Demo Borough Council"),
        (other, Commission.Commissioner.HEALTH, "Demo Integrated Care Board"),
    ):
        service_actions.commission(
            service=service,
            school=member,
            commissioner=commissioner,
            commissioner_name=name,
            delivered_by="salt",
            start_date=date(today.year - 1, 9, 1),
            by=admin,
        )
    caseload = Child.objects.filter(
        school__in=[school, other], plans__lines__versions__delivered_by="salt", plans__status=Plan.Status.ACTIVE
    ).distinct()
    for on_caseload in caseload:
        service_actions.add_to_caseload(
            service=service, practitioner=therapist, child=on_caseload, start_date=start, by=manager
        )


# Demo Borough Council's own rates. Only the teaching assistant's has a source (rules/money.py), as the annual
# cost of an hour a week; the others are illustrative paid-hour figures, as an authority would set its own.
DEMO_RATES = {
    "hlta": (Decimal("19.50"), "Illustrative figure set by Demo Borough Council (demo data)"),
    "teacher": (Decimal("48.00"), "Illustrative figure set by Demo Borough Council (demo data)"),
    "specialist_teacher": (Decimal("55.00"), "Illustrative figure set by Demo Borough Council (demo data)"),
    "salt": (Decimal("60.00"), "Illustrative figure set by Demo Borough Council (demo data)"),
}


def _rate_cards(la: LocalAuthority, today: date) -> None:
    this_year = financial_year(today)
    for year in (this_year - 1, this_year):
        card = RateCard.objects.create(local_authority=la, financial_year=year)
        StaffRate.objects.create(card=card, role="ta", annual_cost=TA_ANNUAL_COST, source=TA_RATE_SOURCE)
        StaffRate.objects.bulk_create(
            StaffRate(card=card, role=role, pounds_per_hour=value, source=source)
            for role, (value, source) in DEMO_RATES.items()
        )
        ItemPrice.objects.bulk_create(
            ItemPrice(card=card, name=name, pounds=pounds, source="Illustrative price (demo data)")
            for name, pounds in DEMO_ITEMS
        )


DEMO_ITEMS = [("Writing slope", Decimal("24.99")), ("Visual timetable kit", Decimal("45.00"))]


def _items(child: Child, by: User, today: date) -> None:
    """Maya's writing slope, recorded by the SENCO at the card's price."""
    card_item = ItemPrice.objects.get(card__financial_year=financial_year(today), name="Writing slope")
    ChildItem.objects.create(
        local_authority_id=child.local_authority_id,
        child=child,
        financial_year=financial_year(today),
        name=card_item.name,
        unit_pounds=card_item.pounds,
        recorded_by=by,
    )


# Maya's TA's usual day with her: 4 hours, 20 a week.
MAYA_TIMETABLE = [[day, start, end] for day in range(5) for start, end in (("09:00", "12:00"), ("13:00", "14:00"))]


def _support_time(  # type: ignore[no-untyped-def]
    child: Child,
    ta: User,
    calendar,
    start: date,
    today: date,
    rng: random.Random,
    line: ProvisionLine,
    sessions: _Sessions,
) -> None:
    """A term of Priya's logged time for Maya: the allocation's hours, often spent elsewhere.

    Each logged day is also the day's session of Maya's in-class support, derived from the blocks by the rule the
    time log uses, so the statement and the support-time page tell one story."""
    allocation = Allocation.objects.create(
        local_authority_id=child.local_authority_id,
        child=child,
        staff=ta,
        role="ta",
        weekly_minutes=1200,
        timetable=MAYA_TIMETABLE,
        start_date=start,
    )
    started = [t for t in calendar.terms if t.start <= today]
    term_start = max(max(started, key=lambda t: t.start).start, start) if started else start
    redeployments = [Activity.OTHER_CHILDREN, Activity.CLASS_COVER, Activity.GROUP, Activity.OTHER_CHILDREN]
    blocks = []
    for day in calendar.school_days(term_start, today):
        # 09:00–10:30 with Maya; 10:30–12:00 often taken for another group or cover; 13:00–13:30 often
        # photocopying; 13:30–14:00 with Maya or her records and the home–school diary.
        morning = Activity.WITH_CHILD if rng.random() < 0.45 else rng.choice(redeployments)
        after_lunch = Activity.ADMIN if rng.random() < 0.5 else Activity.WITH_CHILD
        last = Activity.RECORDS if rng.random() < 0.3 else Activity.WITH_CHILD
        for begin, end, activity in (
            (time(9), time(10, 30), Activity.WITH_CHILD),
            (time(10, 30), time(12), morning),
            (time(13), time(13, 30), after_lunch),
            (time(13, 30), time(14), last),
        ):
            minutes = (end.hour * 60 + end.minute) - (begin.hour * 60 + begin.minute)
            blocks.append(
                TimeBlock(
                    local_authority_id=child.local_authority_id,
                    allocation=allocation,
                    date=day,
                    start=begin,
                    end=end,
                    activity=activity.value,
                    minutes=minutes,
                    recorded_by=ta,
                    recorded_at=timezone.make_aware(datetime.combine(day, time(15, 45))),
                )
            )
    TimeBlock.objects.bulk_create(blocks, batch_size=2000)
    logged: dict[date, list[Block]] = {}
    for b in blocks:
        logged.setdefault(b.date, []).append(Block(b.start, b.end, Activity(b.activity)))
    sessions.sessions = [s for s in sessions.sessions if not (s[2] == line.pk and s[3] in logged)]
    for day, day_blocks in logged.items():
        terms = terms_in_force(line.terms_history(), day)
        if terms is None:
            continue
        figures = session_from_blocks(day_blocks, default_planned_minutes(terms))
        sessions.add(line, day, figures.status, None, figures.delivered_minutes, figures.reason, ta, TIME_LOG_NOTE)


def database_is_empty() -> bool:
    return not (User.objects.exists() or School.objects.exists())


def _monthly(start: date, today: date) -> list[date]:
    """About one day a month from a month after start up to today, on weekdays."""
    days, day = [], _weekday_on_or_before(start + timedelta(days=30), 3)
    while day <= today:
        days.append(day)
        day = _weekday_on_or_before(day + timedelta(days=30), 3)
    return days


def _outcomes(
    today: date,
    rng: random.Random,
    senco: User,
    dad: User,
    oliver: tuple[Plan, ProvisionLine, ProvisionLine],
    maya: tuple[Plan, ProvisionLine, ProvisionLine],
    register: list[tuple[ProvisionLine, float]],
) -> None:
    """Outcomes and a year of progress: Maya's visual timetable holds only with 1:1 support; Oliver's scissors
    stalled when the Motor Skills sessions stopped; the register's children give the school its dose-response figures.
    """
    D = Decimal

    def progress(outcome: Outcome, day: date, value: int, support: str, note: str) -> None:
        outcome_actions.record_progress(
            outcome=outcome, by=senco, date=day, value=D(value), support=support, note=note, today=today
        )

    plan, narrative, motor = oliver
    story = outcome_actions.create_outcome(
        plan=plan,
        by=senco,
        description="Oliver retells a short story in order using who, where, when and what happened",
        measure="steps",
        scale_low=D(0),
        scale_high=D(6),
        baseline=D(1),
        baseline_date=plan.start_date,
        target=D(5),
        target_date=plan.review_due + timedelta(days=120),
        lines=[narrative],
    )
    for i, day in enumerate(_monthly(plan.start_date, today)):
        progress(story, day, min(1 + (i + 1) // 2, 4), "independent" if i % 3 else "prompts", "Story sequencing cards")
    outcome_actions.add_home_observation(
        outcome=story,
        by=dad,
        date=today - timedelta(days=12),
        note="Told me about his day in order at teatime: assembly, lunch, then the park.",
        today=today,
    )
    scissors = outcome_actions.create_outcome(
        plan=plan,
        by=senco,
        description="Oliver cuts along a straight line with scissors",
        measure="milestone",
        baseline_date=plan.start_date,
        target_date=plan.review_due,
        lines=[motor],
    )
    for day in _monthly(plan.start_date, today)[:2]:
        progress(scissors, day, 0, "prompts", "Cut a short way with hand-over-hand help, then stopped")

    ehcp, support, salt = maya
    timetable = outcome_actions.create_outcome(
        plan=ehcp,
        by=senco,
        description="Maya plans her day with a visual timetable",
        measure="steps",
        scale_low=D(0),
        scale_high=D(8),
        baseline=D(2),
        baseline_date=ehcp.start_date,
        target=D(7),
        target_date=ehcp.review_due,
        lines=[support, salt],
    )
    for i, day in enumerate(_monthly(ehcp.start_date, today)):
        # With her TA beside her she climbs the steps; on her own she stays at step 3.
        progress(timetable, day, min(2 + (i + 1) // 3, 3), "independent", "Tried it alone at the start of the day")
        progress(timetable, day, min(3 + i // 2, 7), "one_to_one", "With her TA pointing to each picture")
    joining = outcome_actions.create_outcome(
        plan=ehcp,
        by=senco,
        description="Maya stays with whole-class learning for 20 minutes",
        measure="score",
        scale_low=D(0),
        scale_high=D(60),
        unit="minutes",
        baseline=D(5),
        baseline_date=ehcp.start_date,
        target=D(20),
        target_date=ehcp.review_due,
        lines=[support],
    )
    for i, day in enumerate(_monthly(ehcp.start_date, today)):
        how = "prompts" if i < 3 else "independent"
        progress(joining, day, min(5 + 2 * i, 20), how, "Timed in the literacy lesson")
    outcome_actions.create_review(plan=ehcp, by=senco, meeting_date=ehcp.review_due, period_start=ehcp.start_date)

    # The register: one outcome each, served by a line; children whose provision is delivered more move further.
    for line, delivered in register:
        child_plan = line.plan
        outcome = outcome_actions.create_outcome(
            plan=child_plan,
            by=senco,
            description=f"{child_plan.child.first_name} moves up the school's assessment levels in the target area",
            measure="level",
            scale_low=D(0),
            scale_high=D(10),
            baseline=D(1),
            baseline_date=child_plan.start_date,
            target=D(6),
            target_date=child_plan.review_due,
            lines=[line],
        )
        level = 1
        for day in _monthly(child_plan.start_date, today)[1::2]:
            level = min(level + (1 if rng.random() < delivered else 0), 10)
            progress(outcome, day, level, rng.choice(["independent", "independent", "prompts"]), "Termly assessment")
