from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from provision_ledger.core import access
from provision_ledger.core.access import Permission
from provision_ledger.delivery import actions
from provision_ledger.delivery.actions import SessionEntry
from provision_ledger.delivery.forms import CorrectSessionForm, SessionForm
from provision_ledger.delivery.models import Session
from provision_ledger.delivery.queries import line_reports, line_window
from provision_ledger.delivery.register import register_for
from provision_ledger.kit.forms import VoidForm, show_refusal
from provision_ledger.kit.params import recent_day
from provision_ledger.people.queries import calendar_of
from provision_ledger.rules.compliance import MissReason, SessionStatus


def line_detail(request: HttpRequest, line_id: int) -> HttpResponse:
    """Every entry ever made against a line, void ones included, and every version of its terms."""
    user = access.signed_in(request)
    line = access.get_line(user, line_id, reading="a provision line and its sessions")
    child = line.plan.child
    sessions = list(
        Session.objects.filter(line=line).select_related("recorded_by", "voided_by").order_by("-date", "-id")
    )
    # A child who moved school: each session says the school it was delivered at.
    stays = list(child.enrolments.select_related("school").order_by("started_on", "pk"))
    if len(stays) > 1:
        for session in sessions:
            at = [stay for stay in stays if stay.started_on <= session.date] or stays[:1]
            session.delivered_at = at[-1].school.name  # type: ignore[attr-defined]
    # What the line promised so far against what was recorded, with what nobody recorded (never hidden).
    so_far = None
    if line.voided_at is None:
        window = line_window(line, min(timezone.localdate(), line.plan.end_date or date.max))
        [report] = line_reports([line], child.school, calendar_of(child, stays), [window])
        so_far = (window, report.assessments[window.key])
    return render(
        request,
        "delivery/line_detail.html",
        {
            "line": line,
            "child": child,
            "sessions": sessions,
            "versions": line.versions_in_order,
            "several_schools": len(stays) > 1,
            "so_far": so_far,
            "can_manage": access.allows(user, child, Permission.MANAGE),
            "can_log": access.allows_line(user, line, Permission.LOG),
            "can_raise": access.allows(user, child, Permission.RAISE),
        },
    )


def _entry(line, data: dict) -> SessionEntry:  # type: ignore[no-untyped-def]
    return SessionEntry(
        line=line,
        date=data["date"],
        status=SessionStatus(data["status"]),
        delivered_minutes=data.get("delivered_minutes"),
        reason=data.get("reason") or "",
        note=data.get("note") or "",
        another_that_day=bool(data.get("another_that_day")),
        school_was_open=bool(data.get("school_was_open")),
    )


@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, line_id: int) -> HttpResponse:
    user = access.signed_in(request)
    line = access.get_line(user, line_id, Permission.LOG)
    form = SessionForm(request.POST or None, initial={"date": timezone.localdate(), "status": "delivered"})
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_session(_entry(line, form.cleaned_data), by=user)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Session recorded.")
            return redirect("line-detail", line_id=line.pk)
    return render(
        request,
        "delivery/session_form.html",
        {"form": form, "line": line, "child": line.plan.child, "title": "Record a session"},
    )


@require_http_methods(["GET", "POST"])
def session_void(request: HttpRequest, session_id: int) -> HttpResponse:
    user = access.signed_in(request)
    session = access.get_session(user, session_id, Permission.MANAGE)
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.void_session(session, by=user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return redirect("line-detail", line_id=session.line_id)
    return render(
        request,
        "core/void_form.html",
        {"form": form, "child": session.child, "title": f"Void the entry: {session}"},
    )


@require_http_methods(["GET", "POST"])
def session_correct(request: HttpRequest, session_id: int) -> HttpResponse:
    user = access.signed_in(request)
    session = access.get_session(user, session_id, Permission.LOG)
    initial = {
        "date": session.date,
        "status": session.status,
        "delivered_minutes": session.delivered_minutes,
        "reason": session.reason,
        "note": session.note,
    }
    form = CorrectSessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.correct_session(
                session,
                _entry(session.line, form.cleaned_data),
                by=user,
                reason=form.cleaned_data["correction_reason"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Entry corrected. The old entry is kept, marked void.")
            return redirect("line-detail", line_id=session.line_id)
    return render(
        request,
        "delivery/session_form.html",
        {"form": form, "line": session.line, "child": session.child, "title": "Correct an entry"},
    )


def register(request: HttpRequest) -> HttpResponse:
    user = access.signed_in(request)
    day = recent_day(request)
    register_day = register_for(access.lines_for(user, Permission.LOG), day)
    today = timezone.localdate()
    return render(
        request,
        "delivery/register.html",
        {
            "day": day,
            "due": register_day.due,
            "recorded": register_day.recorded,
            "by_time_log": register_day.by_time_log,
            "is_school_day": register_day.is_school_day,
            # A practitioner's register spans schools: each row then says which.
            "several_schools": len({d.child.school_id for d in register_day.due + register_day.recorded}) > 1,
            "reasons": list(MissReason),
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1) if day < today else None,
            # A school's plan a child brought from the school they left promises nothing here until it is adopted.
            "proposals": access.proposals_for(user, Permission.LOG).filter(settled_at__isnull=True),
        },
    )


@require_POST
def register_record(request: HttpRequest) -> HttpResponse:
    """One click from the register: delivered as planned, or not delivered for a reason, or cut short."""
    user = access.signed_in(request)
    day = recent_day(request)
    line_ids = request.POST.getlist("line")
    status = request.POST.get("status", SessionStatus.DELIVERED.value)
    minutes = request.POST.get("delivered_minutes") or None
    entries = []
    try:
        due = {d.line.pk for d in register_for(access.lines_for(user, Permission.LOG), day).due}
        for line_id in line_ids:
            line = access.get_line(user, int(line_id), Permission.LOG)
            if line.pk not in due:
                # A replayed or stale register must not record more than the line promises: the line page can,
                # when the person says it is another session.
                raise ValidationError(f"{line} is not due on {day:%-d %B}: its sessions are already recorded.")
            entries.append(
                SessionEntry(
                    line=line,
                    date=day,
                    status=SessionStatus(status),
                    delivered_minutes=int(minutes) if minutes else None,
                    reason=request.POST.get("reason", ""),
                )
            )
        actions.record_sessions(entries, by=user)
    except (ValidationError, ValueError) as error:
        text = "; ".join(error.messages) if isinstance(error, ValidationError) else "That entry was not understood."
        messages.error(request, f"Nothing was recorded: {text}")
    else:
        count = len(entries)
        messages.success(request, f"{count} session{'s' if count != 1 else ''} recorded for {day:%-d %B}.")
    return redirect(f"{reverse('register')}?date={day.isoformat()}")
