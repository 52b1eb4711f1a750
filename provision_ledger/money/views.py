from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from provision_ledger.core import access
from provision_ledger.core.access import Permission
from provision_ledger.kit.forms import VoidForm, show_refusal
from provision_ledger.kit.params import recent_day
from provision_ledger.kit.pdf import accessible_pdf
from provision_ledger.kit.spreadsheets import csv_text, download, xlsx_bytes
from provision_ledger.money import actions, queries
from provision_ledger.money.forms import (
    AllocationForm,
    BlockFormSet,
    ChildItemForm,
    ConversionForm,
    EndAllocationForm,
    FundingForm,
    ItemPriceForm,
    RateCardForm,
    ThresholdsForm,
)
from provision_ledger.money.models import RateCard, TimeBlock
from provision_ledger.people.models import Need as ChildNeed
from provision_ledger.people.models import School, User
from provision_ledger.plans.models import Category, DeliveredBy
from provision_ledger.rules.costing import (
    CONTACT_WEEKS,
    Rate,
    RateError,
    financial_year,
    financial_year_bounds,
    financial_year_label,
    hours_for,
    pounds_for,
)
from provision_ledger.rules.money import DEFAULT_YEAR
from provision_ledger.rules.support_time import ACTIVITY_LABELS, Activity, Block


def _year(request: HttpRequest) -> int:
    today_year = financial_year(timezone.localdate())
    try:
        year = int(request.GET.get("year", today_year))
    except ValueError:
        return today_year
    return year if abs(year - today_year) <= 10 else today_year


# Rate cards ------------------------------------------------------------------------------------------------------


def _card_initial(card: RateCard | None) -> dict[str, object]:
    if card is None:
        return {}
    initial: dict[str, object] = {"threshold": card.element_2_threshold}
    for rate in card.staff_rates.all():
        initial[f"rate_{rate.role}"] = rate.rate.annual.quantize(Decimal("0.01"))
        initial[f"source_{rate.role}"] = rate.source
        initial["contact_weeks"] = rate.contact_weeks
    return initial


def _which_form(request: HttpRequest) -> tuple[QueryDict | None, QueryDict | None]:
    """The POST data for the rates form or the item form, whichever was sent; None for the other."""
    if request.method != "POST":
        return None, None
    if request.POST.get("form") == "thresholds":
        return None, None
    return (None, request.POST) if request.POST.get("form") == "item" else (request.POST, None)


@require_http_methods(["GET", "POST"])
def school_rates(request: HttpRequest, urn: str) -> HttpResponse:
    """A school's rates for a year: the defaults, the authority's, and the school's own overrides."""
    user = access.signed_in(request)
    school = access.get_rate_school(user, urn)
    can_manage = access.manages_rates(user, school)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    year = _year(request)
    card = RateCard.objects.filter(school=school, financial_year=year).first()
    posted, item_posted = _which_form(request)
    form = RateCardForm(posted, initial=_card_initial(card), year=year, with_threshold=False)
    item_form = ItemPriceForm(item_posted)
    thresholds_form = ThresholdsForm(
        request.POST if request.POST.get("form") == "thresholds" else None,
        initial={
            "on_track_percent": school.on_track_percent,
            "at_risk_percent": school.at_risk_percent,
            "unrecorded_owed": school.unrecorded_owed,
        },
    )
    if thresholds_form.is_bound and thresholds_form.is_valid():
        actions.save_thresholds(school=school, by=user, **thresholds_form.cleaned_data)
        messages.success(request, "Thresholds saved.")
        return redirect(f"{request.path}?year={year}")
    if form.is_bound and form.is_valid():
        actions.save_rate_card(
            year=year,
            rates=form.rates(),
            by=user,
            school=school,
            contact_weeks=form.cleaned_data["contact_weeks"] or CONTACT_WEEKS,
        )
        messages.success(request, f"Rates for {financial_year_label(year)} saved.")
        return redirect(f"{request.path}?year={year}")
    if item_form.is_bound and item_form.is_valid():
        actions.save_item_price(year=year, school=school, by=user, **item_form.cleaned_data)
        messages.success(request, f"{item_form.cleaned_data['name']} priced for {financial_year_label(year)}.")
        return redirect(f"{request.path}?year={year}")
    return render(
        request,
        "money/rates.html",
        {
            "school": school,
            "year": year,
            "year_label": financial_year_label(year),
            "rows": queries.rate_rows(school, year),
            "form": form if can_manage else None,
            "item_form": item_form if can_manage else None,
            "thresholds_form": thresholds_form if can_manage else None,
            "items": queries.items_in_force(school, year),
            "threshold": queries.element_2_threshold(school, year),
        },
    )


@require_http_methods(["GET", "POST"])
def la_rates(request: HttpRequest) -> HttpResponse:
    """An authority's default rates and Element 2 threshold for a year, set by its officers."""
    user = access.signed_in(request)
    authorities = list(access.authorities_for(user))
    if not authorities:
        return redirect("home")
    # An officer of several authorities chooses which one's rates to set; the first by name until they do.
    la = access.get_authority(user, request.GET.get("la", "")[:10])
    year = _year(request)
    card = RateCard.objects.filter(local_authority=la, financial_year=year).first()
    posted, item_posted = _which_form(request)
    form = RateCardForm(posted, initial=_card_initial(card), year=year, with_threshold=True)
    item_form = ItemPriceForm(item_posted)
    if form.is_bound and form.is_valid():
        actions.save_rate_card(
            year=year,
            rates=form.rates(),
            by=user,
            local_authority=la,
            threshold=form.cleaned_data.get("threshold"),
            contact_weeks=form.cleaned_data["contact_weeks"] or CONTACT_WEEKS,
        )
        messages.success(request, f"Default rates for {la.name}, {financial_year_label(year)}, saved.")
        return redirect(f"{request.path}?{urlencode({'la': la.code, 'year': str(year)})}")
    if item_form.is_bound and item_form.is_valid():
        actions.save_item_price(year=year, local_authority=la, by=user, **item_form.cleaned_data)
        messages.success(request, f"{item_form.cleaned_data['name']} priced for {financial_year_label(year)}.")
        return redirect(f"{request.path}?{urlencode({'la': la.code, 'year': str(year)})}")
    items = card.items.all() if card else []
    return render(
        request,
        "money/la_rates.html",
        {
            "la": la,
            "authorities": authorities,
            "year": year,
            "year_label": financial_year_label(year),
            "form": form,
            "item_form": item_form,
            "items": items,
        },
    )


def _spend_page(request: HttpRequest, schools: list[School], **context: object) -> HttpResponse:
    year = _year(request)
    spend = queries.authority_spend(schools, year, timezone.localdate())
    totals = {
        "planned_hours": sum((s.planned_hours for s in spend), Decimal(0)),
        "planned_cost": sum((s.planned_cost for s in spend), Decimal(0)),
        "delivered_hours": sum((s.delivered_hours for s in spend), Decimal(0)),
        "delivered_cost": sum((s.delivered_cost for s in spend), Decimal(0)),
        "children_topped_up": sum(s.children_topped_up for s in spend),
        "top_up": sum((s.top_up for s in spend), Decimal(0)),
        "personal_budgets": sum((s.personal_budgets for s in spend), Decimal(0)),
    }
    return render(
        request,
        "money/authority_spend.html",
        {"spend": spend, "totals": totals, "year": year, "year_label": financial_year_label(year), **context},
    )


def authority_spend(request: HttpRequest) -> HttpResponse:
    """For an authority's officers: what each school delivered this financial year, at cost, and the top-ups agreed."""
    user = access.signed_in(request)
    if not access.is_officer(user):
        return redirect("home")
    return _spend_page(request, list(access.authority_schools(user).order_by("name")))


def trust_spend(request: HttpRequest, trust_id: int) -> HttpResponse:
    """The same, for a trust's schools (whichever authorities they sit in): for its SEND lead and rates manager."""
    user = access.signed_in(request)
    trust = access.get_trust(user, trust_id)  # 404 outside the person's trusts
    return _spend_page(request, list(access.trust_schools(user, trust)), trust=trust)


# A child's funding -----------------------------------------------------------------------------------------------


def _conversion(request: HttpRequest, rates: dict[str, tuple[Rate, str]]) -> tuple[ConversionForm, object, str]:
    data = request.GET if ("pounds" in request.GET or "hours" in request.GET) else None
    form = ConversionForm(data, initial={"pounds": 6000, "role": DeliveredBy.TA})
    if form.is_bound and form.is_valid():
        role = form.cleaned_data["role"]
        name = dict(DeliveredBy.choices)[role]
        if role not in rates:
            return form, None, f"There is no rate for {name} this year, so no conversion can be made."
        rate = rates[role][0]
        try:
            if form.cleaned_data["pounds"] is not None:
                return form, ("pounds", name, hours_for(form.cleaned_data["pounds"], rate)), ""
            if form.cleaned_data["hours"] is not None:
                return form, ("hours", name, pounds_for(form.cleaned_data["hours"], rate)), ""
        except RateError as error:
            return form, None, str(error)
    default = rates.get(DeliveredBy.TA)
    if default is None:
        return form, None, ""
    return form, ("pounds", "Teaching assistant", hours_for(Decimal(6000), default[0])), ""


def child_funding(request: HttpRequest, child_id: int) -> HttpResponse:
    """What the child's provision costs this financial year, how it is funded, and what was delivered."""
    user = access.signed_in(request)
    child = access.get_child(user, child_id, Permission.FUNDING, reading="the funding page")
    year = _year(request)
    report = queries.funding_report(child, year, timezone.localdate())
    rates = queries.rates_in_force(child, financial_year_bounds(year)[0])
    form, conversion, conversion_problem = _conversion(request, rates)
    return render(
        request,
        "money/funding.html",
        {
            "child": child,
            "report": report,
            "year_label": financial_year_label(year),
            "year": year,
            "conversion_form": form,
            "conversion": conversion,
            "conversion_problem": conversion_problem,
            "no_rate_year": not rates,
            "default_year_label": financial_year_label(DEFAULT_YEAR),
            "can_manage": access.allows(user, child, Permission.MANAGE),
        },
    )


@require_http_methods(["GET", "POST"])
def child_funding_edit(request: HttpRequest, child_id: int) -> HttpResponse:
    user = access.signed_in(request)
    child = access.get_child(user, child_id, Permission.MANAGE)
    year = _year(request)
    record = child.funding.filter(financial_year=year).first()
    form = FundingForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        actions.save_child_funding(child=child, year=year, by=user, **form.cleaned_data)
        messages.success(request, "Funding saved.")
        return redirect(f"{reverse('child-funding', args=[child.pk])}?year={year}")
    return render(
        request,
        "includes/simple_form.html",
        {"form": form, "child": child, "title": f"Funding for {financial_year_label(year)}"},
    )


@require_http_methods(["GET", "POST"])
def child_items(request: HttpRequest, child_id: int) -> HttpResponse:
    """Record a non-staff item provided for the child: it counts in the year's cost."""
    user = access.signed_in(request)
    child = access.get_child(user, child_id, Permission.MANAGE)
    year = _year(request)
    form = ChildItemForm(request.POST or None, items=queries.items_in_force(child.school, year))
    if request.method == "POST" and form.is_valid():
        actions.add_child_item(child=child, year=year, by=user, **form.cleaned_data)
        messages.success(request, f"{form.cleaned_data['item'].name} recorded.")
        return redirect(f"{reverse('child-funding', args=[child.pk])}?year={year}")
    return render(
        request,
        "money/child_items.html",
        {
            "child": child,
            "form": form,
            "year": year,
            "year_label": financial_year_label(year),
            "title": f"Record an item provided for {child.first_name}",
        },
    )


@require_http_methods(["GET", "POST"])
def child_item_void(request: HttpRequest, item_id: int) -> HttpResponse:
    user = access.signed_in(request)
    item = access.get_child_item(user, item_id, Permission.MANAGE)
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.void_child_item(item=item, by=user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return redirect(f"{reverse('child-funding', args=[item.child_id])}?year={item.financial_year}")
    return render(request, "core/void_form.html", {"form": form, "child": item.child, "title": f"Void: {item}"})


def cost_statement_pdf(request: HttpRequest, child_id: int) -> HttpResponse:
    """The funding page as a PDF, for the child's annual review."""
    child = access.get_child(
        access.signed_in(request), child_id, Permission.FUNDING, reading="the cost statement (PDF)"
    )
    year = _year(request)
    report = queries.funding_report(child, year, timezone.localdate())
    html = render_to_string(
        "money/cost_statement.html",
        {"child": child, "report": report, "year_label": financial_year_label(year), "generated_at": timezone.now()},
        request=request,
    )
    filename = f"{child.first_name}-{child.last_name}-costs-{financial_year_label(year)}.pdf".lower()
    return download(accessible_pdf(html), "application/pdf", filename)


# Support time ----------------------------------------------------------------------------------------------------


def _term_start(child_school: School, today: date) -> date:
    started = [t for t in child_school.calendar().terms if t.start <= today]
    return max(started, key=lambda t: t.start).start if started else today - timedelta(weeks=12)


def support_time(request: HttpRequest, child_id: int) -> HttpResponse:
    """Allocated support time against time actually spent with the child, week by week, and where the rest went."""
    user = access.signed_in(request)
    child = access.get_child(user, child_id, Permission.FUNDING, reading="where support time went")
    today = timezone.localdate()
    start = _term_start(child.school, today)
    accounts = queries.allocation_accounts(child, start, today)
    return render(
        request,
        "money/support_time.html",
        {
            "child": child,
            "accounts": accounts,
            "start": start,
            "today": today,
            "activities": list(Activity),
            "labels": ACTIVITY_LABELS,
            # A parent sees the child's totals, not which member of staff logged what.
            "show_staff": access.allows(user, child, Permission.STAFF_TIME),
        },
    )


@require_http_methods(["GET", "POST"])
def allocation_edit(request: HttpRequest, child_id: int) -> HttpResponse:
    user = access.signed_in(request)
    child = access.get_child(user, child_id, Permission.MANAGE)
    staff = User.objects.filter(assignments__child=child).order_by("last_name", "first_name")
    form = AllocationForm(request.POST or None, staff=staff, initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_allocation(
                child=child,
                staff=form.cleaned_data["staff"],
                role=form.cleaned_data["role"],
                weekly_minutes=int(form.cleaned_data["hours_per_week"] * 60),
                timetable=form.timetable(),
                start_date=form.cleaned_data["start_date"],
                by=user,
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "Support time allocated.")
            return redirect("allocation-edit", child_id=child.pk)
    return render(
        request,
        "money/allocations.html",
        {"child": child, "form": form, "allocations": child.allocations.select_related("staff")},
    )


@require_http_methods(["GET", "POST"])
def allocation_end(request: HttpRequest, allocation_id: int) -> HttpResponse:
    user = access.signed_in(request)
    allocation = access.get_allocation(user, allocation_id, Permission.MANAGE)
    form = EndAllocationForm(request.POST or None, initial={"end_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.end_allocation(allocation=allocation, by=user, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"The allocation ends on {allocation.end_date:%-d %B %Y}.")
            return redirect("allocation-edit", child_id=allocation.child_id)
    return render(
        request, "money/allocation_end.html", {"allocation": allocation, "child": allocation.child, "form": form}
    )


def time_logs(request: HttpRequest) -> HttpResponse:
    """A member of staff's allocations, each with a link to log today's time."""
    user = access.signed_in(request)
    today = timezone.localdate()
    current = access.own_allocations(user).filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    return render(request, "money/time_logs.html", {"allocations": current})


@require_http_methods(["GET", "POST"])
def time_log(request: HttpRequest, child_id: int) -> HttpResponse:
    """A day of a member of staff's allocated time for a child: pre-filled from the timetable, change what differed."""
    user = access.signed_in(request)
    child = access.get_child(user, child_id, Permission.LOG)
    day = recent_day(request)
    allocation = access.own_allocations(user).filter(child=child, start_date__lte=day).order_by("-start_date").first()
    if allocation is None:
        return render(request, "money/time_log.html", {"child": child, "day": day, "allocation": None})
    logged = list(TimeBlock.objects.current().filter(allocation=allocation, date=day))
    if logged:
        initial = [{"start": b.start, "end": b.end, "activity": b.activity} for b in logged]
    else:
        initial = [
            {"start": b.start, "end": b.end, "activity": b.activity.value}
            for b in allocation.timetable_on(day.weekday())
        ]
    if request.method == "POST":
        # Without `initial`, a block left as the timetable pre-filled it counts as filled in, not as unchanged.
        formset = BlockFormSet(request.POST, prefix="block")
    else:
        formset = BlockFormSet(initial=initial, prefix="block")
    problems: list[str] = []
    if request.method == "POST" and formset.is_valid():
        blocks = [
            Block(f.cleaned_data["start"], f.cleaned_data["end"], Activity(f.cleaned_data["activity"]))
            for f in formset.forms
            if f.cleaned_data.get("start") and f.cleaned_data.get("end")
        ]
        try:
            actions.log_day(
                allocation=allocation, day=day, blocks=blocks, by=user, reason=request.POST.get("reason", "")
            )
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(request, f"Time for {day:%A %-d %B} saved.")
            return redirect(f"{request.path}?date={day.isoformat()}")
    return render(
        request,
        "money/time_log.html",
        {
            "child": child,
            "day": day,
            "allocation": allocation,
            "formset": formset,
            "logged": bool(logged),
            "reason": request.POST.get("reason", ""),
            "problems": problems,
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1) if day < timezone.localdate() else None,
        },
    )


# The school provision map ----------------------------------------------------------------------------------------


def _map(request: HttpRequest, urn: str) -> tuple[School, queries.ProvisionMap, dict[str, str]]:
    school = access.get_school(access.signed_in(request), urn)
    chosen = {
        "category": request.GET.get("category", "") if request.GET.get("category") in Category.values else "",
        "need": request.GET.get("need", "") if request.GET.get("need") in ChildNeed.values else "",
        "sort": request.GET.get("sort", "child") if request.GET.get("sort") in queries.MAP_SORTS else "child",
    }
    return school, queries.provision_map(school, _year(request), timezone.localdate(), **chosen), chosen


def provision_map(request: HttpRequest, urn: str) -> HttpResponse:
    school, the_map, chosen = _map(request, urn)
    return render(
        request,
        "money/provision_map.html",
        {
            "school": school,
            "map": the_map,
            "chosen": chosen,
            "year_label": financial_year_label(the_map.year),
            "categories": Category.choices,
            "needs": ChildNeed.choices,
            "sorts": [
                ("child", "Child"),
                ("category", "Category"),
                ("need", "Permission"),
                ("planned", "Planned cost, highest first"),
                ("delivered", "Delivered cost, highest first"),
            ],
            "query": request.GET.urlencode(),
            "can_manage": access.manages_school(access.signed_in(request), school),
        },
    )


def _map_filename(school: School, year: int, extension: str) -> str:
    return f"provision-map-{school.urn}-{financial_year_label(year)}.{extension}"


def provision_map_csv(request: HttpRequest, urn: str) -> HttpResponse:
    school, the_map, _ = _map(request, urn)
    body = csv_text(queries.map_table(the_map), queries.MAP_COLUMNS)
    return download(body, "text/csv; charset=utf-8", _map_filename(school, the_map.year, "csv"))


def provision_map_xlsx(request: HttpRequest, urn: str) -> HttpResponse:
    school, the_map, _ = _map(request, urn)
    body = xlsx_bytes(
        queries.map_table(the_map), queries.MAP_COLUMNS, f"Provision {financial_year_label(the_map.year)}"
    )
    return download(
        body,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _map_filename(school, the_map.year, "xlsx"),
    )
