"""Every kind of PDF (statement, cost statement, letter, annual review pack, the family's record and its letters) is
tagged PDF/UA-1: a structure tree in
reading order, the language, the title shown in place of the file name, and the PDF/UA identification."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.urls import reverse

from provision_ledger.family import actions
from provision_ledger.outcomes.pack import review_pack
from provision_ledger.outcomes.render import pack_pdf
from tests.factories import make_parent, make_user
from tests.test_nextsteps import _behind, _send
from tests.test_outcomes import reviewed  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _structure(pdf: bytes) -> tuple[dict, list[str]]:
    """The document catalogue, and the structure elements' types in the tree's order (depth first)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    kinds: list[str] = []

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            for kid in node:
                walk(kid)
        elif isinstance(node, pypdf.generic.DictionaryObject):
            if "/S" in node:
                kinds.append(str(node["/S"]))
            if "/K" in node:
                walk(node["/K"])

    walk(catalog["/StructTreeRoot"])
    return {"catalog": catalog, "title": reader.metadata.title, "xmp": reader.xmp_metadata}, kinds


def _assert_tagged(pdf: bytes, title: str, *in_order: str) -> list[str]:
    found, kinds = _structure(pdf)
    catalog = found["catalog"]
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert str(catalog["/Lang"]) == "en-GB"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert found["title"] == title
    assert b'pdfuaid:part="1"' in found["xmp"].stream.get_data()
    # Reading order: the kinds asked for appear in the tree in that order (the HTML's order).
    positions = [kinds.index(kind) for kind in in_order]
    assert positions == sorted(positions), kinds
    return kinds


def test_the_childs_statement_is_a_tagged_pdf(client, senco, child):
    _behind(child, senco)
    client.force_login(senco)

    pdf = client.get(reverse("record-pdf", kwargs={"child_id": child.pk})).content

    kinds = _assert_tagged(pdf, "Oliver Bennett: provision statement", "/H1", "/Table")
    assert {"/H2", "/TH", "/TD", "/TR", "/P"} <= set(kinds)


def test_the_cost_statement_is_a_tagged_pdf(client, senco, child):
    _behind(child, senco)
    client.force_login(senco)

    pdf = client.get(reverse("cost-statement-pdf", kwargs={"child_id": child.pk}), {"year": 2025}).content

    _assert_tagged(pdf, "Oliver Bennett: cost statement 2025-26", "/H1", "/Table")


def test_a_letter_is_a_tagged_pdf(client, senco, child):
    _behind(child, senco)
    client.force_login(make_parent(child, first_name="Daniel", last_name="Bennett"))
    letter = _send(client, child, "ask_school_to_reinstate")

    pdf = client.get(reverse("letter-download", kwargs={"letter_id": letter.pk, "extension": "pdf"})).content

    kinds = _assert_tagged(pdf, letter.subject, "/P")
    assert kinds.count("/P") >= 3


def test_the_annual_review_pack_is_a_tagged_pdf(reviewed):  # noqa: F811
    from datetime import date

    pdf = pack_pdf(review_pack(reviewed, date(2026, 1, 10)))

    kinds = _assert_tagged(pdf, "Maya Okafor: annual review pack", "/H1", "/Table")
    assert "/H2" in kinds


def test_the_familys_record_and_its_records_request_are_tagged_pdfs(client):
    from django.utils import timezone

    from tests.test_family_record import _entry, _kept, _line

    today = timezone.localdate()
    family_child = _kept(make_user(first_name="Tom", last_name="Bennett"))
    _entry(family_child, line=_line(family_child), sessions=1, outcome="took_place")
    request = actions.create_records_request(
        family_child=family_child, by=family_child.keeper, received_on=today, parent_name="Tom Bennett",
        parent_address="", maintained=None, today=today,
    )  # fmt: skip
    client.force_login(family_child.keeper)

    record = client.get(reverse("family-record-pdf", kwargs={"family_child_id": family_child.pk})).content
    letter = client.get(reverse("family-records-pdf", kwargs={"request_id": request.pk})).content

    kinds = _assert_tagged(record, "Oliver Bennett: the family’s record", "/H1", "/H2", "/Table")
    assert {"/H3", "/TH", "/TD", "/P"} <= set(kinds)
    kinds = _assert_tagged(letter, "Request for Oliver Bennett’s educational record and personal data", "/H1", "/Table")
    assert kinds.count("/P") >= 5


def test_a_letter_of_the_familys_next_steps_is_a_tagged_pdf(client):
    from datetime import timedelta

    from django.utils import timezone

    from provision_ledger.family.queries import family_advice, family_schedule, family_statement
    from tests.test_family_record import _entry, _kept, _line

    today = timezone.localdate()
    family_child = _kept(make_user(first_name="Tom", last_name="Bennett"))
    _entry(family_child, line=_line(family_child), sessions=2, outcome="did_not")
    statement = family_statement(family_child, today)
    [step] = [s for s in family_advice(family_child, statement, today).steps if s.kind == "ask_school_to_reinstate"]
    letter = actions.save_family_letter(
        family_child=family_child, step=step, schedule=family_schedule(family_child, statement, today),
        by=family_child.keeper, addressee="The Headteacher", subject="Provision in my child's plan not being delivered",
        body="Dear Headteacher,\n\nI ask the school to reinstate the provision.\n\nYours sincerely,",
        sent_on=today - timedelta(days=1), today=today,
    )  # fmt: skip
    client.force_login(family_child.keeper)

    pdf = client.get(reverse("family-letter-download", kwargs={"letter_id": letter.pk, "extension": "pdf"})).content

    kinds = _assert_tagged(pdf, letter.subject, "/H1", "/H2", "/H3", "/Table")
    assert {"/TH", "/TD"} <= set(kinds)
