"""Common Transfer Files written from the specification's element names, for made-up pupils only.

UPNs are built with a correct check letter (rules.upn) unless a test asks for a wrong one."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from provision_ledger.rules.upn import check_letter


def upn(body: str) -> str:
    """A UPN with the right check letter for its last 12 characters."""
    return check_letter("?" + body) + body


@dataclass
class FakePupil:
    upn: str
    surname: str
    forename: str
    dob: str = "2016-05-04"
    year: str = "4"
    sen: list[tuple[str, str]] = field(default_factory=lambda: [("K", "2024-09-02")])
    needs: list[tuple[int, str, str, str]] = field(default_factory=lambda: [(1, "SLCN", "2024-09-02", "")])
    extra: str = ""

    def xml(self) -> str:
        sen = "".join(f"<SEN><StartDate>{d}</StartDate><SENprovision>{c}</SENprovision></SEN>" for c, d in self.sen)
        needs = "".join(
            f"<SENneed><SENtypeRank>{rank}</SENtypeRank><SENtype>{code}</SENtype>"
            + (f"<NeedStartDate>{start}</NeedStartDate>" if start else "")
            + (f"<NeedEndDate>{end}</NeedEndDate>" if end else "")
            + "</SENneed>"
            for rank, code, start, end in self.needs
        )
        return (
            f"<Pupil><UPN>{self.upn}</UPN><Surname>{escape(self.surname)}</Surname>"
            f"<Forename>{escape(self.forename)}</Forename><DOB>{self.dob}</DOB><Sex>F</Sex>"
            f"<BasicDetails><NCyearActual>{self.year}</NCyearActual></BasicDetails>"
            f"<SENhistory>{sen}<SENneeds>{needs}</SENneeds>{self.extra}</SENhistory></Pupil>"
        )


def ctf_file(
    pupils: list[FakePupil],
    *,
    version: str = "26.0",
    source: tuple[str, str, str] = ("889", "2001", "Brook Primary School"),
    dest: tuple[str, str] = ("889", "3001"),
    before: str = "",
) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{before}<CTfile><Header>'
        "<DocumentName>Common Transfer File</DocumentName>"
        f"<CTFversion>{version}</CTFversion><DateTime>2026-11-20T09:30:00</DateTime>"
        "<DocumentQualifier>partial</DocumentQualifier><SupplierID>Test MIS</SupplierID>"
        f"<SourceSchool><LEA>{source[0]}</LEA><Estab>{source[1]}</Estab><SchoolName>{source[2]}</SchoolName>"
        "<AcademicYear>2026</AcademicYear></SourceSchool>"
        f"<DestSchool><LEA>{dest[0]}</LEA><Estab>{dest[1]}</Estab></DestSchool></Header>"
        f"<CTFpupilData>{''.join(p.xml() for p in pupils)}</CTFpupilData></CTfile>"
    ).encode()


def three_pupils() -> list[FakePupil]:
    return [
        FakePupil(
            upn("88920012600A"),
            "Bell",
            "Ada",
            year="3",
            sen=[("K", "2023-09-04"), ("E", "2025-03-10")],
            needs=[(1, "DS", "2023-09-04", ""), (2, "SLCN", "2023-09-04", ""), (3, "PD", "2024-01-08", "")],
        ),
        FakePupil(
            upn("889200126002"),
            "Cole",
            "Ben",
            year="5",
            needs=[(1, "ASD", "2024-09-02", ""), (2, "SEMH", "2022-09-05", "2024-07-19")],
        ),
        FakePupil(upn("889200126003"), "Dunn", "Cara", year="R", needs=[(1, "SPLD", "2025-01-06", "")]),
    ]
