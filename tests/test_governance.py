"""The privacy notice, the accessibility statement and security.txt: open to all, linked from every page, and saying
plainly what the organisation running the service has not yet filled in."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from provision_ledger.audit.models import RecordView

pytestmark = pytest.mark.django_db

NOT_FILLED = "Not yet filled in by the organisation running this service:"


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def test_every_page_links_the_privacy_notice_and_accessibility_statement_from_its_footer(unverified_client):
    page = _text(unverified_client.get(reverse("login")))

    assert '<a class="govuk-footer__link" href="/privacy/">Privacy</a>' in page
    assert '<a class="govuk-footer__link" href="/accessibility/">Accessibility statement</a>' in page


def test_the_privacy_notice_gives_the_lawful_basis_and_says_who_must_confirm_it(unverified_client, settings):
    settings.SERVICE_OPERATOR = "Demo Borough Council"
    settings.PRIVACY_CONTACT = "dpo@demo-borough.example"

    page = _text(unverified_client.get(reverse("privacy")))

    assert "Demo Borough Council runs this service and is the data controller" in page
    assert "UK GDPR Article 6(1)(e)" in page
    assert "Article 9(2)(g)" in page
    assert "Data Protection Act 2018, Schedule 1, Part 2, paragraph 6" in page
    assert "data protection officer of the data controller must confirm the lawful basis" in page
    assert "kept until 31 years after their date of birth" in page
    assert 'href="mailto:dpo@demo-borough.example"' in page
    assert "0303 123 1113" in page
    assert page.count(NOT_FILLED) == 1  # only the confirmation of the lawful basis, which is never a setting


def test_the_privacy_notice_marks_what_the_deployer_has_not_filled_in(unverified_client, settings):
    settings.SERVICE_OPERATOR = ""
    settings.PRIVACY_CONTACT = ""

    page = _text(unverified_client.get(reverse("privacy")))

    assert page.count(NOT_FILLED) == 3
    assert "setting SERVICE_OPERATOR" in page
    assert "setting PRIVACY_CONTACT" in page


def test_the_privacy_notice_follows_the_retention_setting(unverified_client, settings):
    settings.RETENTION_YEARS_AFTER_BIRTH = 35

    assert "kept until 35 years after their date of birth" in _text(unverified_client.get(reverse("privacy")))


def test_the_accessibility_statement_names_the_standard_the_regulations_and_the_known_gaps(unverified_client, settings):
    settings.ACCESSIBILITY_CONTACT = "access@demo-borough.example"

    page = _text(unverified_client.get(reverse("accessibility")))

    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard" in page
    assert "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018" in page
    assert "axe-core against the WCAG 2.2 A and AA rules" in page
    assert "has not yet been tested by people using assistive technology" in page
    assert "tagged PDF/UA" in page
    assert 'href="mailto:access@demo-borough.example"' in page
    assert NOT_FILLED not in page


def test_the_governance_pages_read_no_record(client, senco, child):
    client.force_login(senco)

    for name in ("privacy", "accessibility"):
        assert client.get(reverse(name)).status_code == 200

    assert RecordView.objects.count() == 0


def test_security_txt_is_not_served_until_a_contact_and_expiry_are_set(unverified_client, settings):
    settings.SECURITY_CONTACT = ""
    settings.SECURITY_TXT_EXPIRES = ""

    assert unverified_client.get("/.well-known/security.txt").status_code == 404


def test_security_txt_follows_rfc_9116(unverified_client, settings):
    expires = date.today() + timedelta(days=200)
    settings.SECURITY_CONTACT = "mailto:security@demo-borough.example, https://demo-borough.example/security"
    settings.SECURITY_TXT_EXPIRES = expires.isoformat()

    response = unverified_client.get("/.well-known/security.txt")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "Contact: mailto:security@demo-borough.example",
        "Contact: https://demo-borough.example/security",
        f"Expires: {expires.isoformat()}T00:00:00Z",
        "Preferred-Languages: en",
        "Canonical: http://testserver/.well-known/security.txt",
    ]


@pytest.mark.parametrize("days", [0, -3, 400])
def test_security_txt_is_withdrawn_once_expired_or_set_more_than_a_year_ahead(unverified_client, settings, days):
    settings.SECURITY_CONTACT = "mailto:security@demo-borough.example"
    settings.SECURITY_TXT_EXPIRES = (date.today() + timedelta(days=days)).isoformat()

    assert unverified_client.get("/.well-known/security.txt").status_code == 404
