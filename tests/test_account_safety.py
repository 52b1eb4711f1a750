"""What stops someone at an unlocked screen, a shared computer or a script: the smaller protections of an account."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from provision_ledger.accounts import twofactor
from provision_ledger.api.actions import issue_token
from provision_ledger.audit.models import RecordView
from provision_ledger.parents.actions import invite_parent
from tests.factories import make_child, make_parent, make_senco, make_totp_device

pytestmark = pytest.mark.django_db


def test_the_session_id_changes_once_the_code_is_given(unverified_client, senco):
    device = make_totp_device(senco)
    unverified_client.post(reverse("login"), {"username": senco.email, "password": "pw"})
    before_code = unverified_client.cookies["sessionid"].value

    unverified_client.post(reverse("two-factor-verify"), {"code": twofactor.next_usable_code(device)})

    after_code = unverified_client.cookies["sessionid"].value
    assert after_code != before_code
    assert unverified_client.get(reverse("home"))["Location"] == f"/schools/{senco.memberships.get().school.urn}/"
    replayed = Client()
    replayed.cookies["sessionid"] = before_code
    assert replayed.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_pages_for_a_signed_in_person_are_never_stored_by_the_browser(client, senco, child):
    client.force_login(senco)

    for page in (reverse("home"), reverse("child-detail", args=[child.pk])):
        assert client.get(page)["Cache-Control"] == "no-store, private"


@pytest.fixture
def parent_with_code(child):
    parent = make_parent(child)
    return parent, make_totp_device(parent)


def test_turning_two_step_sign_in_off_takes_the_password_and_a_code(client, parent_with_code):
    parent, device = parent_with_code
    client.force_login(parent)
    page = reverse("two-factor-off")

    assert client.get(page).status_code == 200
    wrong_password = client.post(page, {"password": "not it", "code": twofactor.next_usable_code(device)})
    no_code = client.post(page, {"password": "pw", "code": ""})
    wrong_code = client.post(page, {"password": "pw", "code": "000000"})

    assert "That password is not right." in wrong_password.content.decode()
    assert "Enter the 6-digit code from your authenticator app" in no_code.content.decode()
    assert "That code is not right." in wrong_code.content.decode()
    assert TOTPDevice.objects.filter(user=parent, confirmed=True).count() == 1
    device.refresh_from_db()
    device.throttle_reset()  # as waiting out the delay after a wrong code would
    done = client.post(page, {"password": "pw", "code": twofactor.next_usable_code(device)})
    assert done["Location"] == reverse("home")
    assert TOTPDevice.objects.filter(user=parent).count() == 0


def test_wrong_passwords_to_close_an_account_count_as_failed_sign_ins(client, parent_with_code, settings):
    parent, _ = parent_with_code
    client.force_login(parent)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("account-close"), {"password": "guess", "reason": ""})

    response = client.post(reverse("account-close"), {"password": "pw", "reason": ""})

    assert response.status_code == 429  # the sign-in lockout page, even with the right password
    parent.refresh_from_db()
    assert parent.is_active
    assert Client().post(reverse("login"), {"username": parent.email, "password": "pw"}).status_code == 429


def test_an_invitation_to_an_existing_account_cannot_be_used_to_guess_its_password(unverified_client, school, senco):
    parent = make_parent(make_child(school))
    second = make_child(school, first_name="Ada")
    invite_parent(child=second, email=parent.email, relationship="Mother", by=senco, base_url="http://testserver")
    page = mail.outbox[-1].body.split("http://testserver", 1)[1].split()[0]
    form = {"first_name": "A", "last_name": "B", "password": "guess", "password_again": "guess"}

    statuses = [unverified_client.post(page, form).status_code for _ in range(6)]
    right = unverified_client.post(page, {**form, "password": "pw", "password_again": "pw"})

    # The fifth wrong password locks the address out, as five on the sign-in page would.
    assert statuses == [200, 200, 200, 200, 429, 429]
    assert right.status_code == 429
    assert not second.guardians.exists()


def test_no_more_than_three_reset_emails_an_hour_go_to_one_address_and_the_page_never_says_so(unverified_client, senco):
    pages = [unverified_client.post(reverse("password_reset"), {"email": senco.email.upper()}) for _ in range(5)]

    assert len(mail.outbox) == 3
    assert {p["Location"] for p in pages} == {reverse("password_reset_done")}


def test_reset_emails_from_one_network_address_are_limited_across_addresses(unverified_client, school, settings):
    settings.PASSWORD_RESETS_FROM_ONE_PLACE_PER_HOUR = 2
    people = [make_senco(school, email=f"senco{i}@example.test") for i in range(3)]

    for person in people:
        unverified_client.post(reverse("password_reset"), {"email": person.email})

    assert [m.to for m in mail.outbox] == [[people[0].email], [people[1].email]]


def test_a_read_through_the_api_shows_in_who_has_looked_with_the_token_named(client, school, senco, child):
    _, secret = issue_token(by=senco, name="Arbor MIS", school=school)
    headers = {"Authorization": f"Bearer {secret}"}

    Client().get(f"/api/v1/children/{child.pk}", headers=headers)
    Client().get(f"/api/v1/children/{child.pk}/compliance", headers=headers)

    assert sorted(RecordView.objects.filter(child=child).values_list("viewer", "what")) == [
        (senco.pk, "delivery figures through the API (Arbor MIS)"),
        (senco.pk, "the child's details through the API (Arbor MIS)"),
    ]
    parent = make_parent(child)
    client.force_login(parent)
    assert (
        "The child&#x27;s details through the API (Arbor MIS)"
        in client.get(reverse("record-views", args=[child.pk])).content.decode()
    )


def test_staff_still_cannot_turn_two_step_sign_in_off(client, senco):
    make_totp_device(senco)
    client.force_login(senco)

    response = client.post(reverse("two-factor-off"), {"password": "pw", "code": "123456"})

    assert response["Location"] == reverse("two-factor-setup")
    assert TOTPDevice.objects.filter(user=senco, confirmed=True).count() == 1
