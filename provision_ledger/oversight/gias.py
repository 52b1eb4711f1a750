"""Every school in England from the DfE's register, Get Information About Schools (GIAS).

GIAS publishes its establishments as one CSV ("edubasealldataYYYYMMDD.csv", Windows-1252, one row per URN, about 140
columns) and a links file (URN, LinkURN, LinkName, LinkType, LinkEstablishedDate). The column names (gias_layout.py)
were checked against the whole header row of a GIAS file as a public service's import tests carry it, and each column
the ledger reads against several other services' GIAS importers (the DfE's own among them); GIAS's data dictionary
itself was not available to us. The ledger reads the dozen columns it keeps and ignores the rest. Dates are written
dd-mm-yyyy.

The import is streamed (memory stays flat however many rows), idempotent (a second run changes nothing), and all or
nothing: one bad row and nothing is written, with the row and column named. A dry run reports what would change and
writes nothing. A successor link (an academy conversion gives a school a new URN) carries the old school's children,
and with them their plans, lines and sessions, to the new URN, with an audit event for each child.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO

from django.db import transaction
from django.utils import timezone

from provision_ledger.audit.actions import record_event, snapshot
from provision_ledger.audit.models import AuditEvent
from provision_ledger.oversight.gias_layout import LINK_COLUMNS, ONS_CODE, REGION, REGIONS, REQUIRED, TRUST_CODE
from provision_ledger.oversight.importer import ImportRefused, RowError, _CountingReader
from provision_ledger.people.actions import give_role
from provision_ledger.people.models import (
    Child,
    LocalAuthority,
    Membership,
    NonTeachingDay,
    School,
    SchoolTerm,
    User,
    laestab,
)
from provision_ledger.plans.expected import refresh_expected
from provision_ledger.plans.models import ProvisionLine
from provision_ledger.trusts.actions import GiasTrusts, link_from_gias

NO_AUTHORITY = "000"  # GIAS's "Does not apply": establishments outside any English local authority
BATCH = 2000
CHANGES_SHOWN = 200
SCHOOL_FIELDS = (
    "name", "local_authority_id", "establishment_number", "laestab", "phase", "establishment_type", "status", "trust",
    "ukprn", "opened_on", "closed_on",
)  # fmt: skip
FIELD_LABELS = {
    "name": "name", "local_authority_id": "authority", "establishment_number": "establishment number",
    "laestab": "LAESTAB", "phase": "phase", "establishment_type": "type", "status": "status", "trust": "trust",
    "ukprn": "UKPRN", "opened_on": "open date", "closed_on": "close date",
}  # fmt: skip


class GiasRefused(ImportRefused):
    """A GIAS file was not imported; nothing was written. `file` says which of the two files."""

    def __init__(self, file: str, errors: list[RowError]) -> None:
        self.file = file
        super().__init__(errors)


@dataclass
class SchoolChange:
    urn: str
    name: str
    new: bool
    fields: dict[str, tuple[object, object]] = field(default_factory=dict)

    def __str__(self) -> str:
        if self.new:
            return f"URN {self.urn} {self.name}: new"
        said = "; ".join(f"{FIELD_LABELS[f]} “{old or ''}” → “{now or ''}”" for f, (old, now) in self.fields.items())
        return f"URN {self.urn} {self.name}: {said}"


@dataclass
class GiasReport:
    dry_run: bool
    rows: int = 0
    outside_authorities: int = 0
    authorities_created: list[str] = field(default_factory=list)
    authorities_renamed: list[str] = field(default_factory=list)
    schools_created: int = 0
    schools_updated: int = 0
    schools_unchanged: int = 0
    changes: list[SchoolChange] = field(default_factory=list)
    conversions: list[str] = field(default_factory=list)
    links_not_applied: list[str] = field(default_factory=list)
    trusts: GiasTrusts = field(default_factory=lambda: GiasTrusts([], []))
    seconds: float = 0.0

    def lines(self) -> list[str]:
        verb = "Would" if self.dry_run else "Did"
        out = [
            f"{self.rows:,} establishments read"
            + (
                f" ({self.outside_authorities:,} outside any local authority, left out)"
                if self.outside_authorities
                else ""
            )
            + ".",
            f"{verb} create {self.schools_created:,} schools and update {self.schools_updated:,}; "
            f"{self.schools_unchanged:,} unchanged.",
        ]
        if self.authorities_created:
            out.append(
                f"{verb} create {len(self.authorities_created)} authorities: {', '.join(self.authorities_created)}."
            )
        out += [f"{verb} rename authority {text}." for text in self.authorities_renamed]
        if self.trusts.created:
            out.append(f"{verb} create {len(self.trusts.created)} trusts: {', '.join(self.trusts.created[:20])}.")
        out += [f"{verb} rename trust {text}." for text in self.trusts.renamed[:20]]
        if self.trusts.joined or self.trusts.left:
            out.append(f"{verb} link {self.trusts.joined:,} schools to their trust; {self.trusts.left:,} left a trust.")
        out += [str(change) for change in self.changes]
        if self.schools_created + self.schools_updated > len(self.changes):
            out.append(f"… and {self.schools_created + self.schools_updated - len(self.changes):,} more changes.")
        out += self.conversions
        out += self.links_not_applied
        return out


# Reading


def _text_rows(stream: IO[bytes], name: str, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """The file's rows as dicts, numbered as a spreadsheet shows them; Windows-1252 as GIAS writes it, or UTF-8 with a
    byte-order mark if it has been re-saved."""
    buffered = io.BufferedReader(_CountingReader(stream), buffer_size=1 << 16)
    encoding = "utf-8-sig" if buffered.peek(3)[:3] == b"\xef\xbb\xbf" else "cp1252"
    text = io.TextIOWrapper(buffered, encoding=encoding, newline="")
    reader = csv.reader(text)
    number = 1
    try:
        header = [h.strip() for h in next(reader, [])]
        missing = [c for c in required if c not in header]
        if missing:
            problem = "the file is empty." if not header else "required column missing from the header row."
            raise GiasRefused(name, [RowError(1, ", ".join(missing), problem)])
        for values in reader:
            number += 1
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise GiasRefused(
                    name, [RowError(number, "", f"has {len(values)} values; the header row names {len(header)}.")]
                )
            yield number, dict(zip(header, values, strict=True))
    except UnicodeDecodeError:
        raise GiasRefused(
            name, [RowError(number + 1, "", "the file is not in Windows-1252 or UTF-8, as GIAS publishes it.")]
        ) from None
    except csv.Error as error:
        raise GiasRefused(name, [RowError(number + 1, "", f"the CSV cannot be read: {error}.")]) from None


def _date(value: str, column: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    for pattern in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise _Bad(column, f"“{value[:20]}” is not a date (GIAS writes dd-mm-yyyy).")


class _Bad(Exception):
    def __init__(self, column: str, message: str) -> None:
        self.column, self.message = column, message


@dataclass(frozen=True)
class _Row:
    urn: str
    la_code: str
    la_name: str
    ons_code: str
    region: str  # the region's name, one of REGIONS, or ""
    trust_uid: str | None  # the trust's GIAS group UID, "" for none; None when the file has no "Trusts (code)"
    values: dict[str, object]  # the School fields but local_authority_id


def _parse(row: dict[str, str]) -> _Row | None:
    urn = row["URN"].strip()
    if not re.fullmatch(r"\d{6}", urn):
        raise _Bad("URN", f"“{urn[:12]}” is not a URN (six digits).")
    la_code = row["LA (code)"].strip()
    if la_code == NO_AUTHORITY:
        return None
    if not re.fullmatch(r"\d{3}", la_code):
        raise _Bad("LA (code)", f"“{la_code[:12]}” is not a three-digit LA code.")
    la_name = row["LA (name)"].strip()
    if not la_name:
        raise _Bad("LA (name)", "is empty.")
    number = row["EstablishmentNumber"].strip()
    if number and not (number.isdigit() and len(number) <= 4):
        raise _Bad("EstablishmentNumber", f"“{number[:12]}” is not an establishment number (up to four digits).")
    number = number.zfill(4) if number else ""
    name = row["EstablishmentName"].strip()
    if not name:
        raise _Bad("EstablishmentName", "is empty.")
    ukprn = row["UKPRN"].strip()
    if ukprn and not re.fullmatch(r"\d{8}", ukprn):
        raise _Bad("UKPRN", f"“{ukprn[:12]}” is not a UKPRN (eight digits).")
    ons = (row.get(ONS_CODE) or "").strip()
    values: dict[str, object] = {
        "name": name[:200],
        "establishment_number": number,
        "laestab": laestab(la_code, number),
        "phase": row["PhaseOfEducation (name)"].strip()[:60],
        "establishment_type": row["TypeOfEstablishment (name)"].strip()[:100],
        "status": row["EstablishmentStatus (name)"].strip()[:60],
        "trust": row["Trusts (name)"].strip()[:200],
        "ukprn": ukprn,
        "opened_on": _date(row["OpenDate"], "OpenDate"),
        "closed_on": _date(row["CloseDate"], "CloseDate"),
    }
    region = (row.get(REGION) or "").strip()
    ons = ons if re.fullmatch(r"E\d{8}", ons) else ""
    trust_uid = row.get(TRUST_CODE)
    if trust_uid is not None:
        trust_uid = trust_uid.strip()
        if trust_uid and not re.fullmatch(r"\d{1,10}", trust_uid):
            raise _Bad(TRUST_CODE, f"“{trust_uid[:12]}” is not a trust's group UID (digits only).")
        if trust_uid and not values["trust"]:
            raise _Bad("Trusts (name)", f"is empty, though the row names trust {trust_uid}.")
    return _Row(urn, la_code, la_name[:200], ons, region if region in REGIONS else "", trust_uid, values)


# Writing


class _Register:
    """Applies the establishment rows batch by batch, keeping only the authorities and counts in memory."""

    def __init__(self, report: GiasReport, by: User) -> None:
        self.by = by
        self.report = report
        self.authorities = {la.code: la for la in LocalAuthority.objects.all()}
        self.seen_authorities: set[str] = set()
        self.urns: set[str] = set()  # six-digit strings, about 50,000 for all of England: a few megabytes
        self.with_children = set(Child.objects.values_list("school_id", flat=True).distinct())
        self.today = timezone.localdate()

    def authority(self, row: _Row) -> LocalAuthority:
        la = self.authorities.get(row.la_code)
        if la is None:
            la = LocalAuthority.objects.create(
                code=row.la_code,
                name=row.la_name,
                new_la_code=row.ons_code,
                region_name=row.region,
                region_code=REGIONS.get(row.region, ""),
            )
            self.authorities[row.la_code] = la
            self.report.authorities_created.append(f"{row.la_code} {row.la_name}")
        elif row.la_code not in self.seen_authorities:
            changed = []
            if la.name != row.la_name:
                self.report.authorities_renamed.append(f"{la.code} “{la.name}” → “{row.la_name}”")
                la.name = row.la_name
                changed.append("name")
            if row.ons_code and la.new_la_code != row.ons_code:
                la.new_la_code = row.ons_code
                changed.append("new_la_code")
            if row.region and la.region_name != row.region:
                la.region_name, la.region_code = row.region, REGIONS[row.region]
                changed += ["region_name", "region_code"]
            if changed:
                la.save(update_fields=changed)
        self.seen_authorities.add(row.la_code)
        return la

    def write(self, batch: list[tuple[int, _Row]]) -> list[RowError]:
        errors: list[RowError] = []
        existing = School.objects.in_bulk([row.urn for _, row in batch], field_name="urn")
        new, changed = [], []
        for number, row in batch:
            la = self.authority(row)
            values = {**row.values, "local_authority_id": la.pk}
            school = existing.get(row.urn)
            if school is None:
                new.append(School(urn=row.urn, **values))  # type: ignore[misc]
                self.report.schools_created += 1
                if len(self.report.changes) < CHANGES_SHOWN:
                    self.report.changes.append(SchoolChange(row.urn, row.values["name"], new=True))  # type: ignore[arg-type]
                continue
            fields = {f: (getattr(school, f), values[f]) for f in SCHOOL_FIELDS if getattr(school, f) != values[f]}
            if not fields:
                self.report.schools_unchanged += 1
                continue
            if "local_authority_id" in fields and school.pk in self.with_children:
                # An authority's records (plans, sessions, their audit chain) stay in that authority.
                errors.append(
                    RowError(
                        number,
                        "LA (code)",
                        f"URN {row.urn} has children in the ledger under another authority; GIAS now puts it in "
                        f"{row.la_code}. Move them by hand first.",
                    )
                )
                continue
            known_as = school.name
            for f, (_, now) in fields.items():
                setattr(school, f, now)
            changed.append(school)
            self.report.schools_updated += 1
            if len(self.report.changes) < CHANGES_SHOWN:
                shown = dict(fields)
                if "local_authority_id" in shown:
                    codes: dict[object, str] = {a.pk: a.code for a in self.authorities.values()}
                    was, now = fields["local_authority_id"]
                    shown["local_authority_id"] = (codes.get(was, was), codes.get(now, now))
                self.report.changes.append(SchoolChange(row.urn, known_as, new=False, fields=shown))
        if new:
            School.objects.bulk_create(new)  # laestab is set in the values: bulk_create does not call save()
        if changed:
            School.objects.bulk_update(changed, list(SCHOOL_FIELDS))
        with_trust = [(number, row) for number, row in batch if row.trust_uid is not None]
        if with_trust and not errors:
            ids = dict(School.objects.filter(urn__in=[r.urn for _, r in with_trust]).values_list("urn", "pk"))
            link_from_gias(
                [(ids[r.urn], r.trust_uid or "", str(r.values["trust"])) for _, r in with_trust],
                today=self.today,
                report=self.report.trusts,
                by=self.by,
            )
        return errors


def import_gias(
    stream: IO[bytes],
    *,
    links: IO[bytes] | None = None,
    by: User,
    dry_run: bool = False,
    max_errors: int = 50,
) -> GiasReport:
    """Create and update authorities and schools from a GIAS establishment file, then apply its successor links.

    All of it in one transaction, or nothing (GiasRefused names the file, row and column). With `dry_run` the report
    says what would change and nothing is kept."""
    began = time.monotonic()
    report = GiasReport(dry_run=dry_run)
    errors: list[RowError] = []
    with transaction.atomic():
        register = _Register(report, by)
        batch: list[tuple[int, _Row]] = []
        for number, row in _text_rows(stream, "establishments", REQUIRED):
            report.rows += 1
            try:
                parsed = _parse(row)
            except _Bad as bad:
                errors.append(RowError(number, bad.column, bad.message))
            else:
                if parsed is None:
                    report.outside_authorities += 1
                elif parsed.urn in register.urns:
                    errors.append(RowError(number, "URN", f"URN {parsed.urn} appears twice in the file."))
                else:
                    register.urns.add(parsed.urn)
                    batch.append((number, parsed))
            if len(batch) >= BATCH:
                errors += register.write(batch) if not errors else []
                batch = []
            if len(errors) >= max_errors:
                break
        if batch and not errors:
            errors += register.write(batch)
        if errors:
            transaction.set_rollback(True)
            raise GiasRefused("establishments", errors)
        if links is not None:
            _apply_links(links, by, report)
        if dry_run:
            transaction.set_rollback(True)
    report.seconds = time.monotonic() - began
    return report


def _apply_links(stream: IO[bytes], by: User, report: GiasReport) -> None:
    """Successor links carry each converted school's children to its new URN; only schools with children matter, so
    only their links are held."""
    with_children = dict(School.objects.filter(children__isnull=False).distinct().values_list("urn", "pk"))
    successors: dict[str, list[tuple[str, date | None]]] = defaultdict(list)
    errors = []
    for number, row in _text_rows(stream, "links", LINK_COLUMNS):
        urn, link_urn, kind = row["URN"].strip(), row["LinkURN"].strip(), row["LinkType"].strip()
        if not re.fullmatch(r"\d{6}", urn) or not re.fullmatch(r"\d{6}", link_urn):
            bad = "URN" if not re.fullmatch(r"\d{6}", urn) else "LinkURN"
            errors.append(RowError(number, bad, f"“{row[bad][:12]}” is not a URN (six digits)."))
            continue
        try:
            when = _date(row["LinkEstablishedDate"], "LinkEstablishedDate")
        except _Bad as bad:
            errors.append(RowError(number, bad.column, bad.message))
            continue
        if kind.lower().startswith("successor") and urn in with_children:
            successors[urn].append((link_urn, when))
    if errors:
        raise GiasRefused("links", errors)
    for old_urn, links in sorted(successors.items()):
        old = School.objects.select_related("local_authority").get(urn=old_urn)
        targets = sorted({link for link, _ in links})
        if len(targets) > 1:
            report.links_not_applied.append(
                f"URN {old_urn} {old.name} has {len(targets)} successors ({', '.join(targets)}): its children were "
                "not moved; move each child to their new school by hand."
            )
            continue
        new = School.objects.filter(urn=targets[0]).select_related("local_authority").first()
        if new is None:
            report.links_not_applied.append(
                f"URN {old_urn} {old.name}: its successor URN {targets[0]} is not in the register; import the GIAS "
                "file that has it."
            )
            continue
        if new.local_authority_id != old.local_authority_id:
            report.links_not_applied.append(
                f"URN {old_urn} {old.name}: its successor URN {new.urn} is in another authority; its children were not "
                "moved."
            )
            continue
        moved = carry_to_successor(old, new, by=by, on=links[0][1])
        verb = "Would move" if report.dry_run else "Moved"
        report.conversions.append(
            f"{verb} {moved} {'child' if moved == 1 else 'children'} from URN {old.urn} {old.name} to its successor "
            f"URN {new.urn} {new.name}."
        )


@transaction.atomic
def carry_to_successor(old: School, new: School, *, by: User, on: date | None) -> int:
    """An academy conversion (or other successor): the old URN's children, with their plans and history, belong to the
    new URN from now. The school's calendar and staff roles go with them when the new URN has none of its own."""
    if not new.terms.exists():
        SchoolTerm.objects.bulk_create(
            SchoolTerm(school=new, name=t.name, start=t.start, end=t.end, half_term_start=t.half_term_start,
                       half_term_end=t.half_term_end)
            for t in old.terms.all()
        )  # fmt: skip
        NonTeachingDay.objects.bulk_create(
            NonTeachingDay(school=new, date=d.date, kind=d.kind, note=d.note) for d in old.non_teaching_days.all()
        )
    for membership in Membership.objects.filter(school=old).select_related("user"):
        give_role(Membership(user=membership.user, role=membership.role, school=new), by=by)
    when = f" on {on:%-d %B %Y}" if on else ""
    children = list(Child.objects.filter(school=old).select_related("school"))
    for child in children:
        before = snapshot(child)
        child.school = new
        child.save(update_fields=["school"])
        record_event(
            actor=by,
            child=child,
            action=AuditEvent.Action.CHANGE,
            obj=child,
            summary=f"Moved to {new.name} (URN {new.urn}): the register records it as the successor of {old.name} "
            f"(URN {old.urn}){when}",
            before=before,
            after=snapshot(child),
            reason="Successor link in Get Information About Schools",
        )
    # Each line's expected minutes are laid on its school's calendar: lay them again on the new school's.
    refresh_expected(ProvisionLine.objects.filter(plan__child__in=children))
    return len(children)
