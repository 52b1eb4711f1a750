"""Reading provision out of a plan's wording: paste or upload, see each statement checked, confirm the lines."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from provision_ledger.core import access
from provision_ledger.core.access import Permission
from provision_ledger.kit.forms import VoidForm, show_refusal
from provision_ledger.plans.models import Plan
from provision_ledger.wording.actions import ConfirmedLine, LeftOut, LinesRejected, add_confirmed_lines, void_statement
from provision_ledger.wording.checks import ReadStatement, proposal_initials, read_section
from provision_ledger.wording.forms import MAX_PASTE, ProposedLineForm, ProposedLineFormSet, ReadPlanForm

PREFIX = "line"
# Statements shown on one page of the review: each proposed line is a form of a dozen fields, so a long
# section is shown a page at a time rather than as one page of thousands of forms.
PAGE_SIZE = 20


@require_http_methods(["GET", "POST"])
def plan_read(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Step 1 reads the text and proposes lines; step 2 (a "confirm" POST) adds the confirmed ones."""
    user = access.signed_in(request)
    plan = access.get_plan(user, plan_id, Permission.MANAGE)
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, plan)
    if request.method == "POST" and "page" in request.POST:
        return _turn_page(request, plan)
    form = ReadPlanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["plan_text"]
        statements = read_section(text)
        if statements:
            return _review(request, plan, text, statements, _proposals(text, statements, plan, 1), page=1)
        form.add_error(None, "No provision statements were found in the text.")
    return render(
        request, "wording/read_plan.html", {"form": form, "plan": plan, "child": plan.child, "title": "Read a plan"}
    )


def _pages(statements: list[ReadStatement]) -> int:
    return max(1, -(-len(statements) // PAGE_SIZE))


def _on_page(statements: list[ReadStatement], page: int) -> list[ReadStatement]:
    return statements[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]


def _page_number(value: object, statements: list[ReadStatement]) -> int:
    try:
        page = int(str(value))
    except ValueError:
        return 1
    return min(max(page, 1), _pages(statements))


def _proposals(text: str, statements: list[ReadStatement], plan: Plan, page: int) -> Any:
    initial = [i for r in _on_page(statements, page) for i in proposal_initials(text, r, plan)]
    return ProposedLineFormSet(initial=initial, prefix=PREFIX)


def _turn_page(request: HttpRequest, plan: Plan) -> HttpResponse:
    text = request.POST.get("section", "")[:MAX_PASTE]
    statements = read_section(text)
    if not statements:
        messages.error(request, "The page was out of date: paste the plan again.")
        return redirect("plan-read", plan_id=plan.pk)
    page = _page_number(request.POST.get("page"), statements)
    return _review(request, plan, text, statements, _proposals(text, statements, plan, page), page=page)


def _review(
    request: HttpRequest,
    plan: Plan,
    text: str,
    statements: list[ReadStatement],
    formset: Any,
    errors: list[tuple[str, str]] | None = None,
    *,
    page: int,
) -> HttpResponse:
    forms: dict[int, list[ProposedLineForm]] = {}
    for form in formset:
        number = _statement_number(form) if form.is_bound else int(form.initial["statement"])
        forms.setdefault(number, []).append(form)
    specific = sum(1 for r in statements if r.check.specific)
    shown = _on_page(statements, page)
    pages = _pages(statements)
    return render(
        request,
        "wording/review.html",
        {
            "plan": plan,
            "child": plan.child,
            "title": "Check the proposed lines",
            "text": text,
            "rows": [(r, [(f, _notes(r, f)) for f in forms.get(r.number, [])]) for r in shown],
            "statement_count": len(statements),
            "formset": formset,
            "specific": specific,
            "score": 100 * specific // len(statements),
            "errors": errors or [],
            "page": page,
            "pages": pages,
            "first_shown": shown[0].number if shown else 0,
            "last_shown": shown[-1].number if shown else 0,
            "previous_page": page - 1 if page > 1 else None,
            "next_page": page + 1 if page < pages else None,
        },
    )


def _confirm(request: HttpRequest, plan: Plan) -> HttpResponse:
    text = request.POST.get("section", "")[:MAX_PASTE]
    statements = read_section(text)
    formset = ProposedLineFormSet(request.POST, prefix=PREFIX)
    if not statements or not formset.management_form.is_valid():
        messages.error(request, "The page was out of date: paste the plan again.")
        return redirect("plan-read", plan_id=plan.pk)
    page = _page_number(request.POST.get("shown_page", 1), statements)
    by_number = {r.number: r for r in _on_page(statements, page) if r.proposal is not None}
    errors: list[tuple[str, str]] = []
    confirmed: list[ConfirmedLine] = []
    valid = formset.is_valid()
    for form in formset:
        number = _statement_number(form)
        if number not in by_number:
            errors.append(("", "A proposed line does not match a statement: paste the plan again."))
            continue
        if form.included and form.is_valid():
            confirmed.append(ConfirmedLine(number, by_number[number].statement.text, form.terms()))
    if valid and not errors and not confirmed:
        errors.append(("", "No line is ticked to add: tick “Add this line to the plan” on the lines to add."))
    if valid and not errors:
        try:
            added = add_confirmed_lines(
                plan=plan,
                by=access.signed_in(request),
                lines=confirmed,
                left_out=_left_out(statements, page, confirmed),
            )
        except LinesRejected as rejected:
            for form in formset:
                error = rejected.errors.get(_statement_number(form))
                if error is not None:
                    show_refusal(form, error)
        else:
            messages.success(request, f"{len(added)} provision line{'s' if len(added) != 1 else ''} added to the plan.")
            if page < _pages(statements):
                # The next page of the same section: its lines are added in their turn.
                return _review(
                    request, plan, text, statements, _proposals(text, statements, plan, page + 1), page=page + 1
                )
            return redirect("child-detail", child_id=plan.child_id)
    errors.extend(_named_errors(formset))
    return _review(request, plan, text, statements, formset, errors, page=page)


def _left_out(statements: list[ReadStatement], page: int, confirmed: list[ConfirmedLine]) -> list[LeftOut]:
    """The statements on the page that did not become a line, as the checker read them."""
    entered = {c.number for c in confirmed}
    return [
        LeftOut(
            r.statement.text,
            r.check.specific,
            r.check.kind.value,
            "; ".join(dict.fromkeys(f.kind.label for f in r.check.findings)),
        )
        for r in _on_page(statements, page)
        if r.number not in entered
    ]


def _named_errors(formset: Any) -> list[tuple[str, str]]:
    """Each refusal as the error summary lists it: a link to the field, and "Statement 3, Minutes each session: …"."""
    named = [("", str(message)) for message in formset.non_form_errors()]
    for form in formset:
        number = _statement_number(form)
        for field, field_errors in form.errors.items():
            known = field in form.fields
            where = f"Statement {number}, {form.fields[field].label}" if known else f"Statement {number}"
            named.extend((f"#{form[field].auto_id}" if known else "", f"{where}: {m}") for m in field_errors)
    return named


def _notes(read: ReadStatement, form: ProposedLineForm) -> tuple[str, ...]:
    """The notes on the proposed line a form holds (its part of the statement)."""
    try:
        part = int(form.data.get(form.add_prefix("part"), 1) if form.is_bound else form.initial.get("part", 1))
    except (TypeError, ValueError):
        part = 1
    return read.proposals[part - 1].notes if 0 < part <= len(read.proposals) else ()


def _statement_number(form: ProposedLineForm) -> int:
    try:
        return int(form.data.get(form.add_prefix("statement"), 0))
    except (TypeError, ValueError):
        return 0


@require_http_methods(["GET", "POST"])
def statement_void(request: HttpRequest, statement_id: int) -> HttpResponse:
    """Take a statement read from the plan, and not entered as a line, out of the plan's score."""
    user = access.signed_in(request)
    statement = access.get_plan_statement(user, statement_id, Permission.MANAGE)
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            void_statement(statement=statement, by=user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "The statement no longer counts in the plan’s wording score.")
            return redirect("child-detail", child_id=statement.plan.child_id)
    return render(
        request,
        "core/void_form.html",
        {"form": form, "child": statement.plan.child, "title": f"Take out of the score: “{statement.text[:80]}”"},
    )
