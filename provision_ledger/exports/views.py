from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from provision_ledger.audit.chain import seal
from provision_ledger.core import access
from provision_ledger.core.access import Permission
from provision_ledger.exports.record import sessions_csv, whole_record
from provision_ledger.kit.pdf import accessible_pdf
from provision_ledger.kit.spreadsheets import download
from provision_ledger.people.models import Child
from provision_ledger.statements import child_statement


def _filename(child: Child, extension: str) -> str:
    return f"{child.first_name}-{child.last_name}-record-{timezone.localdate():%Y-%m-%d}.{extension}".lower()


def record_pdf(request: HttpRequest, child_id: int) -> HttpResponse:
    child = access.get_child(access.signed_in(request), child_id, Permission.EXPORT, reading="the statement (PDF)")
    statement = child_statement(child, timezone.localdate())
    html = render_to_string(
        "exports/statement.html",
        {
            "child": child,
            "statement": statement,
            "generated_at": timezone.now(),
            "seal": seal(child.local_authority_id),
        },
        request=request,
    )
    return download(accessible_pdf(html), "application/pdf", _filename(child, "pdf"))


def record_csv(request: HttpRequest, child_id: int) -> HttpResponse:
    child = access.get_child(access.signed_in(request), child_id, Permission.EXPORT, reading="every session (CSV)")
    return download(sessions_csv(child), "text/csv; charset=utf-8", _filename(child, "csv"))


def record_json(request: HttpRequest, child_id: int) -> HttpResponse:
    user = access.signed_in(request)
    child = access.get_child(user, child_id, Permission.EXPORT, reading="everything held (JSON)")
    body = json.dumps(whole_record(child, user, family=access.is_family(user, child)), cls=DjangoJSONEncoder, indent=2)
    return download(body, "application/json", _filename(child, "json"))
