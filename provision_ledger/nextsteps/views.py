from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from provision_ledger.core import access
from provision_ledger.core.access import Permission
from provision_ledger.kit.forms import show_refusal
from provision_ledger.kit.spreadsheets import download
from provision_ledger.nextsteps import actions
from provision_ledger.nextsteps.advice import deadlines_for, next_steps_for, set_aside_for
from provision_ledger.nextsteps.drafts import draft_letter, last_sender_address
from provision_ledger.nextsteps.forms import EventForm, LetterForm, ReplyForm
from provision_ledger.nextsteps.models import StatutoryEvent
from provision_ledger.nextsteps.render import letter_docx, letter_pdf
from provision_ledger.plans.queries import current_plan
from provision_ledger.rules.advisor import StepKind, letter_refused, step_applies
from provision_ledger.rules.legal_force import PlanKind


@require_http_methods(["GET", "POST"])
def write_letter(request: HttpRequest, child_id: int, kind: str) -> HttpResponse:
    """Draft the letter for a next step; the parent edits it, and saving keeps it as sent."""
    user = access.signed_in(request)
    child = access.get_child(user, child_id, Permission.RAISE)
    today = timezone.localdate()
    steps = next_steps_for(child, today)
    step_kind = StepKind(kind) if kind in {k.value for k in StepKind} else None
    step = next((s for s in steps.advice.steps if s.kind == step_kind), None) if steps and step_kind else None
    if steps is None or step is None or not step.is_letter:
        plan = steps.evidence.plan if steps else None
        why = (
            step_applies(step_kind, PlanKind(plan.kind)) if step_kind and plan else "There is no letter of that kind."
        ) or "Nothing in the record is behind, so there is no letter to write about delivery."
        return render(request, "nextsteps/no_letter.html", {"child": child, "why": why}, status=404)
    letters = list(access.letters_for(user).filter(child=child))
    refused = letter_refused(step.kind, (x.kind for x in letters))
    if refused:
        return render(request, "nextsteps/no_letter.html", {"child": child, "why": refused}, status=404)
    draft = draft_letter(step, child, steps.evidence, user, today, letters)
    initial = {**vars(draft), "sent_on": today, "sender_address": last_sender_address(letters, user)}
    form = LetterForm(request.POST or None, initial=initial, below_threshold=step.below_threshold)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "override"}
        try:
            letter = actions.save_letter(child=child, step=step, evidence=steps.evidence, by=user, **data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Your letter is saved as sent. Download it below.")
            return redirect("letter-detail", letter_id=letter.pk)
    return render(
        request,
        "nextsteps/write_letter.html",
        {
            "child": child,
            "step": step,
            "form": form,
            "evidence": steps.evidence,
            "title": step.title,
        },
    )


@require_http_methods(["GET", "POST"])
def letter_detail(request: HttpRequest, letter_id: int) -> HttpResponse:
    user = access.signed_in(request)
    letter = access.get_letter(user, letter_id)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_reply(
                letter=letter, by=user, replied_on=form.cleaned_data["replied_on"], note=form.cleaned_data["reply_note"]
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "The reply is recorded.")
            return redirect("letter-detail", letter_id=letter.pk)
    return render(request, "nextsteps/letter_detail.html", {"letter": letter, "child": letter.child, "form": form})


def letter_download(request: HttpRequest, letter_id: int, extension: str) -> HttpResponse:
    letter = access.get_letter(access.signed_in(request), letter_id)
    if extension not in ("pdf", "docx"):
        raise Http404("Letters come as PDF or DOCX")
    name = f"letter-{letter.sent_on:%Y-%m-%d}-{letter.kind.replace('_', '-')}.{extension}"
    if extension == "pdf":
        return download(letter_pdf(letter), "application/pdf", name)
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return download(letter_docx(letter), docx_type, name)


@require_http_methods(["GET", "POST"])
def statutory_events(request: HttpRequest, child_id: int) -> HttpResponse:
    """Dates that start the statutory clocks: recorded by the parent or the school."""
    user = access.signed_in(request)
    child = access.get_child(user, child_id, reading="the statutory deadlines")
    may_record = access.allows(user, child, Permission.CLOCK_DATES)
    form = EventForm(request.POST or None)
    if request.method == "POST":
        if not may_record:
            access.get_child(user, child_id, Permission.CLOCK_DATES)  # 403
        if form.is_valid():
            try:
                data = form.cleaned_data
                actions.record_statutory_event(
                    child=child,
                    by=user,
                    kind=data["kind"],
                    day=data["date"],
                    note=data["note"],
                    **{
                        name: data[name]
                        for name in ("outcome", "mediation", "ground", "ends_on", "evidence", "transfer")
                    },
                )
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(request, "Recorded.")
                return redirect("statutory-events", child_id=child.pk)
    # Every clock the record starts, with or without a plan: a child with none can still have a request for an
    # assessment refused, and its appeal deadline must show.
    clocks = deadlines_for(child, timezone.localdate(), current_plan(child))
    return render(
        request,
        "nextsteps/events.html",
        {
            "child": child,
            "form": form,
            "may_record": may_record,
            "clocks": clocks,
            "set_aside": set_aside_for(child, timezone.localdate()),
            "events": StatutoryEvent.objects.filter(child=child).select_related("recorded_by"),
            "title": "Statutory deadlines",
        },
    )
