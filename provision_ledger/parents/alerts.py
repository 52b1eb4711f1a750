"""Telling parents when provision is missed or falls behind, and SENCOs what needs their attention each week.

Run by `provision-ledger send-alerts` from cron (say, every hour). Finding and sending are separate:
an alert is found once (its key is unique per person), and it is claimed before it is sent, so running
the job twice, or two at once, never sends the same email twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from provision_ledger.delivery.models import Session
from provision_ledger.delivery.queries import line_reports
from provision_ledger.nextsteps.advice import arrivals_from_another_authority, clocks_for
from provision_ledger.nextsteps.models import Letter, StatutoryEvent
from provision_ledger.parents.models import Alert, AlertChoice, AlertPreference, Concern, DigestSent
from provision_ledger.people.models import Child, Guardianship, Membership, Role, School, User
from provision_ledger.plans.models import Plan
from provision_ledger.plans.queries import live_lines
from provision_ledger.rules.clocks import ClockKind, Party, long_date, time_left
from provision_ledger.rules.compliance import SessionStatus, Status
from provision_ledger.rules.reporting import duration, reporting_windows, whole
from provision_ledger.statements import school_overview

# Only recent misses are news: a parent joining mid-year is not sent the whole year's history.
LOOKBACK = timedelta(days=14)


@dataclass(frozen=True)
class RunReport:
    found: int
    emails: int


def _preferences() -> dict[int, str]:
    return dict(AlertPreference.objects.values_list("user_id", "frequency"))


def find_alerts(today: date) -> int:
    """Record what each parent should hear about; return how many new alerts were found."""
    preferences = _preferences()
    guardians: dict[int, list[int]] = defaultdict(list)  # child id -> parent user ids
    for user_id, child_id in Guardianship.objects.values_list("user_id", "child_id"):
        if preferences.get(user_id, AlertChoice.IMMEDIATE) != AlertChoice.OFF:
            guardians[child_id].append(user_id)
    if not guardians:
        return 0
    alerts: list[Alert] = []
    children = Child.objects.filter(pk__in=guardians).select_related("school")
    for school in School.objects.filter(children__in=children).distinct():
        school_children = [c for c in children if c.school_id == school.pk]
        alerts += _missed_session_alerts(school, school_children, guardians, today)
        alerts += _behind_alerts(school, school_children, guardians, today)
    alerts += _deadline_alerts(list(children), guardians, today)
    before = Alert.objects.count()
    Alert.objects.bulk_create(alerts, ignore_conflicts=True)  # a key seen before is not news
    return Alert.objects.count() - before


def _missed_session_alerts(
    school: School, children: list[Child], guardians: dict[int, list[int]], today: date
) -> list[Alert]:
    owed = [reason.value for reason in school.make_up_policy.owed_reasons]
    misses = (
        Session.objects.current()
        .filter(child__in=children, date__gte=today - LOOKBACK, date__lte=today, reason__in=owed)
        .exclude(status=SessionStatus.DELIVERED.value)
        .select_related("child")
        .prefetch_related("line__versions")
    )
    alerts = []
    for s in misses:
        what = "was not delivered" if s.status == SessionStatus.NOT_DELIVERED else "was cut short"
        message = (
            f"{s.line} for {s.child.first_name} {what} on {s.date:%A %-d %B}: {s.get_reason_display().lower()}. "
            f"{duration(s.missed_minutes).capitalize()} missed, which the school still owes."
        )
        alerts += [
            Alert(user_id=u, child=s.child, kind=Alert.Kind.MISSED, key=f"missed:{s.pk}", message=message)
            for u in guardians[s.child_id]
        ]
    return alerts


def _behind_alerts(school: School, children: list[Child], guardians: dict[int, list[int]], today: date) -> list[Alert]:
    calendar = school.calendar()
    term = next((w for w in reporting_windows(calendar, today) if w.key == "term"), None)
    if term is None:
        return []
    lines = list(live_lines(Plan.objects.filter(child__in=children, status=Plan.Status.ACTIVE)).select_related("plan"))
    by_child = {c.pk: c for c in children}
    alerts = []
    for report in line_reports(lines, school, calendar, [term]):
        a = report.assessments[term.key]
        if a.status not in (Status.AT_RISK, Status.BREACH):
            continue
        child = by_child[report.line.plan.child_id]
        message = (
            f"{report.line} for {child.first_name} is {a.status.label.lower()} this term: "
            f"{a.delivered_sessions} of {whole(a.expected.sessions)} sessions delivered ({a.percent}%)."
            + (f" {duration(a.owed_minutes).capitalize()} owed." if a.owed_minutes else "")
        )
        # Once per line, status and term: a line that stays behind is not news every hour.
        key = f"behind:{report.line.pk}:{a.status.value}:{term.start.isoformat()}"
        alerts += [
            Alert(user_id=u, child=child, kind=Alert.Kind.BELOW_THRESHOLD, key=key, message=message)
            for u in guardians[child.pk]
        ]
    return alerts


# A parent hears of a date to act by (an appeal, comments on a draft plan) 2 weeks and 1 week before it.
DEADLINE_WARNINGS = (14, 7)


def _deadline_alerts(children: list[Child], guardians: dict[int, list[int]], today: date) -> list[Alert]:
    """ "2 weeks left to appeal": the parent's own dates, once at each warning, in four queries for all children."""
    # The plan in force is the latest started (as on the child's page), so it is read last.
    plans = {
        p.child_id: p
        for p in Plan.objects.filter(child__in=children, status=Plan.Status.ACTIVE).order_by("start_date", "id")
    }
    letters: dict[int, list[Letter]] = defaultdict(list)
    events: dict[int, list[StatutoryEvent]] = defaultdict(list)
    for letter in Letter.objects.filter(child__in=children).order_by("sent_on", "id"):
        letters[letter.child_id].append(letter)
    for event in StatutoryEvent.objects.filter(child__in=children).order_by("date", "id"):
        events[event.child_id].append(event)
    alerts = []
    arrivals = arrivals_from_another_authority([c for c in children if c.pk in events])
    for child in children:
        if child.pk not in events:
            continue  # only recorded decisions start a parent's clock
        for clock in clocks_for(
            child, plans.get(child.pk), letters[child.pk], events[child.pk], arrivals.get(child.pk), today
        ):
            if clock.party is not Party.PARENT or clock.met_on is not None or clock.due is None:
                continue
            left = (clock.due - today).days
            warning = next((w for w in sorted(DEADLINE_WARNINGS) if 0 <= left <= w), None)
            if warning is None:
                continue
            what = "to appeal" if clock.kind is ClockKind.TRIBUNAL_APPEAL else "to act"
            message = (
                f"{time_left(left)} {what} for {child.first_name}: {clock.name}, by {long_date(clock.due)}. "
                f"{clock.measures} Free, independent help: your local SENDIASS or IPSEA."
            )
            key = f"deadline:{child.pk}:{clock.kind}:{clock.due.isoformat()}:{warning}"
            alerts += [
                Alert(user_id=u, child=child, kind=Alert.Kind.DEADLINE, key=key, message=message)
                for u in guardians[child.pk]
            ]
    return alerts


def _claim(alert_ids: list[int]) -> list[Alert]:
    """Mark alerts sent before sending, so a second run cannot send them again."""
    now = timezone.now()
    claimed = []
    for alert in Alert.objects.filter(pk__in=alert_ids, sent_at__isnull=True).select_related("child"):
        if Alert.objects.filter(pk=alert.pk, sent_at__isnull=True).update(sent_at=now):
            claimed.append(alert)
    return claimed


def _email(user: User, subject: str, lines: list[str]) -> None:
    body = "\n\n".join(
        [
            f"Dear {user.get_full_name() or user.email},",
            *lines,
            "Sign in to Provision Ledger to see the whole record, raise a concern or change these emails.",
            "Provision Ledger records what was promised and what was delivered. It does not give legal advice.",
        ]
    )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def send_alerts(today: date, digest_weekday: int = 0) -> int:
    """Send what is due: each immediate alert on its own, and on the digest day the weekly emails."""
    preferences = _preferences()
    emails = 0
    pending = defaultdict(list)
    for alert_id, user_id in Alert.objects.filter(sent_at__isnull=True).values_list("id", "user_id"):
        pending[user_id].append(alert_id)
    users = User.objects.in_bulk(list(pending))
    monday = today - timedelta(days=today.weekday())
    for user_id, alert_ids in pending.items():
        frequency = preferences.get(user_id, AlertChoice.IMMEDIATE)
        if frequency == AlertChoice.IMMEDIATE:
            for alert in _claim(alert_ids):
                _email(users[user_id], f"Provision Ledger: {alert.child.first_name}", [alert.message])
                emails += 1
        elif (
            frequency == AlertChoice.WEEKLY
            and today.weekday() == digest_weekday
            and _claim_digest(users[user_id], "parent", monday)
        ):
            claimed = _claim(alert_ids)
            if claimed:
                _email(users[user_id], "Provision Ledger: this week", [a.message for a in claimed])
                emails += 1
    if today.weekday() == digest_weekday:
        emails += _senco_digests(today, monday)
    return emails


def _claim_digest(user: User, kind: str, monday: date) -> bool:
    try:
        with transaction.atomic():
            DigestSent.objects.create(user=user, kind=kind, week=monday)
    except IntegrityError:
        return False
    return True


def _senco_digests(today: date, monday: date) -> int:
    emails = 0
    for membership in Membership.objects.filter(role=Role.SENCO).select_related("user", "school"):
        if not _claim_digest(membership.user, "school", monday):
            continue
        school = membership.school
        assert school is not None
        summaries = school_overview(school, Child.objects.filter(school=school), today)
        breach = [s for s in summaries if s.worst_status is Status.BREACH]
        at_risk = [s for s in summaries if s.worst_status is Status.AT_RISK]
        open_concerns = Concern.objects.filter(child__school=school, status=Concern.Status.AWAITING_SCHOOL).count()
        lines = [
            f"This week at {school.name}: {len(breach)} of {len(summaries)} children have provision in breach "
            f"and {len(at_risk)} more are at risk this school year.",
            *[f"- {s.child.full_name}: {s.percent}% delivered, {duration(s.owed_minutes)} owed" for s in breach],
            f"Concerns waiting for an answer: {open_concerns}.",
        ]
        _email(membership.user, f"Provision Ledger: {school.name} this week", lines)
        emails += 1
    return emails


def run(today: date | None = None) -> RunReport:
    today = today or timezone.localdate()
    found = find_alerts(today)
    return RunReport(found=found, emails=send_alerts(today))
