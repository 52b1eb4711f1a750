"""Bounded work: reading wording is linear in its length, files are refused by their size before they are parsed,
a long section is shown a page at a time, and a damaged upload or request body gets a message, never a 500."""

from __future__ import annotations

import dataclasses
import io
import json
import random
import re
import sys
import types
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provision_ledger.api.actions import issue_token
from provision_ledger.rules.extraction import MAX_STATEMENT, extract
from provision_ledger.rules.wording import FindingKind, check_statement, split_statements
from provision_ledger.wording import documents
from provision_ledger.wording.checks import read_section
from provision_ledger.wording.documents import UnreadableDocument, read_document
from provision_ledger.wording.views import PAGE_SIZE
from tests.factories import make_line, make_plan

ROOT = Path(__file__).resolve().parents[1] / "provision_ledger"
TRACED = (str(ROOT / "rules"), str(ROOT / "wording"))


class _Meter:
    """Counts the work of reading wording, independent of the machine's speed.

    Every line of Python the rules and the wording reader run counts one, and every time a pattern
    is run it counts the characters it is handed to scan (from its start position to the end). The
    patterns have bounded repetition, so their time is in proportion to what they scan. Quadratic
    work (reading the text before each statement again, scanning the rest of the text at each match)
    shows as ten times the text costing a hundred times the work.
    """

    def __init__(self) -> None:
        self.count = 0

    def scanned(self, string: str, pos: int = 0, endpos: int | None = None) -> None:
        self.count += max(0, min(len(string), endpos if endpos is not None else len(string)) - pos)


class _CountedPattern:
    def __init__(self, pattern: re.Pattern[str], meter: _Meter) -> None:
        self._pattern, self._meter = pattern, meter

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pattern, name)

    def _scan(self, name: str, string: str, *args: Any) -> Any:
        self._meter.scanned(string, *[a for a in args if isinstance(a, int)][:2])
        return getattr(self._pattern, name)(string, *args)

    def search(self, string: str, *args: Any) -> Any:
        return self._scan("search", string, *args)

    def match(self, string: str, *args: Any) -> Any:
        return self._scan("match", string, *args)

    def fullmatch(self, string: str, *args: Any) -> Any:
        return self._scan("fullmatch", string, *args)

    def finditer(self, string: str, *args: Any) -> Any:
        return self._scan("finditer", string, *args)

    def findall(self, string: str, *args: Any) -> Any:
        return self._scan("findall", string, *args)

    def sub(self, repl: Any, string: str, count: int = 0) -> str:
        self._meter.scanned(string)
        return self._pattern.sub(repl, string, count)


def _counted(value: Any, meter: _Meter) -> Any:
    if isinstance(value, re.Pattern):
        return _CountedPattern(value, meter)
    if isinstance(value, tuple):
        return tuple(_counted(v, meter) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _counted(getattr(value, f.name), meter)
            for f in dataclasses.fields(value)
            if isinstance(getattr(value, f.name), re.Pattern)
        }
        return dataclasses.replace(value, **changes) if changes else value
    return value


def _counted_re(meter: _Meter) -> Any:
    """The re module as the rules call it (re.sub, re.findall, re.match), counting what each call scans."""

    def call(name: str) -> Callable[..., Any]:
        def run(pattern: Any, string: str, *args: Any, **kwargs: Any) -> Any:
            meter.scanned(string)
            return getattr(re, name)(pattern, string, *args, **kwargs)

        return run

    shim = types.SimpleNamespace(**{n: getattr(re, n) for n in dir(re) if not n.startswith("__")})
    for name in ("search", "match", "fullmatch", "finditer", "findall", "split"):
        setattr(shim, name, call(name))

    def sub(pattern: Any, repl: Any, string: str, count: int = 0, flags: int = 0) -> str:
        meter.scanned(string)
        return re.sub(pattern, repl, string, count=count, flags=flags)

    shim.sub = sub
    return shim


@pytest.fixture
def operations(monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[[], object]], int]:
    """operations(work): the count of work done (see _Meter) by the rules and the wording reader."""
    from provision_ledger.rules import extraction, wording
    from provision_ledger.wording import checks

    meter = _Meter()
    for module in (wording, extraction, checks):
        for name, value in list(vars(module).items()):
            counted = _counted(value, meter)
            if counted is not value:
                monkeypatch.setattr(module, name, counted)
        if hasattr(module, "re"):
            monkeypatch.setattr(module, "re", _counted_re(meter))

    def measure(work: Callable[[], object]) -> int:
        meter.count = 0

        def tracer(frame: FrameType, event: str, arg: Any) -> Any:
            if not frame.f_code.co_filename.startswith(TRACED):
                return None
            if event == "line":
                meter.count += 1
            return tracer

        previous = sys.gettrace()
        sys.settrace(tracer)
        try:
            work()
        finally:
            sys.settrace(previous)
        return meter.count

    return measure


STATEMENTS = [
    "• 2 x 30 minute sessions per week of speech and language therapy delivered by a qualified SALT.",
    "• Access to a small group for literacy as appropriate.",
    "• 15 hours per week of 1:1 support from a teaching assistant trained in Makaton.",
    "• A sloped writing board in all lessons.",
    "Communication and interaction",
    "Precision teaching for 10 minutes daily with a trained teaching assistant, reviewed termly by the SENCO",
    "and monitored half-termly",
    "",
]
# Pieces that exercise the slow paths: many hours to look past, no line breaks, lines that never end a sentence.
PIECES = [
    "2 hours per week of support with maths ",
    "an hour ",
    "4-6 fortnightly 45-minute sessions ",
    "by a TA trained to deliver ",
    "with a ta ",
    "up to ",
    "Section F:\n",
    "\n",
    "\n\n",
    "• ",
    "1) ",
    "Cognition and learning\n",
    "small group ",
    "£5,000 ",
    "twice weekly ",
    ". ",
]


def _ratio(operations: Any, text: str, read: Callable[[str], object]) -> float:
    return operations(lambda: read(text * 10)) / operations(lambda: read(text))


@pytest.mark.parametrize("read", [read_section, split_statements], ids=["read_section", "split_statements"])
def test_reading_ten_times_a_realistic_section_does_at_most_about_ten_times_the_work(operations, read):
    section = "\n".join(STATEMENTS * 4)
    assert _ratio(operations, section, read) <= 10.5


def test_the_meter_sees_quadratic_work(operations):
    """The count would catch the old way of finding each statement's area: reading all the text before it again."""
    from provision_ledger.rules import wording

    def quadratic(text: str) -> None:
        for statement in wording.split_statements(text):
            wording.areas_of_need(text[: statement.start], [statement.start])

    assert _ratio(operations, "\n".join(STATEMENTS * 4), quadratic) > 30


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(pieces=st.lists(st.sampled_from(PIECES), min_size=20, max_size=60))
def test_reading_ten_times_any_text_does_at_most_about_ten_times_the_work(operations, pieces):
    text = "".join(pieces) + "\n"
    # "About ten times": one random text measured 10.503, so the bound leaves room for noise, not for a square.
    assert _ratio(operations, text, read_section) <= 11


def test_a_statement_longer_than_the_checker_reads_is_named_as_too_long_and_not_read():
    text = "Daily phonics with a teaching assistant for 20 minutes and " * 40
    assert len(text) > MAX_STATEMENT
    check = check_statement(text)
    assert [f.kind for f in check.findings] == [FindingKind.TOO_LONG]
    assert check.findings[0].why == (
        "This is longer than 2,000 characters with no line break or bullet: it is several statements run together, "
        "so it was not read."
    )
    assert extract(text) is None


def test_wrapped_lines_are_never_joined_into_a_statement_longer_than_the_checker_reads():
    text = "\n".join(["speech and language therapy for thirty minutes with a therapist"] * 200)
    statements = split_statements(text)
    assert len(statements) > 1
    assert max(len(s.text) for s in statements) <= MAX_STATEMENT


# Files: refused by their declared sizes before anything is parsed


def _docx(
    paragraphs: int = 3, text: str = "2 x 30 minute sessions per week of phonics by a teaching assistant"
) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Section F", 1)
    for _ in range(paragraphs):
        document.add_paragraph(text, "List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _rezip(data: bytes, change: Callable[[str, bytes], bytes | None], extra: dict[str, bytes] | None = None) -> bytes:
    """The same zip with each part passed through change (None leaves it out), and extra parts added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = change(info.filename, source.read(info.filename))
            if content is not None:
                target.writestr(info.filename, content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def _pdf(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_small_word_file_that_unpacks_to_a_huge_document_is_refused_before_it_is_parsed(monkeypatch):
    padding = b"<w:p/>" * (documents.MAX_DOCUMENT_XML_BYTES // 6 + 1)
    bomb = _rezip(_docx(), lambda name, body: body.replace(b"<w:body>", b"<w:body>" + padding, 1))
    assert len(bomb) < 100_000
    monkeypatch.setattr("docx.Document", lambda *a: pytest.fail("the file was parsed"))
    with pytest.raises(UnreadableDocument) as refused:
        read_document(bomb, "plan.docx")
    assert str(refused.value) == (
        "plan.docx has more than 5 MB of document text and formatting: save only Section F, or paste it."
    )


def test_a_word_file_that_unpacks_to_more_than_40_mb_is_refused_by_its_declared_sizes():
    bomb = _rezip(_docx(), lambda name, body: body, {"word/media/image1.png": b"\x00" * (41 * 1024 * 1024)})
    with pytest.raises(UnreadableDocument, match=r"^plan\.docx unpacks to more than 40 MB"):
        read_document(bomb, "plan.docx")


def test_a_word_file_of_thousands_of_parts_is_refused():
    extra = {f"junk/part{i}.xml": b"<a/>" for i in range(documents.MAX_PARTS + 1)}
    with pytest.raises(UnreadableDocument, match=r"^plan\.docx has more than 2,000 parts inside it"):
        read_document(_rezip(_docx(), lambda name, body: body, extra), "plan.docx")


def test_a_pdf_of_more_than_200_pages_is_refused_before_its_text_is_read():
    with pytest.raises(UnreadableDocument) as refused:
        read_document(_pdf(201), "plan.pdf")
    assert str(refused.value) == "plan.pdf has more than 200 pages: give only the plan, or paste Section F."


def test_text_of_more_than_a_million_characters_is_refused():
    with pytest.raises(UnreadableDocument, match=r"^plan\.txt has more than 1,000,000 characters"):
        read_document(b"a" * 1_000_001, "plan.txt")


def test_a_long_word_plan_is_read_with_each_style_looked_up_once():
    text = read_document(_docx(paragraphs=2000), "plan.docx")
    assert text.count("• 2 x 30 minute sessions") == 2000


# The page: paged, and never a 500


def _damaged(seed: int, data: bytes) -> bytes:
    """One damaged copy of a file: cut short, bytes flipped, a run zeroed, or shuffled."""
    rng = random.Random(seed)
    damage = seed % 4
    if damage == 0:
        return data[: rng.randrange(1, len(data))]
    copy = bytearray(data)
    if damage == 1:
        for _ in range(rng.randrange(1, 40)):
            copy[rng.randrange(len(copy))] = rng.randrange(256)
    elif damage == 2:
        start = rng.randrange(len(copy))
        copy[start : start + rng.randrange(1, 2000)] = b"\x00" * len(copy[start : start + 2000])
    else:
        cut = rng.randrange(len(copy))
        copy = copy[cut:] + copy[:cut]
        copy[:4] = data[:4]  # still looks like the kind of file it was
    return bytes(copy)


def _broken_parts() -> list[tuple[str, bytes]]:
    good = _docx()
    return [
        ("no-document.docx", _rezip(good, lambda n, b: None if n == "word/document.xml" else b)),
        ("no-content-types.docx", _rezip(good, lambda n, b: None if n == "[Content_Types].xml" else b)),
        ("bad-xml.docx", _rezip(good, lambda n, b: b[:-40] if n == "word/document.xml" else b)),
        ("bad-styles.docx", _rezip(good, lambda n, b: b"<w:styles" if n == "word/styles.xml" else b)),
        (
            "entities.docx",
            _rezip(good, lambda n, b: b.replace(b"<w:body>", b"<!DOCTYPE x [<!ENTITY e 'x'>]><w:body>&e;")),
        ),
        ("bad-rels.docx", _rezip(good, lambda n, b: b"\xff\xfe" if n.endswith(".rels") else b)),
        ("not-zip.docx", b"PK\x03\x04" + b"\x00" * 100),
        ("bad-xref.pdf", _pdf().replace(b"xref", b"xjunk")),
        ("header-only.pdf", b"%PDF-1.7\n"),
        (
            "stream-bomb.pdf",
            b"%PDF-1.4\n1 0 obj<</Length 999999999999>>stream\nxx\nendstream endobj\ntrailer<</Root 1 0 R>>",
        ),
    ]


@pytest.fixture
def plan(child, senco):
    return make_plan(child, senco)


def _upload(client, plan, name: str, data: bytes):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(reverse("plan-read", kwargs={"plan_id": plan.pk}), {"text": "", "document": upload})


@pytest.mark.django_db
def test_every_damaged_upload_is_answered_with_a_message_on_the_form_never_an_error_page(client, senco, plan):
    client.force_login(senco)
    good = [("plan.docx", _docx()), ("plan.pdf", _pdf(2))]
    damaged = [(name, _damaged(seed, data)) for seed in range(24) for name, data in good]
    answered = 0
    for name, data in damaged + _broken_parts():
        response = _upload(client, plan, name, data)
        assert response.status_code == 200, name
        form = response.context.get("form")
        if form is not None and form.errors:
            assert list(form.errors) == ["document"], name
            assert form.errors["document"][0].startswith(name.split(".")[0]), (name, form.errors)
            answered += 1
        else:
            assert response.context["rows"] is not None  # damage the reader could read past
    assert answered >= len(_broken_parts())


@pytest.mark.django_db
def test_a_long_pasted_section_is_shown_a_page_of_statements_at_a_time(client, senco, plan):
    client.force_login(senco)
    section = "\n".join(f"• Phonics for {n} minutes daily with a teaching assistant." for n in range(10, 10 + 95))
    url = reverse("plan-read", kwargs={"plan_id": plan.pk})
    first = client.post(url, {"text": section})
    assert [r.number for r, _ in first.context["rows"]] == list(range(1, PAGE_SIZE + 1))
    assert "Statements 1 to 20 of 95 (page 1 of 5)." in first.content.decode()
    assert "95 of 95 statements specific (100%)." in first.content.decode()
    last = client.post(url, {"section": first.context["text"], "page": "5"})
    assert [r.number for r, _ in last.context["rows"]] == list(range(81, 96))
    assert [f.initial["minutes_per_session"] for f in last.context["formset"].forms] == list(range(90, 105))
    assert len(first.content) < 600_000


@pytest.mark.django_db
def test_a_turned_page_of_a_changed_or_empty_section_goes_back_to_the_paste(client, senco, plan):
    client.force_login(senco)
    response = client.post(reverse("plan-read", kwargs={"plan_id": plan.pk}), {"section": "", "page": "junk"})
    assert response.status_code == 302
    assert response["Location"] == reverse("plan-read", kwargs={"plan_id": plan.pk})


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [b"{", b"\xff\xfe\x00", b"[]", b'{"client_key": 3}', b"null", json.dumps({"sessions": "x"}).encode(), b""],
    ids=["cut-short", "not-utf8", "a-list", "wrong-types", "null", "wrong-shape", "empty"],
)
@pytest.mark.parametrize("path", ["/sessions", "/sessions/batch"])
def test_a_damaged_api_body_is_refused_with_a_message_never_a_500(senco, plan, body, path):
    from django.test import Client

    make_line(plan, senco)
    secret = issue_token(by=senco, name="MIS", school=senco.memberships.first().school)[1]
    response = Client().post(
        f"/api/v1{path}", body, content_type="application/json", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code in (400, 422)
    assert response.json().get("detail") or response.json().get("errors")
