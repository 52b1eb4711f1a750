"""Signing in: the password, throttled; the code, required of staff; sessions that end; the demo's codes."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.sessions.models import Session as StoredSession
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from provision_ledger.accounts import twofactor
from provision_ledger.accounts.middleware import REFRESHED_AT
from provision_ledger.core.demo import load_demo
from tests.factories import make_parent, make_senco, make_staff, make_totp_device, make_user

pytestmark = pytest.mark.django_db


def _sign_in(client, email: str, password: str = "pw"):
    return client.post(reverse("login"), {"username": email, "password": password})


# Two-step sign-in


def test_staff_who_have_given_no_code_are_sent_to_the_code_page_from_every_page(unverified_client, school, child):
    staff = make_staff(school, child)
    make_totp_device(staff)
    unverified_client.force_login(staff)
    page = reverse("child-detail", args=[child.pk])

    response = unverified_client.get(page)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('two-factor-verify')}?next=%2Fchildren%2F{child.pk}%2F"
    for name in ("home", "register", "time-logs"):
        assert unverified_client.get(reverse(name)).status_code == 302
    assert unverified_client.get(reverse("two-factor-verify")).status_code == 200


def test_staff_without_an_authenticator_must_set_one_up_first(unverified_client, senco):
    unverified_client.force_login(senco)

    response = unverified_client.get(reverse("home"))

    assert response["Location"] == f"{reverse('two-factor-setup')}?next=%2F"
    setup = unverified_client.get(response["Location"])
    assert setup.status_code == 200
    device = TOTPDevice.objects.get(user=senco)
    assert device.confirmed is False
    assert twofactor.secret(device) in setup.content.decode().replace(" ", "")
    assert 'class="segno"' in setup.content.decode()


def test_setting_up_an_authenticator_with_its_code_reaches_the_page_asked_for(unverified_client, senco, school):
    unverified_client.force_login(senco)
    unverified_client.get(reverse("two-factor-setup"))
    device = TOTPDevice.objects.get(user=senco)

    response = unverified_client.post(
        reverse("two-factor-setup"), {"code": twofactor.current_code(device), "next": f"/schools/{school.urn}/"}
    )

    assert response["Location"] == f"/schools/{school.urn}/"
    assert unverified_client.get(f"/schools/{school.urn}/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed is True


def test_signing_in_takes_the_password_then_the_code(unverified_client, senco, school):
    device = make_totp_device(senco)

    after_password = _sign_in(unverified_client, senco.email)
    assert after_password["Location"] == "/"
    assert unverified_client.get("/")["Location"] == f"{reverse('two-factor-verify')}?next=%2F"

    after_code = unverified_client.post(reverse("two-factor-verify"), {"code": twofactor.current_code(device)})

    assert after_code["Location"] == "/"
    assert unverified_client.get("/")["Location"] == f"/schools/{school.urn}/"


def test_a_wrong_code_is_refused_with_a_plain_message(unverified_client, senco):
    device = make_totp_device(senco)
    unverified_client.force_login(senco)
    wrong = f"{(int(twofactor.current_code(device)) + 1) % 1_000_000:06d}"

    response = unverified_client.post(reverse("two-factor-verify"), {"code": wrong})

    assert response.status_code == 200
    assert "That code is not right. Codes change every 30 seconds" in response.content.decode()
    assert unverified_client.get("/").status_code == 302


def test_a_code_cannot_be_used_twice(unverified_client, client, senco):
    device = make_totp_device(senco)
    code = twofactor.current_code(device)
    unverified_client.force_login(senco)
    unverified_client.post(reverse("two-factor-verify"), {"code": code})
    other = type(unverified_client)()
    other.force_login(senco)

    response = other.post(reverse("two-factor-verify"), {"code": code})

    assert "That code is not right" in response.content.decode()


def test_parents_are_not_asked_for_a_code(unverified_client, child):
    parent = make_parent(child)
    unverified_client.force_login(parent)

    assert unverified_client.get(reverse("child-detail", args=[child.pk])).status_code == 200


def test_a_parent_who_turns_on_two_step_sign_in_is_then_asked_for_a_code(unverified_client, child):
    parent = make_parent(child)
    unverified_client.force_login(parent)
    setup = unverified_client.get(reverse("two-factor-setup"))
    assert "You can choose to sign in with two steps" in setup.content.decode()
    device = TOTPDevice.objects.get(user=parent)
    unverified_client.post(reverse("two-factor-setup"), {"code": twofactor.current_code(device)})

    unverified_client.logout()
    unverified_client.force_login(parent)

    assert unverified_client.get(reverse("child-detail", args=[child.pk]))["Location"].startswith("/sign-in/code/")


def test_a_parent_may_turn_two_step_sign_in_off_and_staff_may_not(client, child, senco):
    parent = make_parent(child)
    device = make_totp_device(parent)
    client.force_login(parent)
    client.post(reverse("two-factor-off"), {"password": "pw", "code": twofactor.next_usable_code(device)})
    assert TOTPDevice.objects.filter(user=parent).count() == 0

    client.force_login(senco)
    client.post(reverse("two-factor-off"))
    assert TOTPDevice.objects.filter(user=senco, confirmed=True).count() == 1


def test_requests_to_the_api_are_left_to_its_own_authentication(unverified_client, senco):
    make_totp_device(senco)
    unverified_client.force_login(senco)

    response = unverified_client.get("/api/no-such-endpoint/")

    assert response.status_code == 404


# Throttling


def test_five_wrong_passwords_lock_that_email_from_that_address_with_a_clear_message(unverified_client, senco):
    for _ in range(4):
        assert _sign_in(unverified_client, senco.email, "wrong").status_code == 200

    fifth = _sign_in(unverified_client, senco.email, "wrong")
    right_password_after = _sign_in(unverified_client, senco.email, "pw")

    assert fifth.status_code == 429
    assert right_password_after.status_code == 429
    page = right_password_after.content.decode()
    assert "Too many attempts to sign in" in page
    assert f"The wrong password was entered 5 times for {senco.email}" in page
    assert "paused for 15 minutes" in page


def test_changing_the_case_of_the_email_does_not_start_a_new_count(unverified_client, senco):
    for n in range(5):
        _sign_in(unverified_client, senco.email.upper() if n % 2 else senco.email, "wrong")

    assert _sign_in(unverified_client, senco.email).status_code == 429


def test_a_locked_email_does_not_lock_other_people_out(unverified_client, senco, school):
    for _ in range(5):
        _sign_in(unverified_client, senco.email, "wrong")
    other = make_senco(school)

    assert _sign_in(unverified_client, other.email)["Location"] == "/"


def test_the_failure_limit_and_lockout_length_come_from_settings(unverified_client, senco, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(hours=1)
    _sign_in(unverified_client, senco.email, "wrong")

    response = _sign_in(unverified_client, senco.email, "wrong")

    assert response.status_code == 429
    assert "entered 2 times" in response.content.decode()
    assert "paused for 1 hour." in response.content.decode()


def test_a_successful_sign_in_clears_the_count_of_failures(unverified_client, senco):
    for _ in range(4):
        _sign_in(unverified_client, senco.email, "wrong")
    assert _sign_in(unverified_client, senco.email)["Location"] == "/"
    unverified_client.logout()

    for _ in range(4):
        assert _sign_in(unverified_client, senco.email, "wrong").status_code == 200


# Sessions


def test_a_session_ends_after_thirty_idle_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def test_using_the_site_pushes_the_end_of_the_session_back(client, senco):
    client.force_login(senco)
    session = client.session
    session[REFRESHED_AT] = int((timezone.now() - timedelta(minutes=20)).timestamp())
    session.save()
    StoredSession.objects.filter(pk=session.session_key).update(expire_date=timezone.now() + timedelta(minutes=10))

    client.get("/")

    expires = StoredSession.objects.get(pk=session.session_key).expire_date
    assert expires > timezone.now() + timedelta(minutes=29)


def test_an_idle_session_is_signed_out(client, senco):
    client.force_login(senco)
    stored = StoredSession.objects.filter(pk=client.session.session_key)
    stored.update(expire_date=timezone.now() - timedelta(seconds=1))

    assert client.get("/")["Location"] == "/sign-in/?next=/"


# The demo's codes


def test_demo_staff_have_the_demo_authenticator_and_totp_prints_its_code():
    load_demo(timezone.localdate())
    out = StringIO()

    call_command("totp", "senco@demo.test", stdout=out)

    device = TOTPDevice.objects.get(user__email="senco@demo.test")
    assert twofactor.secret(device) == twofactor.DEMO_SECRET
    assert out.getvalue().strip() == twofactor.current_code(device)
    assert not TOTPDevice.objects.filter(user__email="parent@demo.test").exists()


def test_totp_prints_no_code_for_an_account_outside_the_demo(senco):
    make_totp_device(senco)

    with pytest.raises(CommandError, match="is not a demo account"):
        call_command("totp", senco.email, stdout=StringIO())


def test_totp_prints_nothing_under_production_settings(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="never printed under production"):
        call_command("totp", "senco@demo.test", stdout=StringIO())


def test_demo_sign_ins_say_how_to_get_a_code():
    out = StringIO()

    call_command("demo", "--sign-ins", stdout=out)

    assert f"Add this demo secret to any authenticator app: {twofactor.DEMO_SECRET}" in out.getvalue()
    assert "provision-ledger totp senco@demo.test" in out.getvalue()


def test_the_admin_site_is_closed_until_the_code_is_given(unverified_client, client):
    admin = make_user()
    admin.is_staff = admin.is_superuser = True
    admin.save()
    make_totp_device(admin)
    unverified_client.force_login(admin)
    client.force_login(admin)

    assert unverified_client.get("/admin/")["Location"] == f"{reverse('two-factor-verify')}?next=%2Fadmin%2F"
    assert unverified_client.get("/admin/people/user/")["Location"].startswith(reverse("two-factor-verify"))
    assert client.get("/admin/").status_code == 200


# Email addresses are one address whatever their case


def test_sign_in_accepts_the_address_with_the_capitals_a_phone_adds(unverified_client, child):
    parent = make_parent(child, email="parent@demo.test")
    parent.set_password("a long enough password")
    parent.save()

    response = _sign_in(unverified_client, "  Parent@Demo.Test ", "a long enough password")

    assert response.status_code == 302
    assert unverified_client.session["_auth_user_id"] == str(parent.pk)


def test_an_address_is_stored_in_lower_case_so_a_second_account_in_other_capitals_is_refused():
    from django.db import IntegrityError, transaction

    from provision_ledger.people.models import User

    first = User.objects.create_user("Sam.Lee@School.Test", "pw")
    assert first.email == "sam.lee@school.test"
    changed = User.objects.get(pk=first.pk)
    changed.email = "SAM.LEE@SCHOOL.TEST"
    changed.save()
    assert User.objects.get(pk=first.pk).email == "sam.lee@school.test"
    with pytest.raises(IntegrityError), transaction.atomic():
        User(email="Sam.Lee@SCHOOL.test").save()


def test_the_data_migration_puts_addresses_saved_in_capitals_in_lower_case_unless_another_account_has_it(
    unverified_client,
):
    from importlib import import_module

    from django.apps import apps

    from provision_ledger.people.models import User

    migration = import_module("provision_ledger.people.migrations.0009_email_addresses_in_lower_case")
    old = User.objects.create_user("jo.green@school.test", "a long enough password")
    twin = User.objects.create_user("sam.lee@school.test", "pw")
    clash = User.objects.create_user("other@school.test", "pw")
    # As saved before addresses were stored in lower case: written past save(), which now lowers them.
    User.objects.filter(pk=old.pk).update(email="Jo.Green@School.Test")
    User.objects.filter(pk=clash.pk).update(email="SAM.LEE@school.test")
    migration.lower_case_addresses(apps, None)
    assert dict(User.objects.values_list("pk", "email")) == {
        old.pk: "jo.green@school.test",
        twin.pk: "sam.lee@school.test",
        clash.pk: "SAM.LEE@school.test",  # left for an administrator: the lower-case address is another account's
    }
    response = _sign_in(unverified_client, "Jo.Green@School.Test", "a long enough password")
    assert unverified_client.session["_auth_user_id"] == str(old.pk), response
