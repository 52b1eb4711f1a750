"""A child moving school: the SENCO of the school they left records it; the new school adopts what they brought;
the school they left reads its own time with them."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from provision_ledger.core import access
from provision_ledger.core.access import Permission
from provision_ledger.kit.forms import VoidForm, show_refusal
from provision_ledger.people.actions import check_move, move_child, void_move, why_move_stays
from provision_ledger.people.forms import AdoptForm, MoveForm
from provision_ledger.plans.actions import adopt_proposal
from provision_ledger.rules.legal_force import PlanKind


@require_http_methods(["GET", "POST"])
def child_move(request: HttpRequest, child_id: int) -> HttpResponse:
    """The SENCO of the child's school records that they moved to another school: what they typed, then a page
    saying what will change, then the move. The school they move to is named by its URN."""
    user = access.signed_in(request)
    child = access.get_child(user, child_id, Permission.MANAGE)
    form = MoveForm(request.POST or None)
    confirming = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        to_school = access.school_by_urn(data["urn"])
        try:
            if to_school is None:
                raise ValidationError({"urn": f"No school with URN {data['urn']} keeps its record here."})
            fields = {"old_authority_aware_on": data["old_authority_aware_on"]}
            plan = check_move(child, to_school, data["moved_on"], data["reason"], **fields)
            if data["confirmed"]:
                left = child.school
                move_child(child, to_school, data["moved_on"], user, data["reason"], **fields)
                messages.success(request, f"{child.first_name} is recorded as a pupil of {to_school.name}.")
                return redirect("school-overview", urn=left.urn)
        except ValidationError as error:
            # The action names the destination `to_school`; on this form it is the URN typed.
            named = {("urn" if k == "to_school" else k): v for k, v in error.message_dict.items()}
            show_refusal(form, ValidationError(named))
        else:
            confirming = {
                "school": to_school,
                "plan": plan,
                "last_day": data["moved_on"] - timedelta(days=1),
                "other_authority": to_school.local_authority_id != child.local_authority_id,
                "statutory": plan is not None and plan.kind in (PlanKind.EHC_PLAN, PlanKind.STATEMENT),
            }
            form = MoveForm(initial={**data, "confirmed": True})
    return render(
        request,
        "people/child_move.html",
        {"child": child, "form": form, "confirming": confirming, "title": "Record a move to another school"},
    )


@require_http_methods(["GET", "POST"])
def move_void(request: HttpRequest, child_id: int) -> HttpResponse:
    """Undo a move recorded in error, by the SENCO of either school, before anything else is recorded."""
    user = access.signed_in(request)
    arrival, left = access.get_move_to_undo(user, child_id)
    child = arrival.child
    form = VoidForm(request.POST or None)
    form.fields["reason"].label = "Why was the move recorded in error?"
    if request.method == "POST" and form.is_valid():
        try:
            void_move(arrival, by=user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"{child.first_name} is recorded at {left.school.name} again.")
            ours = left.school if access.manages_school(user, left.school) else arrival.school
            return redirect("school-overview", urn=ours.urn)
    in_school_now = access.manages_school(user, arrival.school)
    return render(
        request,
        "people/move_void.html",
        {
            "child": child,
            "arrival": arrival,
            "left": left,
            "proposal": child.plan_proposals.filter(settled_at__isnull=True).select_related("plan").first(),
            "form": form,
            # Said before anything is typed: a move after which something was recorded stays.
            "stays": why_move_stays(arrival) if request.method == "GET" else None,
            "title": f"Undo the move to {arrival.school.name}",
            "back": reverse("child-detail", args=[child.pk])
            if in_school_now
            else reverse("child-earlier", args=[child.pk]),
        },
    )


@require_http_methods(["GET", "POST"])
def proposal_adopt(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """The new school's SENCO takes on the plan a child brought from the school they left."""
    user = access.signed_in(request)
    proposal = access.get_proposal(user, proposal_id, Permission.MANAGE)
    child = proposal.child
    initial = {"start_date": max(timezone.localdate(), proposal.proposed_on), "review_due": proposal.plan.review_due}
    form = AdoptForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            adopt_proposal(proposal=proposal, by=user, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"The {proposal.plan.kind_label} is now {child.first_name}'s plan here.")
            return redirect("child-detail", child_id=child.pk)
    lines = list(proposal.plan.lines.filter(voided_at__isnull=True).prefetch_related("versions"))
    return render(
        request,
        "people/proposal_adopt.html",
        {"child": child, "proposal": proposal, "lines": lines, "form": form, "title": "Adopt the plan"},
    )


def child_earlier(request: HttpRequest, child_id: int) -> HttpResponse:
    """What happened while a child who has left was at the person's school, to their last day there: read only."""
    user = access.signed_in(request)
    child, stays = access.get_earlier_child(user, child_id, reading="their time at the school they left")
    last_day = max(stay.ended_on for stay in stays if stay.ended_on)
    plans = list(access.earlier_plans(stays).prefetch_related("lines__versions"))
    sessions_by_line = defaultdict(list)
    for session in access.earlier_sessions(stays):
        sessions_by_line[session.line_id].append(session)
    shown = []
    for plan in plans:
        lines = []
        for line in plan.lines.all():
            if line.voided_at is not None and line.voided_at.date() <= last_day:
                continue  # entered in error while the child was here: it never counted
            # The terms the line had by the last day here: later amendments are the next school's.
            versions = [v for v in line.versions_in_order if v.effective_from <= last_day]
            if versions:
                lines.append((line, versions[-1], sessions_by_line.get(line.pk, [])))
        shown.append((plan, lines))
    return render(
        request,
        "people/child_earlier.html",
        {
            "child": child,
            "stays": stays,
            "plans": shown,
            "concerns": access.earlier_concerns(stays),
            # The school they left last may undo a move it recorded in error.
            "can_undo": child.school_id != stays[-1].school_id and access.manages_school(user, stays[-1].school),
            "title": f"{child.first_name}'s time at {stays[-1].school.name}",
        },
    )
