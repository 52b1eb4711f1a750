"""A parent's private iCalendar feed: each child's timetabled sessions for the coming weeks, and review dates."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from provision_ledger.nextsteps.advice import arrivals_from_another_authority, clocks_for, untagged
from provision_ledger.nextsteps.models import Letter, StatutoryEvent
from provision_ledger.people.models import Child
from provision_ledger.plans.models import Plan
from provision_ledger.plans.queries import live_lines
from provision_ledger.rules.clocks import Clock, Party
from provision_ledger.rules.delivery import terms_in_force

WEEKS_AHEAD = 8


def feed_for(children: list[Child], today: date) -> bytes:
    """The feed of a parent's own children (`core.access.calendar_children`): every event a feed carries is built
    here, so a new kind of date is added in this one function and reaches every family's feed."""
    calendar = Calendar()
    calendar.add("prodid", "-//Provision Ledger//provision-ledger//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Provision Ledger")
    stamp = timezone.now()
    plans = Plan.objects.filter(child__in=children, status=Plan.Status.ACTIVE).select_related("child__school")
    for plan in plans:
        child = plan.child
        review = Event()
        review.add("uid", f"review-{plan.pk}@provision-ledger")
        review.add("dtstamp", stamp)
        review.add("summary", f"{child.first_name}: plan review due")
        review.add("dtstart", plan.review_due)
        calendar.add_component(review)
        school_calendar = child.school.calendar()
        end = today + timedelta(weeks=WEEKS_AHEAD)
        for line in live_lines([plan]):
            history = line.terms_history()
            for day in school_calendar.school_days(today, end):
                terms = terms_in_force(history, day)
                # Only timetabled lines have a day fixed in advance; the rest are "so many a week".
                if terms is None or not terms.weekdays or day.weekday() not in terms.weekdays:
                    continue
                event = Event()
                event.add("uid", f"line-{line.pk}-{day.isoformat()}@provision-ledger")
                event.add("dtstamp", stamp)
                event.add("summary", f"{child.first_name}: {line}")
                version = line.current_version
                if version and version.time_of_day:
                    start = timezone.make_aware(datetime.combine(day, version.time_of_day))
                    event.add("dtstart", start)
                    event.add("dtend", start + timedelta(minutes=terms.minutes_per_session))
                else:
                    event.add("dtstart", day)
                event.add("description", version.promise if version else "")
                calendar.add_component(event)
    _add_clocks(calendar, children, stamp)
    return calendar.to_ical()


def _summary(clock: Clock) -> str:
    """The parent's own dates (an appeal, comments on a draft) by name; the authority's as "... due"; a reply the
    parent asked for as what it is, never as a deadline."""
    if not clock.statutory:
        return "the reply you asked the local authority for"
    return clock.name if clock.party is Party.PARENT else f"{clock.name} due"


def _add_clocks(calendar: Calendar, children: list[Child], stamp: datetime) -> None:
    """Each statutory deadline still to be met, as an all-day event citing its source."""
    # The plan in force is the latest started (as on the child's page), so it is read last.
    plans = {
        p.child_id: p
        for p in Plan.objects.filter(child__in=children, status=Plan.Status.ACTIVE).order_by("start_date", "id")
    }
    letters = Letter.objects.filter(child__in=children).order_by("sent_on", "id")
    events = StatutoryEvent.objects.filter(child__in=children).order_by("date", "id")
    # A plan that moved with the child to another authority has the reg 15 clocks, as on the child's page.
    arrivals = arrivals_from_another_authority(children)
    for child in children:
        child_letters = [x for x in letters if x.child_id == child.pk]
        child_events = [e for e in events if e.child_id == child.pk]
        for clock in clocks_for(child, plans.get(child.pk), child_letters, child_events, arrivals.get(child.pk)):
            if clock.due is None or clock.met_on is not None:
                continue
            event = Event()
            event.add("uid", f"clock-{child.pk}-{clock.kind}-{clock.limit.isoformat()}@provision-ledger")
            event.add("dtstamp", stamp)
            event.add("summary", f"{child.first_name}: {_summary(clock)}")
            event.add("dtstart", clock.due)
            event.add("description", f"{clock.measures} Source: {untagged(clock.source)}.")
            calendar.add_component(event)
