"""The family's own record: thin views that fetch through core.access, call one action, render."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from provision_ledger.accounts.passwords import right_for_any_account
from provision_ledger.core import access
from provision_ledger.family import actions
from provision_ledger.family.documents import family_record_pdf
from provision_ledger.family.drafts import LIMITS, family_draft
from provision_ledger.family.forms import (
    AcceptInvitationForm,
    EntryForm,
    FamilyChildForm,
    InviteSchoolForm,
    RecordsAnswerForm,
    RecordsRequestForm,
    SignUpForm,
)
from provision_ledger.family.letters import (
    family_letter_docx,
    family_letter_pdf,
    records_letter_docx,
    records_letter_pdf,
)
from provision_ledger.family.models import FamilyChild
from provision_ledger.family.queries import (
    family_advice,
    family_record_export,
    family_schedule,
    family_statement,
    family_why,
    gate_for,
    maintained_for,
    records_asked,
)
from provision_ledger.kit.docx import DOCX_TYPE
from provision_ledger.kit.forms import show_refusal
from provision_ledger.kit.spreadsheets import download
from provision_ledger.nextsteps.forms import LetterForm, ReplyForm
from provision_ledger.ops.client import client_address
from provision_ledger.people.models import School
from provision_ledger.rules.advisor import StepKind, letter_refused, step_applies
from provision_ledger.rules.extraction import extract
from provision_ledger.rules.legal_force import PlanKind, legal_force
from provision_ledger.rules.wording import parent_hint
from provision_ledger.wording.checks import read_section
from provision_ledger.wording.forms import MAX_PASTE, ReadPlanForm

SCHOOL_MATCHES_SHOWN = 10


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")[:-1]


# Signing up


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    """Ask for an email address; the page that follows is the same whether or not it has an account."""
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sent = actions.request_sign_up(
            email=form.cleaned_data["email"], address=client_address(request) or None, base_url=_base_url(request)
        )
        if not sent:
            return render(request, "family/sign_up_throttled.html", status=429)
        return render(request, "family/sign_up_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "family/sign_up.html", {"form": form, "title": "Keep your own record"})


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_up_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        email = actions.sign_up_email(token)
    except ValidationError as error:
        return render(request, "family/link_refused.html", {"reason": error.messages[0]}, status=410)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.complete_sign_up(
                token=token,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Your account is ready. Add your child to start their record.")
            return redirect("family-home")
    return render(
        request, "family/sign_up_confirm.html", {"form": form, "email": email, "title": "Create your account"}
    )


# The family's children


def family_home(request: HttpRequest) -> HttpResponse:
    user = access.signed_in(request)
    return render(request, "family/home.html", {"children": access.family_children_for(user)})


def _school_matches(search: str) -> list[School]:
    search = search.strip()
    if not search:
        return []
    if search.isdigit():
        return list(School.objects.filter(urn=search))
    return list(
        School.objects.filter(Q(name__icontains=search), closed_on__isnull=True).order_by("name")[:SCHOOL_MATCHES_SHOWN]
    )


@require_http_methods(["GET", "POST"])
def child_add(request: HttpRequest) -> HttpResponse:
    """Add a child: the school is found in the register by name or URN, or typed when it is not there."""
    user = access.signed_in(request)
    data = request.POST or None
    search = (request.POST.get("school_search") or "").strip()
    matches = _school_matches(search) if data else []
    choices = [(s.urn, f"{s.name} (URN {s.urn})") for s in matches] if len(matches) > 1 else None
    form = FamilyChildForm(data, matches=choices)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        school = None
        chosen = values.get("school_urn") or (matches[0].urn if len(matches) == 1 else "")
        if chosen:
            school = School.objects.filter(urn=chosen).first()
        if school is None and not values["school_not_listed"]:
            if not search:
                form.add_error("school_search", "Enter the school’s name or URN.")
            elif search.isdigit():
                form.add_error("school_search", f"No school in the register has the URN {search}.")
            elif len(matches) > 1:
                form.add_error("school_urn", "Choose your child’s school from the list.")
            else:
                form.add_error(
                    "school_search",
                    f"No school in the register matches “{search}”. Check the spelling, or tick "
                    "“The school is not in the register” to keep the name as you typed it.",
                )
        else:
            try:
                family_child = actions.add_family_child(
                    keeper=user,
                    first_name=values["first_name"],
                    last_name=values["last_name"],
                    date_of_birth=values["date_of_birth"],
                    year_group=values["year_group"],
                    school=school,
                    school_name="" if school else search,
                    school_address=values["school_address"],
                    plan_kind=values["plan_kind"],
                    plan_start=values["plan_start"],
                    plan_end=values["plan_end"],
                    today=timezone.localdate(),
                )
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(request, f"{family_child.first_name} is added. Now enter the plan.")
                return redirect("family-plan-read", family_child_id=family_child.pk)
    return render(request, "family/child_add.html", {"form": form, "title": "Add a child"})


def child_page(request: HttpRequest, family_child_id: int) -> HttpResponse:
    """The family's statement: promised against what the family has been told, and how much is unknown."""
    user = access.signed_in(request)
    family_child = access.get_family_child(user, family_child_id)
    today = timezone.localdate()
    statement = family_statement(family_child, today)
    asked = records_asked(family_child, today)
    requests = [(r, a.deadlines) for r, a in asked]
    advice = family_advice(family_child, statement, today, list(family_child.letters.all()))
    return render(
        request,
        "family/child.html",
        {
            "child": family_child,
            "statement": statement,
            "requests": requests,
            "force": legal_force(PlanKind(family_child.plan_kind)),
            "plan_kind": PlanKind(family_child.plan_kind).label,
            "link": access.get_school_link(user, family_child),
            "invitations": family_child.school_invitations.all(),
            "today": today,
            "advice": advice,
            "gate": gate_for(asked, today),
            "school_said_not": sum(s.count.school_did_not for s in statement.lines if s.count),
            "shared_ids": {e.pk for e in statement.entries if any(s.revoked_at is None for s in e.shares.all())},
        },
    )


# The plan


@require_http_methods(["GET", "POST"])
def plan_read(request: HttpRequest, family_child_id: int) -> HttpResponse:
    """Paste or upload the plan; the same reader and checker as the school's show each statement; the parent
    confirms the lines."""
    family_child = access.get_family_child(access.signed_in(request), family_child_id)
    if request.method == "POST" and "confirm" in request.POST:
        return _plan_confirm(request, family_child)
    form = ReadPlanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["plan_text"]
        statements = read_section(text)
        if statements:
            return _plan_review(request, family_child, text, statements)
        form.add_error(None, "No provision statements were found in the text.")
    return render(request, "family/plan_read.html", {"form": form, "child": family_child, "title": "Enter the plan"})


def _plan_review(request: HttpRequest, family_child: FamilyChild, text: str, statements: list[Any]) -> HttpResponse:
    specific = sum(1 for r in statements if r.check.specific)
    rows = [(r, list(dict.fromkeys(parent_hint(f) for f in r.check.findings))) for r in statements]
    return render(
        request,
        "family/plan_review.html",
        {"child": family_child, "text": text, "rows": rows, "count": len(statements), "specific": specific},
    )


def _plan_confirm(request: HttpRequest, family_child: FamilyChild) -> HttpResponse:
    text = request.POST.get("section", "")[:MAX_PASTE]
    statements = read_section(text)
    if not statements:
        messages.error(request, "The page was out of date: paste the plan again.")
        return redirect("family-plan-read", family_child_id=family_child.pk)
    chosen = set(request.POST.getlist("include"))
    lines = []
    for read in statements:
        if str(read.number) not in chosen:
            continue
        proposal = read.proposal or extract(read.statement.text)
        counted = proposal is not None and proposal.sessions and proposal.period and proposal.minutes_per_session
        description = _line_name(read.statement.text, proposal.description if proposal else None)
        lines.append(
            actions.ConfirmedFamilyLine(
                statement=read.statement.text,
                description=description,
                sessions=proposal.sessions if counted and proposal else None,
                period=proposal.period.value if counted and proposal and proposal.period else "",
                minutes_per_session=proposal.minutes_per_session if counted and proposal else None,
                specific=read.check.specific,
            )
        )
    try:
        added = actions.add_family_lines(family_child=family_child, by=access.signed_in(request), lines=lines)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return _plan_review(request, family_child, text, statements)
    messages.success(request, f"{len(added)} line{'s' if len(added) != 1 else ''} of the plan saved.")
    return redirect("family-child", family_child_id=family_child.pk)


def _line_name(text: str, read: str | None) -> str:
    """A line's name as a parent knows it: the words before a colon ("Motor Skills programme: 3 sessions..."),
    else the reader's description when it says more than one word, else the statement itself."""
    head, colon, _ = text.partition(":")
    head = head.strip(" -•*\t")
    if colon and 0 < len(head) <= 80:
        return head
    return read if read and " " in read else text[:300]


# What the family knows


@require_http_methods(["GET", "POST"])
def entry_add(request: HttpRequest, family_child_id: int) -> HttpResponse:
    user = access.signed_in(request)
    family_child = access.get_family_child(user, family_child_id)
    corrects = None
    corrects_id = request.GET.get("corrects") or request.POST.get("corrects")
    if corrects_id and str(corrects_id).isdigit():
        corrects = access.get_family_entry(user, int(corrects_id))
        if corrects.family_child_id != family_child.pk:
            corrects = None
    lines = list(family_child.lines.all())
    initial = {}
    if corrects is not None:
        initial = {
            "source": corrects.source, "line": corrects.line_id, "happened_on": corrects.happened_on,
            "written_on": corrects.written_on, "sessions": corrects.sessions, "outcome": corrects.outcome or "none",
            "text": corrects.text,
        }  # fmt: skip
    form = EntryForm(request.POST or None, lines=lines, correcting=corrects is not None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        line = next((x for x in lines if x.pk == values["line"]), None)
        try:
            actions.record_entry(
                family_child=family_child,
                by=user,
                source=values["source"],
                line=line,
                happened_on=values["happened_on"],
                written_on=values["written_on"],
                sessions=values["sessions"],
                outcome=values["outcome"],
                text=values["text"],
                today=timezone.localdate(),
                corrects=corrects,
                reason=values.get("reason", ""),
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Saved. Entries cannot be changed: to put one right, correct it.")
            return redirect("family-child", family_child_id=family_child.pk)
    return render(
        request,
        "family/entry_form.html",
        {
            "form": form,
            "child": family_child,
            "corrects": corrects,
            "title": "Correct an entry" if corrects else "Record what you know",
        },
    )


@require_POST
def entry_share(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Show an entry to the school, or stop showing it."""
    user = access.signed_in(request)
    entry = access.get_family_entry(user, entry_id)
    try:
        if request.POST.get("share") == "yes":
            actions.share_entry(entry=entry, by=user)
            messages.success(request, "The school can now see this entry. You can stop sharing it at any time.")
        else:
            actions.unshare_entry(entry=entry, by=user)
            messages.success(request, "The school can no longer see this entry.")
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("family-child", family_child_id=entry.family_child_id)


# Next steps


@require_http_methods(["GET", "POST"])
def records_request(request: HttpRequest, family_child_id: int) -> HttpResponse:
    user = access.signed_in(request)
    family_child = access.get_family_child(user, family_child_id)
    known = maintained_for(family_child)
    initial = {
        "parent_name": user.get_full_name(),
        "received_on": timezone.localdate(),
        "maintained": {True: "yes", False: "no", None: "unknown"}[known],
    }
    form = RecordsRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            made = actions.create_records_request(
                family_child=family_child,
                by=user,
                received_on=values["received_on"],
                parent_name=values["parent_name"],
                parent_address=values["parent_address"],
                maintained={"yes": True, "no": False}.get(values["maintained"]),
                today=timezone.localdate(),
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Your letter is ready to download. The deadlines are shown on this page.")
            return redirect(f"{family_child_url(family_child)}#records-request-{made.pk}")
    return render(
        request,
        "family/records_request.html",
        {"form": form, "child": family_child, "known": known, "title": "Ask the school for its records"},
    )


def family_child_url(family_child: FamilyChild) -> str:
    from django.urls import reverse

    return reverse("family-child", kwargs={"family_child_id": family_child.pk})


def records_request_pdf(request: HttpRequest, request_id: int) -> HttpResponse:
    records = access.get_records_request(access.signed_in(request), request_id)
    response = HttpResponse(records_letter_pdf(records, timezone.localdate()), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="records-request-{records.received_on:%Y-%m-%d}.pdf"'
    return response


def records_request_docx(request: HttpRequest, request_id: int) -> HttpResponse:
    """The same letter as the PDF, as a Word document the parent can change before sending."""
    records = access.get_records_request(access.signed_in(request), request_id)
    body = records_letter_docx(records, timezone.localdate())
    return download(body, DOCX_TYPE, f"records-request-{records.received_on:%Y-%m-%d}.docx")


# Bringing the school in


@require_http_methods(["GET", "POST"])
def school_invite(request: HttpRequest, family_child_id: int) -> HttpResponse:
    user = access.signed_in(request)
    family_child = access.get_family_child(user, family_child_id)
    form = InviteSchoolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.invite_school(
                family_child=family_child, email=form.cleaned_data["email"], by=user, base_url=_base_url(request)
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("family-child", family_child_id=family_child.pk)
    return render(
        request, "family/school_invite.html", {"form": form, "child": family_child, "title": "Invite the school"}
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def school_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = actions.find_school_invitation(token)
    except ValidationError as error:
        return render(request, "family/link_refused.html", {"reason": error.messages[0]}, status=410)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # An address with an account is asked for its password, counted as a sign-in attempt is; past the limit
        # django-axes answers with its lockout page.
        if not right_for_any_account(request, invitation.email, form.cleaned_data["password"]):
            form.add_error("password", "You already have an account: enter its password.")
            context = {"form": form, "invitation": invitation, "title": "Keep the school’s record"}
            return render(request, "family/school_accept.html", context)
        try:
            user = actions.accept_school_invitation(
                token=token,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                "Your account is ready. Set up two-step sign-in, as every school account must. The family will "
                "confirm the child is theirs before you see anything they share.",
            )
            return redirect("home")
    return render(
        request,
        "family/school_accept.html",
        {"form": form, "invitation": invitation, "title": "Keep the school’s record"},
    )


@require_POST
def school_confirm(request: HttpRequest, family_child_id: int) -> HttpResponse:
    user = access.signed_in(request)
    family_child = access.get_family_child(user, family_child_id)
    link = access.get_school_link(user, family_child)
    if link is None:
        messages.error(request, "No school has claimed this child yet.")
    elif request.POST.get("answer") == "no":
        try:
            actions.decline_school_link(link=link, by=user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"Declined. {link.child.school.name} sees nothing of your record.")
    else:
        actions.confirm_school_link(link=link, by=user)
        messages.success(request, f"Confirmed. {link.child.school.name} now sees the entries you choose to share.")
    return redirect("family-child", family_child_id=family_child.pk)


# Privacy: the family's to take and to delete


def record_export(request: HttpRequest, family_child_id: int) -> HttpResponse:
    family_child = access.get_family_child(access.signed_in(request), family_child_id)
    body = json.dumps(family_record_export(family_child, timezone.localdate()), cls=DjangoJSONEncoder, indent=2)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="family-record-{family_child.pk}.json"'
    return response


def record_pdf(request: HttpRequest, family_child_id: int) -> HttpResponse:
    """The whole record as a printed statement: the plan, promised against told, and every entry with its source."""
    family_child = access.get_family_child(access.signed_in(request), family_child_id)
    today = timezone.localdate()
    return download(
        family_record_pdf(family_child, today),
        "application/pdf",
        f"family-record-{family_child.pk}-{today:%Y-%m-%d}.pdf",
    )


@require_http_methods(["GET", "POST"])
def record_delete(request: HttpRequest, family_child_id: int) -> HttpResponse:
    user = access.signed_in(request)
    family_child = access.get_family_child(user, family_child_id)
    if request.method == "POST":
        if request.POST.get("confirm_name", "").strip().casefold() != family_child.first_name.casefold():
            messages.error(request, f"Type {family_child.first_name} to confirm.")
        else:
            actions.delete_family_record(family_child=family_child, by=user)
            messages.success(request, "The record is deleted. Nothing of what it held is kept.")
            return redirect("family-home")
    return render(request, "family/delete.html", {"child": family_child})


# The routes after the records request: the same next steps as a school-kept record's, with the family's letters


def _routes(family_child: FamilyChild, today: date) -> dict[str, Any]:
    """The next steps from the family's record: the gate, the advice and the letters sent, in a fixed number of
    queries."""
    statement = family_statement(family_child, today)
    letters = list(family_child.letters.order_by("sent_on", "pk"))
    asked = records_asked(family_child, today)
    advice = family_advice(family_child, statement, today, letters)
    return {
        "statement": statement,
        "letters": letters,
        "asked": asked,
        "gate": gate_for(asked, today),
        "advice": advice,
        "why": family_why(advice, statement),
    }


def next_steps(request: HttpRequest, family_child_id: int) -> HttpResponse:
    family_child = access.get_family_child(access.signed_in(request), family_child_id)
    today = timezone.localdate()
    routes = _routes(family_child, today)
    return render(
        request,
        "family/next_steps.html",
        {
            **routes,
            "child": family_child,
            "today": today,
            "limits": LIMITS,
            "answer_form": RecordsAnswerForm(initial={"answered_on": today}),
            "school_said_not": sum(s.count.school_did_not for s in routes["statement"].lines if s.count),
            "title": "Next steps",
        },
    )


@require_POST
def records_answer(request: HttpRequest, request_id: int) -> HttpResponse:
    """The school answered the request for its records: recorded, and the next steps open."""
    user = access.signed_in(request)
    records = access.get_records_request(user, request_id)
    form = RecordsAnswerForm(request.POST)
    if form.is_valid():
        try:
            actions.record_records_answer(
                request=records, by=user, answered_on=form.cleaned_data["answered_on"], today=timezone.localdate()
            )
        except ValidationError as error:
            show_refusal(form, error)
    if form.errors:
        for errors in form.errors.values():
            messages.error(request, str(errors[0]))
    else:
        messages.success(request, "The school’s answer is recorded. Record what its records say as entries.")
    return redirect("family-next-steps", family_child_id=records.family_child_id)


@require_http_methods(["GET", "POST"])
def letter_write(request: HttpRequest, family_child_id: int, kind: str) -> HttpResponse:
    """Draft the letter of a next step from the family's record; the parent edits it, and saving keeps it as sent."""
    user = access.signed_in(request)
    family_child = access.get_family_child(user, family_child_id)
    today = timezone.localdate()
    routes = _routes(family_child, today)
    step_kind = StepKind(kind) if kind in {k.value for k in StepKind} else None
    step = next((s for s in routes["advice"].steps if s.kind == step_kind), None) if step_kind else None
    why = ""
    if not routes["gate"].open:
        why = routes["gate"].reason
    elif step is None or not step.is_letter:
        why = (
            step_applies(step_kind, PlanKind(family_child.plan_kind))
            if step_kind
            else "There is no letter of that kind."
        ) or (
            "The school has not told you in writing that any session did not take place, so there is no letter to "
            "write about missed sessions."
        )
    if not why and step is not None:
        why = letter_refused(step.kind, (x.kind for x in routes["letters"])) or ""
    if why or step is None:
        return render(request, "family/no_letter.html", {"child": family_child, "why": why}, status=404)
    draft = family_draft(step, family_child, routes["statement"], user, today, routes["letters"], routes["asked"])
    schedule = family_schedule(family_child, routes["statement"], today)
    form = LetterForm(
        request.POST or None, initial={**vars(draft), "sent_on": today}, below_threshold=step.below_threshold
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            letter = actions.save_family_letter(
                family_child=family_child,
                step=step,
                schedule=schedule,
                by=user,
                addressee=values["addressee"],
                subject=values["subject"],
                body=values["body"],
                sent_on=values["sent_on"],
                today=today,
                sender_address=values["sender_address"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Your letter is kept as sent. Download it below.")
            return redirect("family-letter", letter_id=letter.pk)
    return render(
        request,
        "family/letter_write.html",
        {
            "child": family_child,
            "step": step,
            "form": form,
            "schedule": schedule,
            "why": routes["why"][step.kind.value],
            "limits": LIMITS,
            "needs_authority": family_child.school is None and step.kind.value in _LA_LETTERS,
            "title": step.title,
        },
    )


# Letters to the local authority: for a school typed by name the authority is not known, and the parent adds it.
_LA_LETTERS = {
    StepKind.WRITE_TO_LA_S42,
    StepKind.COMPLAIN_TO_COUNCIL,
    StepKind.PRE_ACTION_PROTOCOL_LETTER,
    StepKind.REQUEST_EHC_NEEDS_ASSESSMENT,
    StepKind.REQUEST_REVIEW_OR_REASSESSMENT,
}


@require_http_methods(["GET", "POST"])
def letter_detail(request: HttpRequest, letter_id: int) -> HttpResponse:
    user = access.signed_in(request)
    letter = access.get_family_letter(user, letter_id)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_family_letter_reply(
                letter=letter,
                by=user,
                replied_on=form.cleaned_data["replied_on"],
                note=form.cleaned_data["reply_note"],
                today=timezone.localdate(),
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "The reply is recorded.")
            return redirect("family-letter", letter_id=letter.pk)
    return render(
        request,
        "family/letter_detail.html",
        {"letter": letter, "child": letter.family_child, "form": form, "title": letter.subject},
    )


def letter_download(request: HttpRequest, letter_id: int, extension: str) -> HttpResponse:
    letter = access.get_family_letter(access.signed_in(request), letter_id)
    if extension not in ("pdf", "docx"):
        raise Http404("Letters come as PDF or DOCX")
    name = f"letter-{letter.sent_on:%Y-%m-%d}-{letter.kind.replace('_', '-')}.{extension}"
    if extension == "pdf":
        return download(family_letter_pdf(letter), "application/pdf", name)
    return download(family_letter_docx(letter), DOCX_TYPE, name)
