"""Behind a reverse proxy: throttling, the read log and audit events record the client's address, not the proxy's,
and a forwarded header is believed only from a trusted proxy, only as far back as the proxies there are."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from provision_ledger.audit.models import AuditEvent, RecordView
from provision_ledger.ops.client import client_address, current_address
from tests.factories import make_line, make_plan

PROXY = "127.0.0.1"
ALICE, BOB = "198.51.100.1", "198.51.100.2"


@pytest.fixture
def one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_ADDRESSES = ["127.0.0.1", "::1"]


def _address(remote: str, forwarded: str | None = None) -> str:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


def test_with_no_trusted_proxy_a_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert _address("192.0.2.10", forwarded=ALICE) == "192.0.2.10"


def test_behind_one_trusted_proxy_the_address_it_saw_is_the_clients(one_proxy):
    assert _address(PROXY, forwarded=ALICE) == ALICE


def test_an_address_the_client_wrote_into_the_header_itself_is_passed_over(one_proxy):
    # The proxy appends what it saw to what the client sent: only the last entry is the proxy's own word.
    assert _address(PROXY, forwarded=f"10.9.9.9, {ALICE}") == ALICE


def test_a_peer_that_is_not_a_trusted_proxy_cannot_choose_its_address(one_proxy):
    assert _address("192.0.2.66", forwarded=ALICE) == "192.0.2.66"


def test_two_trusted_proxies_count_back_two_hops(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    settings.TRUSTED_PROXY_ADDRESSES = ["10.0.0.0/8"]

    assert _address("10.0.0.2", forwarded=f"6.6.6.6, {ALICE}, 10.0.0.1") == ALICE


def test_a_forwarded_value_that_is_not_an_address_falls_back_to_the_peer(one_proxy):
    assert _address(PROXY, forwarded="<script>") == PROXY
    assert _address(PROXY) == PROXY


def _sign_in(client, email: str, password: str, address: str):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address
    )


@pytest.mark.django_db
def test_one_persons_wrong_passwords_through_the_proxy_lock_out_only_their_address(one_proxy, unverified_client, senco):
    for _ in range(5):
        _sign_in(unverified_client, senco.email, "wrong", ALICE)

    from_alice = _sign_in(unverified_client, senco.email, "pw", ALICE)
    from_bob = _sign_in(unverified_client, senco.email, "pw", BOB)

    assert from_alice.status_code == 429
    assert from_bob.status_code == 302
    # Five wrong passwords and the refused sixth attempt, all under Alice's address; none under the proxy's or Bob's.
    assert list(AccessAttempt.objects.values_list("ip_address", "failures_since_start")) == [(ALICE, 6)]


@pytest.mark.django_db
def test_without_the_proxy_setting_everyone_behind_it_shares_one_count(settings, unverified_client, senco):
    settings.TRUSTED_PROXY_COUNT = 0
    for _ in range(5):
        _sign_in(unverified_client, senco.email, "wrong", ALICE)

    assert _sign_in(unverified_client, senco.email, "pw", BOB).status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [PROXY]


@pytest.mark.django_db
def test_the_read_log_records_the_readers_address_behind_the_proxy(one_proxy, client, senco, child):
    client.force_login(senco)

    response = client.get(
        reverse("child-detail", kwargs={"child_id": child.pk}), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ALICE
    )

    assert response.status_code == 200
    assert list(RecordView.objects.values_list("viewer_id", "address")) == [(senco.pk, ALICE)]


@pytest.mark.django_db
def test_an_audit_event_records_the_writers_address_behind_the_proxy(one_proxy, client, senco, child):
    line = make_line(make_plan(child, senco), senco)
    events_before = set(AuditEvent.objects.values_list("pk", flat=True))
    client.force_login(senco)

    response = client.post(
        reverse("session-create", kwargs={"line_id": line.pk}),
        {"date": "2025-09-10", "status": "delivered"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"10.9.9.9, {BOB}",
    )

    assert response.status_code == 302
    new = AuditEvent.objects.exclude(pk__in=events_before)
    assert list(new.values_list("object_type", "address")) == [("session", BOB)]


@pytest.mark.django_db
def test_events_written_outside_a_request_have_no_address(senco, child):
    make_line(make_plan(child, senco), senco)

    assert current_address() is None
    assert set(AuditEvent.objects.values_list("address", flat=True)) == {None}
