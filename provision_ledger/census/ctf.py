"""The Common Transfer File (CTF): read one into the ledger, and write a child's SEN summary as one.

A school's MIS writes a CTF when a pupil moves school (the Education (Pupil Information) (England) Regulations 2005).
The element names used here, and where we could check them:
- CTfile, Header, DocumentName, CTFversion, DateTime, DocumentQualifier, SupplierID, SourceSchool and DestSchool (each
  with LEA and Estab; SourceSchool also SchoolName and AcademicYear), CTFpupilData, Pupil, UPN, Surname, Forename,
  DOB, NCyearActual, SENhistory, SEN, StartDate, SENprovision, SENneeds, SENneed, SENtype and SENtypeRank: checked
  against two independent MIS implementations of the DfE's CTF specification (a UK state-reporting module of a
  commercial MIS, and the DfE's own CTF writer in its pupil-data service). The specification documents and XSD
  themselves were not available to us, so the exact nesting (for example whether NCyearActual sits inside
  BasicDetails) was not checked: the reader therefore finds these elements anywhere within their Pupil.
- NeedStartDate and NeedEndDate inside SENneed, and SENunitIndicator and ResourcedProvisionIndicator inside
  SENhistory, could not be checked against the CTF specification (the indicators carry these names in the DfE's SEN2
  return). They are read when present and never required.
Administrators can supply the DfE's XSD (setting CTF_XSD); the file is then validated against it before anything
else is checked.

The XML is parsed with the standard library's expat, with every document type declaration and entity refused before
it can be expanded: a CTF has no need of either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, SubElement, TreeBuilder, tostring
from xml.parsers import expat

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from provision_ledger.audit.actions import record_event, snapshot
from provision_ledger.audit.models import AuditEvent
from provision_ledger.census.models import NeedRecord, SenStatusRecord
from provision_ledger.people.models import YEAR_GROUPS, Child, Need, School, SenStatus, User, laestab
from provision_ledger.rules.upn import upn_problem

MAX_BYTES = 20 * 1024 * 1024
YEARS = {key for key, _ in YEAR_GROUPS}
TRUE = {"true", "1", "yes", "y"}


@dataclass(frozen=True)
class Problem:
    """One reason the file is refused: which pupil (by place in the file and UPN) and which element."""

    element: str
    message: str
    pupil: int | None = None
    upn: str = ""

    def __str__(self) -> str:
        who = f"Pupil {self.pupil}" + (f" (UPN {self.upn})" if self.upn else "") + ", " if self.pupil else ""
        return f"{who}{self.element}: {self.message}"


class CtfRefused(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class NeedRow:
    rank: int
    need: str
    start: date | None
    end: date | None


@dataclass(frozen=True)
class StatusRow:
    status: str
    start: date


@dataclass
class Pupil:
    number: int
    upn: str
    surname: str
    forename: str
    dob: date
    year_group: str
    statuses: list[StatusRow]
    needs: list[NeedRow]
    sen_unit: bool | None = None
    resourced_provision: bool | None = None

    @property
    def status(self) -> str:
        """The SEN provision in force: the latest to have started."""
        return max(self.statuses, key=lambda s: s.start).status if self.statuses else SenStatus.N

    def needs_in_force(self, today: date) -> list[NeedRow]:
        return sorted((n for n in self.needs if n.end is None or n.end >= today), key=lambda n: n.rank)


@dataclass
class Transfer:
    version: str
    source_laestab: str
    source_name: str
    dest_laestab: str
    pupils: list[Pupil] = field(default_factory=list)


# Reading the XML safely


def _refuse_declaration(*_args: object) -> None:
    raise CtfRefused([Problem("file", "has a document type or entity declaration, which a CTF never carries.")])


def parse_xml(data: bytes) -> Element:
    """The document's root, with namespaces dropped, or CtfRefused. No DTD, no entities, no network."""
    if len(data) > MAX_BYTES:
        raise CtfRefused([Problem("file", f"is larger than {MAX_BYTES // (1024 * 1024)} MB.")])
    builder = TreeBuilder()
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_declaration
    parser.EntityDeclHandler = _refuse_declaration
    parser.UnparsedEntityDeclHandler = _refuse_declaration
    parser.ExternalEntityRefHandler = _refuse_declaration  # type: ignore[assignment]
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = lambda tag, attrs: builder.start(tag.rpartition(":")[2], {})
    parser.EndElementHandler = lambda tag: builder.end(tag.rpartition(":")[2])
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise CtfRefused(
            [Problem("file", f"is not well-formed XML (line {error.lineno}): {expat.errors.messages[error.code]}.")]
        ) from None
    return builder.close()


def validate_against_xsd(data: bytes, xsd: Path) -> list[Problem]:
    """Problems the DfE's schema finds, when an administrator has supplied it. lxml is used only here."""
    from lxml import etree

    safe = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    schema = etree.XMLSchema(etree.parse(str(xsd), parser=safe))
    document = etree.fromstring(data, parser=safe)
    if schema.validate(document):
        return []
    return [Problem("schema", f"line {e.line}: {e.message}") for e in list(schema.error_log)[:20]]


def _text(node: Element | None, name: str) -> str:
    found = node.find(name) if node is not None else None
    return (found.text or "").strip() if found is not None else ""


def _deep(node: Element, name: str) -> Element | None:
    """The first element of that name anywhere within the node (see the module note on nesting)."""
    return node.find(f".//{name}")


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value[:10]) else None
    except ValueError:
        return None


def read_transfer(data: bytes, *, today: date) -> Transfer:
    """Check a whole CTF and return what it says, or CtfRefused naming every pupil and element at fault."""
    xsd = getattr(settings, "CTF_XSD", "")
    if xsd:
        schema_problems = validate_against_xsd(data, Path(xsd))
        if schema_problems:
            raise CtfRefused(schema_problems)
    root = parse_xml(data)
    if root.tag != "CTfile":
        raise CtfRefused(
            [Problem("file", f"is not a Common Transfer File (its root element is {root.tag}, not CTfile).")]
        )
    header = root.find("Header")
    problems: list[Problem] = []
    version = _text(header, "CTFversion")
    versions = settings.CTF_VERSIONS
    if version not in versions:
        problems.append(
            Problem("CTFversion", f"version “{version[:10]}” is not one the ledger reads ({' or '.join(versions)}).")
        )
    source, dest = (header.find(s) if header is not None else None for s in ("SourceSchool", "DestSchool"))
    codes = {}
    for label, node in (("SourceSchool", source), ("DestSchool", dest)):
        lea, estab = _text(node, "LEA"), _text(node, "Estab")
        if not (re.fullmatch(r"\d{3}", lea) and re.fullmatch(r"\d{4}", estab)):
            problems.append(Problem(f"{label}", f"LEA “{lea[:5]}” and Estab “{estab[:6]}” do not name a school."))
        codes[label] = laestab(lea, estab)
    if problems:
        raise CtfRefused(problems)
    transfer = Transfer(version, codes["SourceSchool"], _text(source, "SchoolName"), codes["DestSchool"])
    seen: dict[str, int] = {}
    data_node = root.find("CTFpupilData")
    for number, node in enumerate(data_node.findall("Pupil") if data_node is not None else [], start=1):
        pupil, found = _pupil(node, number, today)
        problems += found
        if pupil is None:
            continue
        if pupil.upn in seen:
            problems.append(Problem("UPN", f"the same UPN as pupil {seen[pupil.upn]}.", number, pupil.upn))
        seen.setdefault(pupil.upn, number)
        transfer.pupils.append(pupil)
    if not transfer.pupils and not problems:
        problems.append(Problem("CTFpupilData", "the file has no pupils."))
    if problems:
        raise CtfRefused(problems)
    return transfer


def _pupil(node: Element, number: int, today: date) -> tuple[Pupil | None, list[Problem]]:
    upn = _text(node, "UPN").upper()
    problems: list[Problem] = []

    def bad(element: str, message: str) -> None:
        problems.append(Problem(element, message, number, upn))

    if not upn:
        bad("UPN", "is missing.")
    elif problem := upn_problem(upn):
        bad("UPN", problem.removeprefix(f"{upn}: "))
    surname, forename = _text(node, "Surname"), _text(node, "Forename")
    for element, value in (("Surname", surname), ("Forename", forename)):
        if not value:
            bad(element, "is missing.")
        elif len(value) > 100:
            bad(element, "is longer than 100 characters.")
    dob = _date(_text(node, "DOB"))
    if dob is None:
        bad("DOB", f"“{_text(node, 'DOB')[:12]}” is not a date (YYYY-MM-DD).")
    elif dob > today:
        bad("DOB", "is in the future.")
    year_node = _deep(node, "NCyearActual")
    year = (year_node.text or "").strip() if year_node is not None else ""
    if year not in YEARS:
        bad("NCyearActual", f"“{year[:4]}” is not a year group the ledger keeps (N1, N2, R or 1 to 14).")
    statuses: list[StatusRow] = []
    needs: list[NeedRow] = []
    history = _deep(node, "SENhistory")
    for sen in history.findall("SEN") if history is not None else []:
        code, start = _text(sen, "SENprovision"), _date(_text(sen, "StartDate"))
        if code not in SenStatus.values:
            bad("SENprovision", f"“{code[:4]}” is not an SEN provision code (N, K or E).")
        if start is None:
            bad("StartDate", f"“{_text(sen, 'StartDate')[:12]}” is not a date (YYYY-MM-DD).")
        if code in SenStatus.values and start is not None:
            statuses.append(StatusRow(code, start))
    ranks: set[int] = set()
    needs_node = history.find("SENneeds") if history is not None else None
    for need in needs_node.findall("SENneed") if needs_node is not None else []:
        code, rank_text = _text(need, "SENtype"), _text(need, "SENtypeRank")
        if code not in Need.values:
            bad("SENtype", f"“{code[:6]}” is not a type of need in the school census.")
        if not rank_text.isdigit() or not 1 <= int(rank_text) <= 99:
            bad("SENtypeRank", f"“{rank_text[:4]}” is not a rank from 1 to 99.")
            continue
        start_text, end_text = _text(need, "NeedStartDate"), _text(need, "NeedEndDate")
        start, end = _date(start_text), _date(end_text)
        if start_text and start is None:
            bad("NeedStartDate", f"“{start_text[:12]}” is not a date (YYYY-MM-DD).")
        if end_text and end is None:
            bad("NeedEndDate", f"“{end_text[:12]}” is not a date (YYYY-MM-DD).")
        if end is None or end >= today:  # two needs in force cannot share a rank (census rule 2165)
            if int(rank_text) in ranks:
                bad("SENtypeRank", f"two needs in force are both ranked {rank_text}.")
            ranks.add(int(rank_text))
        if code in Need.values:
            needs.append(NeedRow(int(rank_text), code, start, end))
    if history is not None:
        unit, resourced = _text(history, "SENunitIndicator"), _text(history, "ResourcedProvisionIndicator")
    else:
        unit = resourced = ""
    pupil = Pupil(
        number,
        upn,
        surname,
        forename,
        dob or today,
        year,
        statuses,
        needs,
        sen_unit=unit.lower() in TRUE if unit else None,
        resourced_provision=resourced.lower() in TRUE if resourced else None,
    )
    if not problems and pupil.status in (SenStatus.K, SenStatus.E) and 1 not in ranks:
        bad("SENneeds", "a pupil on SEN support or with an EHC plan needs a primary need (SENtypeRank 1).")
    return (None if problems else pupil), problems


# Writing


@dataclass
class PupilOutcome:
    upn: str
    name: str
    created: bool
    changes: list[str]

    def __str__(self) -> str:
        said = "; ".join(self.changes) if self.changes else "nothing new"
        return f"UPN {self.upn} {self.name}: {'new child' if self.created else 'already known'} — {said}"


@dataclass
class TransferReport:
    school: School
    source: str
    outcomes: list[PupilOutcome]
    skipped: list[str]


def destination(transfer: Transfer, school: School) -> list[Problem]:
    """A file is for one school: its DestSchool must be this school, in this school's authority."""
    if not school.laestab:
        return [Problem("DestSchool", f"{school.name} has no LAESTAB in the ledger: import it from GIAS first.")]
    if transfer.dest_laestab[:3] != school.local_authority.code:
        return [
            Problem("DestSchool", f"the file is for a school in another authority (LA {transfer.dest_laestab[:3]}).")
        ]
    if transfer.dest_laestab != school.laestab:
        other = School.objects.filter(laestab=transfer.dest_laestab).values_list("name", flat=True).first()
        named = f" ({other})" if other else ""
        return [Problem("DestSchool", f"the file is for LAESTAB {transfer.dest_laestab}{named}, not {school.name}.")]
    return []


def describe(transfer: Transfer, school: School, today: date) -> TransferReport:
    """What importing the file would do, pupil by pupil, without writing anything."""
    with transaction.atomic():
        report = _write(transfer, school, by=None, today=today)
        transaction.set_rollback(True)
    return report


@transaction.atomic
def import_transfer(transfer: Transfer, school: School, *, by: User, today: date) -> TransferReport:
    """Create or update each SEN pupil of the file at this school, with their SEN provision history and ranked needs,
    and an audit event each. One transaction: all the file or nothing."""
    problems = destination(transfer, school)
    if problems:
        raise CtfRefused(problems)
    return _write(transfer, school, by=by, today=today)


def _source_label(transfer: Transfer) -> str:
    return f"CTF from {transfer.source_name or 'LAESTAB ' + transfer.source_laestab}"[:40]


def _write(transfer: Transfer, school: School, *, by: User | None, today: date) -> TransferReport:
    report = TransferReport(school, transfer.source_name or transfer.source_laestab, [], [])
    known = {
        c.upn: c
        for c in Child.objects.filter(
            local_authority_id=school.local_authority_id, upn__in=[p.upn for p in transfer.pupils]
        )
    }
    source = _source_label(transfer)
    for pupil in transfer.pupils:
        child = known.get(pupil.upn)
        in_force = pupil.needs_in_force(today)
        if child is None and pupil.status not in (SenStatus.K, SenStatus.E):
            report.skipped.append(
                f"UPN {pupil.upn} {pupil.forename} {pupil.surname}: no special educational need recorded, so not added."
            )
            continue
        before = snapshot(child) if child is not None else None
        fields: dict[str, Any] = {
            "school": school,
            "first_name": pupil.forename,
            "last_name": pupil.surname,
            "date_of_birth": pupil.dob,
            "year_group": pupil.year_group,
            "upn": pupil.upn,
            "sen_status": pupil.status,
        }
        if in_force:
            fields["primary_need"] = in_force[0].need
            fields["secondary_need"] = in_force[1].need if len(in_force) > 1 else ""
        if pupil.sen_unit is not None:
            fields["sen_unit"] = pupil.sen_unit
        if pupil.resourced_provision is not None:
            fields["resourced_provision"] = pupil.resourced_provision
        created = child is None
        changes: list[str] = []
        if created:
            child = Child(**fields)
            changes.append(f"{dict(YEAR_GROUPS)[pupil.year_group]}, {SenStatus(pupil.status).label}")
        else:
            assert child is not None
            for name, value in fields.items():
                if getattr(child, name) != value:
                    changes.append(_said(name, getattr(child, name), value))
                    setattr(child, name, value)
        if by is None:  # describing only: the child is not saved, so their history is compared, not written
            changes += _history_changes(child if not created else None, pupil)
            report.outcomes.append(PupilOutcome(pupil.upn, f"{pupil.forename} {pupil.surname}", created, changes))
            continue
        child.save()
        changes += _history_changes(child, pupil, write=(by, source))
        if created or changes:
            record_event(
                actor=by,
                child=child,
                action=AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
                obj=child,
                summary=f"{'Added' if created else 'Updated'} from a Common Transfer File from {report.source}",
                before=before,
                after={
                    **snapshot(child),
                    "needs": [[n.rank, n.need, n.start, n.end] for n in pupil.needs],
                    "sen_history": [[s.status, s.start] for s in pupil.statuses],
                },
            )
        report.outcomes.append(PupilOutcome(pupil.upn, child.full_name, created, changes))
    return report


def _said(name: str, was: object, now: object) -> str:
    if name == "school":
        return f"moves to {now}"
    label = {
        "year_group": "year group",
        "sen_status": "SEN provision",
        "primary_need": "primary need",
        "secondary_need": "secondary need",
        "first_name": "forename",
        "last_name": "surname",
        "date_of_birth": "date of birth",
        "sen_unit": "SEN unit",
        "resourced_provision": "resourced provision",
    }
    return f"{label.get(name, name)} {was or '–'} → {now or '–'}"


def _history_changes(child: Child | None, pupil: Pupil, write: tuple[User, str] | None = None) -> list[str]:
    """The SEN provision and needs the file adds to the child's history; written when `write` says who and whence."""
    statuses: set[tuple[str, date]] = set()
    needs: dict[tuple[str, date | None], NeedRecord] = {}
    if child is not None and child.pk:
        statuses = set(SenStatusRecord.objects.filter(child=child).values_list("status", "start_date"))
        needs = {(n.need, n.start_date): n for n in NeedRecord.objects.filter(child=child)}
    changes = []
    for row in sorted(pupil.statuses, key=lambda s: s.start):
        if (row.status, row.start) in statuses:
            continue
        changes.append(f"{SenStatus(row.status).label} from {row.start:%-d %B %Y}")
        if write and child is not None:
            SenStatusRecord.objects.create(
                local_authority_id=child.local_authority_id,
                child=child,
                status=row.status,
                start_date=row.start,
                source=write[1],
                recorded_by=write[0],
            )
    for need_row in sorted(pupil.needs, key=lambda n: n.rank):
        dates = (f" from {need_row.start:%-d %B %Y}" if need_row.start else "") + (
            f" to {need_row.end:%-d %B %Y}" if need_row.end else ""
        )
        existing = needs.get((need_row.need, need_row.start))
        if existing is None:
            changes.append(f"need {need_row.rank} {need_row.need}{dates}")
            if write and child is not None:
                NeedRecord.objects.create(
                    local_authority_id=child.local_authority_id,
                    child=child,
                    need=need_row.need,
                    rank=need_row.rank,
                    start_date=need_row.start,
                    end_date=need_row.end,
                    source=write[1],
                    recorded_by=write[0],
                )
        elif (existing.rank, existing.end_date) != (need_row.rank, need_row.end):
            changes.append(f"need {need_row.need} now ranked {need_row.rank}{dates}")
            if write:
                existing.rank, existing.end_date = need_row.rank, need_row.end
                existing.save(update_fields=["rank", "end_date"])
    return changes


# Writing a CTF of the child's SEN summary, for the school that receives the child


def export_sen_summary(child: Child, *, to_laestab: str = "", now: datetime | None = None) -> bytes:
    """A CTF with one pupil: the header, the child's identifiers and year, and their SEN history and ranked needs.

    An unknown destination is written as LEA MMM and Estab MMMM, the convention MIS use for a pupil whose next school
    is not known (we could not check this against the specification)."""
    now = now or timezone.localtime()
    school = child.school
    root = Element("CTfile")
    header = SubElement(root, "Header")
    for name, value in (
        ("DocumentName", "Common Transfer File"),
        ("CTFversion", settings.CTF_VERSIONS[0]),
        ("DateTime", now.strftime("%Y-%m-%dT%H:%M:%S")),
        ("DocumentQualifier", "partial"),
        ("SupplierID", "Provision Ledger"),
    ):
        SubElement(header, name).text = value
    source = SubElement(header, "SourceSchool")
    SubElement(source, "LEA").text = school.local_authority.code
    SubElement(source, "Estab").text = school.establishment_number or "MMMM"
    SubElement(source, "SchoolName").text = school.name
    SubElement(source, "AcademicYear").text = str(now.year if now.month >= 9 else now.year - 1)
    dest = SubElement(header, "DestSchool")
    SubElement(dest, "LEA").text = to_laestab[:3] if to_laestab else "MMM"
    SubElement(dest, "Estab").text = to_laestab[3:] if to_laestab else "MMMM"
    pupil = SubElement(SubElement(root, "CTFpupilData"), "Pupil")
    for name, value in (
        ("UPN", child.upn),
        ("Surname", child.last_name),
        ("Forename", child.first_name),
        ("DOB", child.date_of_birth.isoformat()),
        ("NCyearActual", child.year_group),
    ):
        SubElement(pupil, name).text = value
    history = SubElement(pupil, "SENhistory")
    statuses = list(SenStatusRecord.objects.filter(child=child).order_by("start_date"))
    for record in statuses:
        sen = SubElement(history, "SEN")
        SubElement(sen, "StartDate").text = record.start_date.isoformat()
        SubElement(sen, "SENprovision").text = record.status
    if not statuses:
        sen = SubElement(history, "SEN")  # the ledger knows the provision, not since when: today is the earliest date
        SubElement(sen, "StartDate").text = now.date().isoformat()
        SubElement(sen, "SENprovision").text = child.sen_status
    records = list(NeedRecord.objects.filter(child=child).order_by("rank", "start_date"))
    needs = SubElement(history, "SENneeds")
    rows = [(r.rank, r.need, r.start_date, r.end_date) for r in records] or [
        (rank, code, None, None) for rank, code in ((1, child.primary_need), (2, child.secondary_need)) if code
    ]
    for rank, code, start, end in rows:
        need = SubElement(needs, "SENneed")
        SubElement(need, "SENtype").text = code
        SubElement(need, "SENtypeRank").text = str(rank)
        if start:
            SubElement(need, "NeedStartDate").text = start.isoformat()
        if end:
            SubElement(need, "NeedEndDate").text = end.isoformat()
    SubElement(history, "SENunitIndicator").text = "true" if child.sen_unit else "false"
    SubElement(history, "ResourcedProvisionIndicator").text = "true" if child.resourced_provision else "false"
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8", xml_declaration=False)
