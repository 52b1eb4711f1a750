from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from provision_ledger.audit.queries import history_of, views_of
from provision_ledger.core import access
from provision_ledger.core.access import Permission
from provision_ledger.core.record_page import record_parts
from provision_ledger.nextsteps.advice import (
    next_steps_for,
    overdue_reviews_by_school,
)
from provision_ledger.parents.models import Concern
from provision_ledger.people.actions import set_disabled
from provision_ledger.people.forms import DisabilityForm
from provision_ledger.plans.models import Plan
from provision_ledger.rules.advisor import DISABILITY_DEFINITION
from provision_ledger.rules.legal_force import PlanKind
from provision_ledger.statements import school_overview


def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the page they use most."""
    user = access.signed_in(request)
    scope = access.scope_for(user)
    if scope.la_ids:
        return redirect("la-overview")
    if len(scope.senco_school_ids) == 1:
        return redirect("school-overview", urn=access.schools_for(user).get(pk=min(scope.senco_school_ids)).urn)
    if scope.lead_trust_ids:
        return redirect("trust-delivery", trust_id=min(scope.lead_trust_ids))
    if scope.trust_ids:
        return redirect("trust-spend", trust_id=min(scope.trust_ids))
    if scope.managed_service_ids:
        return redirect("service-delivery", service_id=min(scope.managed_service_ids))
    if scope.assigned_child_ids or scope.practitioner_service_ids:
        return redirect("register")
    children = list(access.children_for(user))
    kept = access.family_children_for(user).exists()
    if len(children) == 1 and not kept:
        return redirect("child-detail", child_id=children[0].pk)
    if not children and kept:
        return redirect("family-home")
    return render(
        request,
        "core/my_children.html",
        {"children": children, "schools": access.schools_for(user), "keeps_own_record": kept},
    )


def la_overview(request: HttpRequest) -> HttpResponse:
    user = access.signed_in(request)
    if not access.is_officer(user):
        return redirect("home")
    in_force = Q(children__plans__status=Plan.Status.ACTIVE)
    schools = list(
        access.authority_schools(user)
        .annotate(
            ehc_plans=Count("children__plans", filter=in_force & Q(children__plans__kind=PlanKind.EHC_PLAN)),
            support_plans=Count("children__plans", filter=in_force & ~Q(children__plans__kind=PlanKind.EHC_PLAN)),
        )
        .order_by("name")
    )
    overdue = overdue_reviews_by_school([s.pk for s in schools], timezone.localdate())
    for school in schools:
        school.overdue_reviews = overdue.get(school.pk, 0)  # type: ignore[attr-defined]
    return render(request, "core/la_overview.html", {"schools": schools})


def school_detail(request: HttpRequest, urn: str) -> HttpResponse:
    user = access.signed_in(request)
    school = access.get_school(user, urn)
    today = timezone.localdate()
    summaries = school_overview(school, access.children_for(user), today)
    open_concerns = (
        access.concerns_for(user)
        .filter(child__school=school, status=Concern.Status.AWAITING_SCHOOL)
        .order_by("raised_at")
    )
    return render(
        request,
        "core/school_overview.html",
        {
            # Children who left: the SENCO reads their time here (access.earlier_stays_for), nothing after it.
            "moved_away": access.earlier_stays_for(user).filter(school=school)
            if access.manages_school(user, school)
            else [],
            "open_concerns": open_concerns,
            "school": school,
            "summaries": summaries,
            "breach_count": sum(len(s.breach_lines) for s in summaries),
            "breach_children": sum(1 for s in summaries if s.breach_lines),
            "today": today,
            "can_manage": access.manages_school(user, school),
        },
    )


def child_detail(request: HttpRequest, child_id: int) -> HttpResponse:
    user = access.signed_in(request)
    child = access.get_child(user, child_id, reading="the record page")
    today = timezone.localdate()
    schools = list(child.enrolments.select_related("school").order_by("started_on", "pk"))
    is_parent = access.allows(user, child, Permission.RAISE)
    reader = {
        "is_parent": is_parent,
        "can_manage": access.allows(user, child, Permission.MANAGE),
        "can_log": access.allows(user, child, Permission.LOG),
    }
    record = record_parts(request, child, schools, today, reader)
    return render(
        request,
        "core/child_detail.html",
        {
            "child": child,
            "record": record,
            "statement": record.statement,
            "deadlines": record.deadlines,
            **reader,
            "can_raise": is_parent,
            "can_take_record": access.allows(user, child, Permission.EXPORT),
            "open_concerns": child.concerns.filter(status=Concern.Status.AWAITING_SCHOOL).count(),
            # The escalation route is the parent's: shown to them, with the letters they have sent.
            "next_steps": next_steps_for(child, today) if is_parent else None,
            "disability_definition": DISABILITY_DEFINITION,
            "letters": access.letters_for(user).filter(child=child) if is_parent else [],
            # What the family chose to show from its own record: the SENCO's, once the parent confirmed the child.
            "family_entries": access.shared_family_entries(user, child),
            # The schools the child attended, when more than one; and a school's plan they brought, not yet adopted.
            "schools": schools if len(schools) > 1 else [],
            "proposal": child.plan_proposals.filter(settled_at__isnull=True).select_related("plan").first(),
        },
    )


@require_http_methods(["GET", "POST"])
def child_disability(request: HttpRequest, child_id: int) -> HttpResponse:
    """The SENCO records whether the child is disabled in the Equality Act's sense, which opens that route."""
    user = access.signed_in(request)
    child = access.get_child(user, child_id, Permission.MANAGE)
    form = DisabilityForm(request.POST or None, initial={"disabled": child.disabled})
    if request.method == "POST" and form.is_valid():
        set_disabled(child, disabled=form.cleaned_data["disabled"], by=user)
        messages.success(request, "Saved.")
        return redirect("child-detail", child_id=child.pk)
    return render(
        request,
        "core/child_disability.html",
        {"child": child, "form": form, "definition": DISABILITY_DEFINITION, "title": "Disability"},
    )


def child_history(request: HttpRequest, child_id: int) -> HttpResponse:
    user = access.signed_in(request)
    child = access.get_child(user, child_id, reading="the history of changes")
    events = history_of(child, family=access.is_family(user, child)).reverse()
    return render(request, "core/child_history.html", {"child": child, "events": events})


# The most recent reads shown on one page; the count above the table says how many there are in all.
READS_SHOWN = 500


def record_views(request: HttpRequest, child_id: int) -> HttpResponse:
    """Who has looked at the child's record: for the family, and for the school that keeps it."""
    child = access.get_child(access.signed_in(request), child_id, Permission.EXPORT)
    views = views_of(child)
    return render(
        request,
        "core/record_views.html",
        {"child": child, "views": views[:READS_SHOWN], "total": views.count(), "shown": READS_SHOWN},
    )
