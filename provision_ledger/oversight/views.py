"""The authority's pages: read only, for its officers. Every figure is summed in the database (see queries)."""

from __future__ import annotations

import io
import zipfile

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone

from provision_ledger.core import access
from provision_ledger.kit.params import school_year
from provision_ledger.kit.spreadsheets import csv_text, download
from provision_ledger.oversight import opendata, queries
from provision_ledger.people.models import School, User
from provision_ledger.trusts.models import Trust


def _officer(request: HttpRequest) -> tuple[User, frozenset[int]]:
    """The signed-in officer and their authorities; anyone else is refused (403)."""
    user = request.user
    assert isinstance(user, User)
    if not access.is_officer(user):
        raise PermissionDenied
    return user, access.officer_authority_ids(user)


def _dashboard(request: HttpRequest) -> queries.Dashboard:
    user, la_ids = _officer(request)
    schools = list(access.schools_for(user).filter(local_authority_id__in=la_ids).order_by("name"))
    return queries.dashboard(schools, la_ids, timezone.localdate(), school_year(request))


def authority_delivery(request: HttpRequest) -> HttpResponse:
    try:
        board = _dashboard(request)
    except ValueError as error:
        return HttpResponseBadRequest(str(error))
    return render(request, "oversight/dashboard.html", {"board": board, "categories": queries.CATEGORIES})


def _trust_dashboard(request: HttpRequest, trust_id: int) -> tuple[Trust, queries.Dashboard]:
    """A trust's schools, whichever authorities they sit in, summed by the authority's own query: for its SEND lead."""
    user = request.user
    assert isinstance(user, User)
    trust = access.get_trust(user, trust_id)  # 404 outside the person's trusts
    if not access.leads_trust(user, trust):
        raise PermissionDenied
    schools = list(access.trust_schools(user, trust))
    la_ids = {school.local_authority_id for school in schools}
    return trust, queries.dashboard(schools, la_ids, timezone.localdate(), school_year(request))


def trust_delivery(request: HttpRequest, trust_id: int) -> HttpResponse:
    try:
        trust, board = _trust_dashboard(request, trust_id)
    except ValueError as error:
        return HttpResponseBadRequest(str(error))
    return render(
        request, "oversight/dashboard.html", {"board": board, "categories": queries.CATEGORIES, "trust": trust}
    )


def trust_delivery_csv(request: HttpRequest, trust_id: int) -> HttpResponse:
    try:
        trust, board = _trust_dashboard(request, trust_id)
    except ValueError as error:
        return HttpResponseBadRequest(str(error))
    filename = f"delivery-trust-{trust.pk}-{board.window.start:%Y}-{board.window.end:%Y-%m}.csv"
    return _csv(queries.dashboard_rows(board), filename)


def authority_trend(request: HttpRequest) -> HttpResponse:
    """Month by month across the authority: a page of its own, as it is a second pass over the year's sessions."""
    user, la_ids = _officer(request)
    try:
        window = queries.authority_window(timezone.localdate(), school_year(request))
    except ValueError as error:
        return HttpResponseBadRequest(str(error))
    school_ids = access.schools_for(user).filter(local_authority_id__in=la_ids).values_list("pk", flat=True)
    months = queries.trend(la_ids, window, school_ids)
    peak = max((m.percent or 0 for m in months), default=100)
    return render(request, "oversight/trend.html", {"window": window, "months": months, "peak": max(peak, 100)})


def _csv(rows: list[list[object]], filename: str) -> HttpResponse:
    return download(csv_text(rows), "text/csv; charset=utf-8", filename)


def authority_delivery_csv(request: HttpRequest) -> HttpResponse:
    try:
        board = _dashboard(request)
    except ValueError as error:
        return HttpResponseBadRequest(str(error))
    return _csv(queries.dashboard_rows(board), f"delivery-{board.window.start:%Y}-{board.window.end:%Y-%m}.csv")


def authority_school(request: HttpRequest, urn: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    school: School = access.get_school(user, urn)  # 404 outside the person's reach
    _, la_ids = _officer(request)
    if school.local_authority_id not in la_ids:
        raise PermissionDenied
    try:
        window = queries.authority_window(timezone.localdate(), school_year(request))
    except ValueError as error:
        return HttpResponseBadRequest(str(error))
    rows = queries.children_of_school(school, window)
    children = access.children_for(user).in_bulk([child_id for child_id, _ in rows])
    return render(
        request,
        "oversight/school.html",
        {
            "school": school,
            "window": window,
            "rows": [(children[child_id], figures) for child_id, figures in rows if child_id in children],
        },
    )


def open_statistics_zip(request: HttpRequest) -> HttpResponse:
    """The open statistics in the DfE's published format: a data file and a meta file for each table, zipped."""
    _, la_ids = _officer(request)
    today = timezone.localdate()
    try:
        term = opendata.parse_term(request.GET.get("term", ""), today)
        files = opendata.ees_files(opendata.open_statistics(sorted(la_ids), term), today)
    except ValueError as error:
        return HttpResponseBadRequest(str(error))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))
    suffix = "-provisional" if opendata.is_provisional(term, today) else ""
    return download(out.getvalue(), "application/zip", f"open-statistics-{term.slug}{suffix}.zip")
