from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from provision_ledger.core import access
from provision_ledger.core.access import Permission
from provision_ledger.kit.forms import VoidForm, show_refusal
from provision_ledger.plans import actions
from provision_ledger.plans.forms import AmendLineForm, LineForm, PlanForm
from provision_ledger.plans.queries import current_plan
from provision_ledger.submissions import keys
from provision_ledger.wording.checks import check_form_data, check_version


@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, child_id: int) -> HttpResponse:
    user = access.signed_in(request)
    child = access.get_child(user, child_id, Permission.MANAGE)
    form = PlanForm(request.POST or None, replacing=current_plan(child))
    if request.method == "POST" and form.is_valid():
        try:
            plan = actions.create_plan(child=child, by=user, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return redirect("line-create", plan_id=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "child": child, "title": "New plan"})


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = access.signed_in(request)
    plan = access.get_plan(user, plan_id, Permission.MANAGE)
    # Initial values, not the instance: the form must not alter the plan before the action records "before".
    form = PlanForm(request.POST or None, initial=model_to_dict(plan))
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "replaces_confirmed"}
        try:
            actions.update_plan(plan=plan, by=user, **changes)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return redirect("child-detail", child_id=plan.child_id)
    return render(request, "plans/plan_form.html", {"form": form, "child": plan.child, "title": "Change plan"})


def _typed(form_class: type[LineForm], request: HttpRequest) -> LineForm:
    """The form as typed, unbound: checking the wording shows findings, not "this field is required"."""
    data: dict[str, object] = {name: request.POST.get(name) for name in request.POST if name != "weekdays"}
    data["weekdays"] = request.POST.getlist("weekdays")
    return form_class(initial=data)


def _checking_wording(request: HttpRequest) -> bool:
    """A request to check the wording as typed (htmx as the SENCO types, or the button): nothing is saved."""
    return request.method == "POST" and "check_wording" in request.POST


def _from_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _wording_panel(request: HttpRequest) -> HttpResponse:
    return render(request, "wording/_line_check.html", {"wording": check_form_data(request.POST), "checked": True})


@keys.shows_previews
@require_http_methods(["GET", "POST"])
def line_create(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = access.signed_in(request)
    plan = access.get_plan(user, plan_id, Permission.MANAGE)
    if _checking_wording(request) and _from_htmx(request):
        return _wording_panel(request)
    checking = _checking_wording(request)
    form = (
        _typed(LineForm, request)
        if checking
        else LineForm(request.POST or None, initial={"start_date": plan.start_date})
    )
    if request.method == "POST" and not checking and form.is_valid():
        try:
            actions.add_line(plan=plan, by=user, **form.terms())
        except ValidationError as error:
            show_refusal(form, error)
        else:
            if "add_another" in request.POST:
                return redirect("line-create", plan_id=plan.pk)
            return redirect("child-detail", child_id=plan.child_id)
    return render(
        request,
        "plans/line_form.html",
        {
            "form": form,
            "plan": plan,
            "child": plan.child,
            "title": "Add a provision line",
            "wording": check_form_data(request.POST) if request.method == "POST" else None,
            "checked": request.method == "POST",
        },
    )


@keys.shows_previews
@require_http_methods(["GET", "POST"])
def line_amend(request: HttpRequest, line_id: int) -> HttpResponse:
    user = access.signed_in(request)
    line = access.get_line(user, line_id, Permission.MANAGE)
    current = line.current_version
    if _checking_wording(request) and _from_htmx(request):
        return _wording_panel(request)
    checking = _checking_wording(request)
    form = (
        _typed(AmendLineForm, request)
        if checking
        else AmendLineForm(request.POST or None, initial=model_to_dict(current) if current else None)
    )
    if request.method == "POST" and not checking and form.is_valid():
        try:
            actions.amend_line(
                line=line,
                by=user,
                effective_from=form.cleaned_data["effective_from"],
                reason=form.cleaned_data["reason"],
                **form.terms(),
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return redirect("child-detail", child_id=line.plan.child_id)
    return render(
        request,
        "plans/line_form.html",
        {
            "form": form,
            "plan": line.plan,
            "child": line.plan.child,
            "line": line,
            "title": f"Amend: {current}",
            # The wording as typed, or as the line now reads.
            "wording": check_form_data(request.POST)
            if request.method == "POST"
            else (check_version(current) if current else None),
            "checked": True,
        },
    )


@require_http_methods(["GET", "POST"])
def line_void(request: HttpRequest, line_id: int) -> HttpResponse:
    user = access.signed_in(request)
    line = access.get_line(user, line_id, Permission.MANAGE)
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.void_line(line=line, by=user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return redirect("child-detail", child_id=line.plan.child_id)
    return render(
        request,
        "core/void_form.html",
        {"form": form, "child": line.plan.child, "title": f"Void the line: {line}"},
    )
