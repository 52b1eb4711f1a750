from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from provision_ledger.core import access
from provision_ledger.core.access import Permission
from provision_ledger.kit.forms import VoidForm, show_refusal
from provision_ledger.kit.spreadsheets import download
from provision_ledger.outcomes import actions
from provision_ledger.outcomes.charts import dose_response_chart
from provision_ledger.outcomes.forms import (
    ObservationForm,
    OutcomeForm,
    ProgressForm,
    ReviewEditForm,
    ReviewForm,
    ViewsForm,
)
from provision_ledger.outcomes.pack import review_pack
from provision_ledger.outcomes.queries import dose_response, outcome_progress
from provision_ledger.outcomes.render import pack_docx, pack_pdf
from provision_ledger.plans.models import Plan
from provision_ledger.plans.queries import current_plan

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REVIEWS_AHEAD = timedelta(weeks=12)


def _figure_threshold() -> int:
    """The authority's own small-number threshold (by default the one in rules/outcomes.py)."""
    return int(settings.PROGRESS_FIGURE_MIN_CHILDREN)


def child_outcomes(request: HttpRequest, child_id: int) -> HttpResponse:
    """Each outcome of the child's plan, its progress beside the delivery of the provision serving it."""
    user = access.signed_in(request)
    child = access.get_child(user, child_id, reading="outcomes and progress")
    plan = current_plan(child)
    today = timezone.localdate()
    outcomes = list(access.outcomes_for(user).filter(plan=plan).prefetch_related("lines__versions")) if plan else []
    progress = outcome_progress(outcomes, plan.start_date, today) if plan else []
    return render(
        request,
        "outcomes/child_outcomes.html",
        {
            "child": child,
            "plan": plan,
            "items": [(p, dose_response_chart(p)) for p in progress],
            "reviews": access.reviews_for(user).filter(child=child),
            "can_manage": access.allows(user, child, Permission.MANAGE),
            "can_log": access.allows(user, child, Permission.LOG),
            "can_observe": access.allows(user, child, Permission.RAISE),
            "title": "Outcomes and progress",
        },
    )


@require_http_methods(["GET", "POST"])
def outcome_create(request: HttpRequest, child_id: int) -> HttpResponse:
    user = access.signed_in(request)
    child = access.get_child(user, child_id, Permission.MANAGE)
    plan = current_plan(child)
    if plan is None:
        raise Http404("No plan in force")
    form = OutcomeForm(request.POST or None, plan=plan, initial={"baseline_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.create_outcome(plan=plan, by=user, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "The outcome is set.")
            return redirect("child-outcomes", child_id=child.pk)
    return render(request, "includes/simple_form.html", {"form": form, "child": child, "title": "Set an outcome"})


def outcome_detail(request: HttpRequest, outcome_id: int) -> HttpResponse:
    user = access.signed_in(request)
    outcome = access.get_outcome(user, outcome_id)
    child = outcome.child
    access.note_reading(user, child, "an outcome and its progress")
    [progress] = outcome_progress([outcome], outcome.plan.start_date, timezone.localdate())
    return render(
        request,
        "outcomes/outcome_detail.html",
        {
            "child": child,
            "outcome": outcome,
            "progress": progress,
            "chart": dose_response_chart(progress),
            "can_manage": access.allows(user, child, Permission.MANAGE),
            "can_log": access.allows(user, child, Permission.LOG),
            "can_observe": access.allows(user, child, Permission.RAISE),
        },
    )


@require_http_methods(["GET", "POST"])
def progress_create(request: HttpRequest, outcome_id: int) -> HttpResponse:
    user = access.signed_in(request)
    outcome = access.get_outcome(user, outcome_id, Permission.LOG)
    form = ProgressForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_progress(outcome=outcome, by=user, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Progress recorded.")
            return redirect("outcome-detail", outcome_id=outcome.pk)
    title = f"Record progress: {outcome.description}"
    return render(request, "includes/simple_form.html", {"form": form, "child": outcome.child, "title": title})


@require_http_methods(["GET", "POST"])
def observation_create(request: HttpRequest, outcome_id: int) -> HttpResponse:
    user = access.signed_in(request)
    outcome = access.get_outcome(user, outcome_id, Permission.RAISE)
    form = ObservationForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_home_observation(outcome=outcome, by=user, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Thank you: your observation is added to the record.")
            return redirect("outcome-detail", outcome_id=outcome.pk)
    title = f"What you have seen at home: {outcome.description}"
    return render(request, "includes/simple_form.html", {"form": form, "child": outcome.child, "title": title})


@require_http_methods(["GET", "POST"])
def progress_void(request: HttpRequest, entry_id: int) -> HttpResponse:
    user = access.signed_in(request)
    entry = access.get_progress_entry(user, entry_id, Permission.MANAGE)
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.void_progress(entry=entry, by=user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "The entry is void. It stays in the record.")
            return redirect("outcome-detail", outcome_id=entry.outcome_id)
    title = f"Void the progress entry of {entry.date:%-d %B %Y}"
    return render(request, "includes/simple_form.html", {"form": form, "child": entry.child, "title": title})


def school_progress(request: HttpRequest, urn: str) -> HttpResponse:
    """Per provision category: average progress per 10 hours delivered, with the children behind each figure."""
    user = access.signed_in(request)
    school = access.get_school(user, urn)
    today = timezone.localdate()
    # The SENCO's list, which the authority reads too: reviews due in the next 12 weeks and those overdue.
    due = (
        access.plans_for(user)
        .filter(child__school=school, status=Plan.Status.ACTIVE, review_due__lte=today + REVIEWS_AHEAD)
        .order_by("review_due")
    )
    return render(
        request,
        "outcomes/school_progress.html",
        {
            "school": school,
            "figures": dose_response([school.pk], _figure_threshold()),
            "threshold": _figure_threshold(),
            "due": due,
            "today": today,
        },
    )


@require_http_methods(["GET", "POST"])
def review_create(request: HttpRequest, child_id: int) -> HttpResponse:
    user = access.signed_in(request)
    child = access.get_child(user, child_id, Permission.MANAGE)
    plan = current_plan(child)
    if plan is None:
        raise Http404("No plan in force")
    last = access.reviews_for(user).filter(plan=plan).order_by("-meeting_date").first()
    today = timezone.localdate()
    # An overdue review is offered no date: a default in the past would be saved as if the meeting had been held.
    meeting = plan.review_due if plan.review_due and plan.review_due >= today else None
    initial = {"meeting_date": meeting, "period_start": last.meeting_date if last else plan.start_date}
    form = ReviewForm(request.POST or None, initial=initial)
    if plan.review_due:
        due = f"{plan.review_due:%-d %B %Y}"
        form.fields["meeting_date"].help_text = (
            f"The review was due by {due}: choose the date it will be held." if meeting is None else f"Due by {due}."
        )
        form.fields["meeting_date"].widget.attrs["aria-describedby"] = "id_meeting_date-hint"
    if request.method == "POST" and form.is_valid():
        try:
            review = actions.create_review(plan=plan, by=user, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return redirect("review-detail", review_id=review.pk)
    return render(request, "includes/simple_form.html", {"form": form, "child": child, "title": "Arrange the review"})


@require_http_methods(["GET", "POST"])
def review_invite(request: HttpRequest, review_id: int) -> HttpResponse:
    """The SENCO emails the family: the meeting, the draft pack, and where to add their views."""
    user = access.signed_in(request)
    review = access.get_review(user, review_id, Permission.MANAGE)
    problem = ""
    if request.method == "POST":
        try:
            sent_to = actions.invite_family_to_review(
                review=review, by=user, base_url=request.build_absolute_uri("/")[:-1], today=timezone.localdate()
            )
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(request, f"Invitation emailed to {', '.join(sent_to)}.")
            return redirect("review-detail", review_id=review.pk)
    guardians = [g.user for g in review.child.guardians.select_related("user") if g.user.is_active]
    return render(
        request,
        "outcomes/review_invite.html",
        {"review": review, "child": review.child, "guardians": guardians, "problem": problem},
    )


def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    """The draft pack, as the meeting will see it."""
    user = access.signed_in(request)
    review = access.get_review(user, review_id, Permission.FUNDING)
    child = review.child
    access.note_reading(user, child, "an annual review pack")
    return render(
        request,
        "outcomes/review_detail.html",
        {
            "child": child,
            "review": review,
            "plan": review.plan,
            "pack": review_pack(review, timezone.localdate()),
            "can_manage": access.allows(user, child, Permission.MANAGE),
            "can_give_views": access.allows(user, child, Permission.RAISE)
            or access.allows(user, child, Permission.MANAGE),
        },
    )


@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, review_id: int) -> HttpResponse:
    user = access.signed_in(request)
    review = access.get_review(user, review_id, Permission.MANAGE)
    fields = ReviewEditForm.base_fields
    form = ReviewEditForm(request.POST or None, initial={name: getattr(review, name) for name in fields})
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_review(review=review, by=user, **form.cleaned_data)
        except ValidationError as error:
            review.refresh_from_db()
            show_refusal(form, error)
        else:
            messages.success(request, "The review is updated.")
            return redirect("review-detail", review_id=review.pk)
    title = f"Steps and decision: review of {review.meeting_date:%-d %B %Y}"
    return render(request, "includes/simple_form.html", {"form": form, "child": review.child, "title": title})


@require_http_methods(["GET", "POST"])
def review_views(request: HttpRequest, review_id: int) -> HttpResponse:
    """The parent's and the child's views, given by the parent or taken down by the school."""
    user = access.signed_in(request)
    review = access.get_review(user, review_id)
    if not (
        access.allows(user, review.child, Permission.RAISE) or access.allows(user, review.child, Permission.MANAGE)
    ):
        raise PermissionDenied
    form = ViewsForm(
        request.POST or None, initial={"parent_views": review.parent_views, "child_views": review.child_views}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_views(review=review, by=user, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "The views are saved and shown in the review pack.")
            return redirect("review-detail", review_id=review.pk)
    title = "Views for the annual review"
    return render(request, "includes/simple_form.html", {"form": form, "child": review.child, "title": title})


def review_pack_download(request: HttpRequest, review_id: int, extension: str) -> HttpResponse:
    user = access.signed_in(request)
    review = access.get_review(user, review_id, Permission.FUNDING)
    if extension not in ("pdf", "docx"):
        raise Http404("The pack comes as PDF or DOCX")
    pack = review_pack(review, timezone.localdate())
    child = review.child
    access.note_reading(user, child, f"the annual review pack ({extension.upper()})")
    name = f"{child.first_name}-{child.last_name}-annual-review-{review.meeting_date:%Y-%m-%d}.{extension}".lower()
    if extension == "pdf":
        return download(pack_pdf(pack), "application/pdf", name)
    return download(pack_docx(pack), DOCX, name)
