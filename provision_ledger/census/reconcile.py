"""Before census day: where the school's MIS and the ledger disagree about a child's SEN provision, needs or top-up.

The MIS export is a CSV with a header row: upn, sen_provision (N, K or E), primary_need, secondary_need (census
codes) and top_up_funding (true or false). Each disagreement comes with the one thing to do about it: a change the
ledger can make now (with its audit event), a page of the ledger to complete, or what to correct in the MIS.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q

from provision_ledger.audit.actions import record_event, snapshot
from provision_ledger.audit.models import AuditEvent
from provision_ledger.census.models import NeedRecord
from provision_ledger.census.queries import ranked_needs
from provision_ledger.people.models import Child, Need, School, SenStatus, User
from provision_ledger.plans.models import Funder, LineVersion, Plan
from provision_ledger.rules.census import provision_for

COLUMNS = ("upn", "sen_provision", "primary_need", "secondary_need", "top_up_funding")
TRUE, FALSE = {"true", "1", "yes", "y"}, {"false", "0", "no", "n", ""}


class ExportRefused(Exception):
    pass


@dataclass(frozen=True)
class MisRow:
    upn: str
    provision: str
    primary: str
    secondary: str
    top_up: bool


@dataclass(frozen=True)
class Action:
    label: str
    kind: str  # "ledger" (a button: the ledger changes now), "page" (a link), "mis" (to correct in the MIS)
    url: str = ""
    fix: str = ""  # for "ledger": which fix the button applies


@dataclass(frozen=True)
class Disagreement:
    child: Child | None
    upn: str
    topic: str  # "SEN provision", "Needs", "Top-up funding", "On roll"
    mis: str
    ledger: str
    action: Action


def read_export(data: bytes) -> list[MisRow]:
    """The MIS export's rows, or ExportRefused naming the row and column."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="strict") if _is_cp1252(data) else ""
        if not text:
            raise ExportRefused("The file is not in UTF-8 or Windows-1252: save it as CSV UTF-8.") from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ExportRefused(f"Row 1: the header row has no {', '.join(missing)} column.")
    rows, seen = [], set()
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        row = dict(zip(header, (v.strip() for v in values), strict=False))
        upn = row.get("upn", "").upper()
        provision = row.get("sen_provision", "").upper()
        primary, secondary = row.get("primary_need", "").upper(), row.get("secondary_need", "").upper()
        top_up = row.get("top_up_funding", "").lower()
        if not upn or upn in seen:
            raise ExportRefused(f"Row {number}, column upn: {'is empty' if not upn else upn + ' appears twice'}.")
        if provision not in {"N", "K", "E"}:
            raise ExportRefused(f"Row {number}, column sen_provision: “{provision[:4]}” is not N, K or E.")
        for column, code in (("primary_need", primary), ("secondary_need", secondary)):
            if code and code not in Need.values:
                raise ExportRefused(f"Row {number}, column {column}: “{code[:6]}” is not a census type of need.")
        if top_up not in TRUE | FALSE:
            raise ExportRefused(f"Row {number}, column top_up_funding: “{top_up[:6]}” is not true or false.")
        seen.add(upn)
        rows.append(MisRow(upn, provision, primary, secondary, top_up in TRUE))
    return rows


def _is_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def disagreements(school: School, children: list[Child], rows: list[MisRow], census_day: date) -> list[Disagreement]:
    """Every child on whom the MIS and the ledger disagree on census day, each with one action (four queries)."""
    by_upn = {c.upn: c for c in children if c.upn}
    plans = dict(
        Plan.objects.filter(child__in=children, status=Plan.Status.ACTIVE, start_date__lte=census_day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=census_day))
        .order_by("child_id", "start_date")
        .values_list("child_id", "kind")
    )
    la_funded = set(
        LineVersion.objects.filter(
            line__plan__child__in=children, line__voided_at__isnull=True, funder=Funder.LA
        ).values_list("line__plan__child_id", flat=True)
    )
    needs = ranked_needs([c.pk for c in children], census_day)
    found: list[Disagreement] = []
    listed = set()
    for row in rows:
        child = by_upn.get(row.upn)
        if child is None:
            if row.provision in ("K", "E"):
                found.append(
                    Disagreement(
                        None,
                        row.upn,
                        "On roll",
                        f"{row.provision}, on roll",
                        "not in the ledger",
                        Action("Take in the child's Common Transfer File", "page", f"/schools/{school.urn}/transfer/"),
                    )
                )
            continue
        listed.add(child.pk)
        kind = plans.get(child.pk)
        wanted = provision_for(kind)
        if wanted is None:
            found.append(
                Disagreement(
                    child,
                    row.upn,
                    "SEN provision",
                    row.provision,
                    "a plan from before 2014",
                    Action("Review the plan: the census has no code for it", "page", f"/children/{child.pk}/"),
                )
            )
        elif wanted != row.provision:
            found.append(
                Disagreement(
                    child,
                    row.upn,
                    "SEN provision",
                    row.provision,
                    _plan_said(kind),
                    _provision_action(child, row.provision, wanted),
                )
            )
        ranked = [n.need for n in needs.get(child.pk, [])][:2] or [child.primary_need, child.secondary_need]
        ledger_needs = [*ranked, ""][:2]
        if row.provision != "N" and [row.primary, row.secondary] != ledger_needs:
            found.append(
                Disagreement(
                    child,
                    row.upn,
                    "Needs",
                    _needs_said(row.primary, row.secondary),
                    _needs_said(*ledger_needs),
                    Action(f"Record {_needs_said(row.primary, row.secondary)} in the ledger", "ledger", fix="needs"),
                )
            )
        ledger_top_up = child.top_up_funding or child.pk in la_funded
        if row.top_up != ledger_top_up:
            if child.pk in la_funded and not row.top_up:
                action = Action("Set the top-up funding indicator in the MIS: the authority funds a line", "mis")
            else:
                action = Action(
                    "Set the ledger's top-up indicator to " + ("yes" if row.top_up else "no"), "ledger", fix="top_up"
                )
            found.append(
                Disagreement(
                    child,
                    row.upn,
                    "Top-up funding",
                    "yes" if row.top_up else "no",
                    "yes" if ledger_top_up else "no",
                    action,
                )
            )
    for child in children:
        if child.pk not in listed and plans.get(child.pk):
            found.append(
                Disagreement(
                    child,
                    child.upn,
                    "On roll",
                    "not in the export",
                    _plan_said(plans[child.pk]),
                    Action("Check the child is on roll in the MIS, with their SEN provision", "mis"),
                )
            )
    return found


def _plan_said(kind: str | None) -> str:
    return {"ehc_plan": "E (EHC plan in force)", "sen_support": "K (SEN support plan in force)"}.get(
        kind or "", "N (no plan in force)"
    )


def _needs_said(primary: str, secondary: str) -> str:
    return f"{primary or '–'} (1), {secondary} (2)" if secondary else f"{primary or '–'} (1)"


def _provision_action(child: Child, mis: str, wanted: str) -> Action:
    if mis == "E":
        return Action("Record the EHC plan in the ledger", "page", f"/children/{child.pk}/plans/new/")
    if mis == "K" and wanted == "N":
        return Action("Record the SEN support plan in the ledger", "page", f"/children/{child.pk}/plans/new/")
    return Action(f"Change the child's SEN provision in the MIS to {wanted}", "mis")


# The ledger's own fixes, each one action with its audit event


@transaction.atomic
def use_mis_needs(child: Child, row: MisRow, *, by: User, today: date) -> None:
    """The MIS's primary and secondary need become the ledger's from today; the needs they replace end yesterday."""
    before = snapshot(child)
    in_force = NeedRecord.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today), child=child)
    in_force.update(end_date=today - timedelta(days=1))
    for rank, code in ((1, row.primary), (2, row.secondary)):
        if code:
            NeedRecord.objects.create(
                local_authority_id=child.local_authority_id,
                child=child,
                need=code,
                rank=rank,
                start_date=today,
                source="census check",
                recorded_by=by,
            )
    child.primary_need, child.secondary_need = row.primary, row.secondary
    child.save(update_fields=["primary_need", "secondary_need"])
    record_event(
        actor=by,
        child=child,
        action=AuditEvent.Action.CHANGE,
        obj=child,
        summary=f"Needs set from the MIS before census day: {_needs_said(row.primary, row.secondary)}",
        before=before,
        after=snapshot(child),
    )


@transaction.atomic
def use_mis_top_up(child: Child, row: MisRow, *, by: User) -> None:
    before = snapshot(child)
    child.top_up_funding = row.top_up
    child.save(update_fields=["top_up_funding"])
    record_event(
        actor=by,
        child=child,
        action=AuditEvent.Action.CHANGE,
        obj=child,
        summary=f"Top-up funding indicator set to {'yes' if row.top_up else 'no'} from the MIS before census day",
        before=before,
        after=snapshot(child),
    )


def status_label(code: str) -> str:
    return SenStatus(code).label
