"""A SENCO takes in a Common Transfer File: upload, read the report pupil by pupil, confirm. And a child's SEN summary
as a CTF for the school that receives them."""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone

from provision_ledger.census import actions, ctf, reconcile
from provision_ledger.census.models import CtfUpload
from provision_ledger.core import access
from provision_ledger.kit.spreadsheets import download
from provision_ledger.people.models import School, User
from provision_ledger.rules.census import next_census_day


class UploadForm(forms.Form):
    file = forms.FileField(label="Common Transfer File", help_text="The XML file your MIS exported (CTF).")

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > ctf.MAX_BYTES:
            raise forms.ValidationError("The file is larger than 20 MB: export the SEN pupils only.")
        return upload


def _senco(request: HttpRequest, urn: str) -> tuple[User, School]:
    user = request.user
    assert isinstance(user, User)
    school = access.get_school(user, urn)  # 404 outside the person's reach
    if not access.manages_school(user, school):
        raise PermissionDenied
    return user, school


def _checked(upload: CtfUpload, school: School) -> tuple[ctf.Transfer | None, list[ctf.Problem]]:
    try:
        transfer = ctf.read_transfer(bytes(upload.data), today=timezone.localdate())
    except ctf.CtfRefused as refused:
        return None, refused.problems
    return transfer, ctf.destination(transfer, school)


def transfer_upload(request: HttpRequest, urn: str) -> HttpResponse:
    user, school = _senco(request, urn)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        upload = actions.keep_upload(school=school, by=user, filename=file.name, data=file.read())
        return redirect("transfer-check", urn=school.urn, upload_id=upload.pk)
    return render(request, "census/transfer_upload.html", {"school": school, "form": form})


def transfer_check(request: HttpRequest, urn: str, upload_id: int) -> HttpResponse:
    user, school = _senco(request, urn)
    upload = access.get_ctf_upload(user, upload_id)
    if upload.school_id != school.pk:
        raise PermissionDenied
    transfer, problems = _checked(upload, school)
    today = timezone.localdate()
    if request.method == "POST" and transfer is not None and not problems and upload.imported_at is None:
        try:
            done = actions.import_upload(upload=upload, transfer=transfer, school=school, by=user, today=today)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("school-overview", urn=school.urn)
        added = sum(1 for o in done.outcomes if o.created)
        messages.success(
            request,
            f"Imported {len(done.outcomes)} pupil{'s' if len(done.outcomes) != 1 else ''} from {upload.filename}: "
            f"{added} new, {len(done.outcomes) - added} updated.",
        )
        return redirect("school-overview", urn=school.urn)
    report = ctf.describe(transfer, school, today) if transfer is not None and not problems else None
    return render(
        request,
        "census/transfer_check.html",
        {"school": school, "upload": upload, "transfer": transfer, "problems": problems, "report": report},
    )


def sen_summary_ctf(request: HttpRequest, child_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    child = access.get_child(user, child_id, access.Permission.MANAGE, reading="the SEN summary for a receiving school")
    to = request.GET.get("to", "").strip()
    if to and not re.fullmatch(r"\d{7}", to):
        return HttpResponseBadRequest("to: give the receiving school's LAESTAB, seven digits such as 8893001.")
    return download(
        ctf.export_sen_summary(child, to_laestab=to), "application/xml", f"sen-summary-{child.upn or child.pk}.xml"
    )


class ExportForm(forms.Form):
    file = forms.FileField(label="The MIS's census export (CSV)")


def _session_key(school: School) -> str:
    return f"census-export-{school.pk}"


def census_check(request: HttpRequest, urn: str) -> HttpResponse:
    """Before census day: the children on whom the MIS export and the ledger disagree, with one action each."""
    user, school = _senco(request, urn)
    today = timezone.localdate()
    day = next_census_day(today)
    form = ExportForm(request.POST or None, request.FILES or None)
    problem = ""
    if request.method == "POST" and "fix" not in request.POST and form.is_valid():
        data = form.cleaned_data["file"].read()
        try:
            reconcile.read_export(data)
        except reconcile.ExportRefused as refused:
            problem = str(refused)
        else:
            request.session[_session_key(school)] = data.decode("utf-8-sig", errors="replace")
            return redirect("census-check", urn=school.urn)
    stored = request.session.get(_session_key(school))
    rows = reconcile.read_export(stored.encode()) if stored else None
    children = list(access.children_for(user).filter(school=school))
    if request.method == "POST" and "fix" in request.POST and rows is not None:
        row = next((r for r in rows if r.upn == request.POST.get("upn")), None)
        child = next((c for c in children if row is not None and c.upn == row.upn), None)
        if row is None or child is None:
            return HttpResponseBadRequest("upn: no such child in the export and the ledger.")
        if request.POST["fix"] == "needs":
            reconcile.use_mis_needs(child, row, by=user, today=today)
        elif request.POST["fix"] == "top_up":
            reconcile.use_mis_top_up(child, row, by=user)
        else:
            return HttpResponseBadRequest("fix: not a change the ledger can make.")
        messages.success(request, f"{child.full_name}: the ledger now agrees with the MIS.")
        return redirect("census-check", urn=school.urn)
    found = reconcile.disagreements(school, children, rows, day.day) if rows is not None else None
    return render(
        request,
        "census/census_check.html",
        {"school": school, "census_day": day, "form": form, "problem": problem, "found": found},
    )
