"""A service's delivery figures, for its managers; and for a school, which of its children's lines services deliver
and how they are doing. Every figure is the authority's own (services.figures)."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from provision_ledger.core import access
from provision_ledger.kit.params import school_year
from provision_ledger.oversight.queries import authority_window
from provision_ledger.services import figures
from provision_ledger.services.models import Commission


def service_delivery(request: HttpRequest, service_id: int) -> HttpResponse:
    """The service's delivery by school and by commissioner: for its managers (its practitioners are refused)."""
    user = access.signed_in(request)
    service = access.get_service(user, service_id)  # 404 outside the person's services
    if not access.manages_service(user, service):
        raise PermissionDenied
    try:
        window = authority_window(timezone.localdate(), school_year(request))
    except ValueError as error:
        return HttpResponseBadRequest(str(error))
    delivery = figures.delivery_of(Commission.objects.filter(service=service), window)
    return render(request, "services/service.html", {"service": service, "delivery": delivery})


class SchoolRow(NamedTuple):
    """A line a service delivers at the school, as the person may see it: `left_on` for a child who has left."""

    child_name: str
    description: str
    url: str
    left_on: date | None
    service_line: figures.ServiceLine


def school_services(request: HttpRequest, urn: str) -> HttpResponse:
    """Which of the school's children's lines each service delivers, and how each is doing: for a child who joined or
    left in the year, over their time at the school only."""
    user = access.signed_in(request)
    school = access.get_school(user, urn)  # 404 outside the person's reach
    try:
        window = authority_window(timezone.localdate(), school_year(request))
    except ValueError as error:
        return HttpResponseBadRequest(str(error))
    delivery = figures.delivery_of(Commission.objects.filter(school=school), window)
    # Names come through access: only the children the person reaches are listed, a child who left as the school
    # knew them (their record since is not the school's).
    ids = [row.line_id for row in delivery.lines]
    present = access.lines_for(user).in_bulk(ids)
    earlier = access.earlier_lines_at(user, school, set(ids) - set(present))
    by_service: dict[int, tuple[str, list[SchoolRow]]] = {}
    for row in delivery.lines:
        if (line := present.get(row.line_id)) is not None:
            url = reverse("line-detail", args=[line.pk])
            shown = SchoolRow(line.plan.child.full_name, str(line), url, None, row)
        elif row.line_id in earlier:
            version, stay = earlier[row.line_id]
            url = reverse("child-earlier", args=[stay.child_id])
            shown = SchoolRow(stay.child.full_name, version.description, url, stay.ended_on, row)
        else:
            continue
        by_service.setdefault(row.commission.service_id, (str(row.commission.service), []))[1].append(shown)
    return render(
        request,
        "services/school.html",
        {"school": school, "delivery": delivery, "services": list(by_service.values())},
    )
