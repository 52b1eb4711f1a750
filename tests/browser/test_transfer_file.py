"""In Chromium: a SENCO takes in a Common Transfer File for three pupils, reads the report, confirms, and finds them
on the school overview with their needs ranked."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from provision_ledger.people.models import Child, LocalAuthority, School
from tests.ctf_files import ctf_file, three_pupils
from tests.factories import make_senco

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_senco_takes_in_a_ctf_for_three_pupils_and_finds_them_with_their_needs_ranked(
    page: Page, live_server, sign_in, tmp_path
):
    la = LocalAuthority.objects.create(code="889", name="Northshire")
    school = School.objects.create(urn="100001", name="Hillside Primary School", local_authority=la,
                                   establishment_number="3001")  # fmt: skip
    make_senco(school, email="senco@school.test")
    path = tmp_path / "CTF_8892001_8893001.xml"
    path.write_bytes(ctf_file(three_pupils()))

    sign_in("senco@school.test")
    page.goto(f"{live_server.url}/schools/{school.urn}/")
    page.get_by_role("link", name="Take in a Common Transfer File").click()
    page.get_by_label("Common Transfer File").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()

    report = page.get_by_test_id("transfer-report")
    expect(report).to_contain_text("Ada Bell")
    expect(report).to_contain_text("need 1 DS from 4 September 2023")
    expect(report.get_by_role("row")).to_have_count(4)  # the header and three pupils
    assert not Child.objects.exists()
    page.get_by_role("button", name="Confirm and save").click()

    expect(page.get_by_text("Imported 3 pupils from CTF_8892001_8893001.xml: 3 new, 0 updated.")).to_be_visible()
    assert page.url == f"{live_server.url}/schools/{school.urn}/"
    ada, ben, cara = (Child.objects.get(first_name=name) for name in ("Ada", "Ben", "Cara"))
    expect(page.get_by_test_id(f"needs-{ada.pk}")).to_have_text("Needs: DS (1), SLCN (2), PD (3)")
    expect(page.get_by_test_id(f"needs-{ben.pk}")).to_have_text("Needs: ASD (1)")
    expect(page.get_by_test_id(f"needs-{cara.pk}")).to_have_text("Needs: SPLD (1)")
