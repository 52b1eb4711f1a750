"""Error reports (Sentry, when SENTRY_DSN is set) never carry a child's details: proven through a test transport
that keeps every envelope the SDK would have sent, with no network."""

from __future__ import annotations

import json

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from provision_ledger.ops import errors

pytestmark = pytest.mark.django_db


class KeepingTransport(Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)


@pytest.fixture
def reported(settings):
    settings.ROOT_URLCONF = "tests.failing_urls"
    transport = KeepingTransport()
    errors.init("https://public@errors.example.invalid/1", "test", transport=transport)
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: reporting off again for the rest of the run


def _sent(transport) -> tuple[str, list[dict]]:
    sentry_sdk.get_client().flush()
    events = [item.payload.json for envelope in transport.envelopes for item in envelope.items if item.type == "event"]
    text = "".join(
        item.payload.get_bytes().decode(errors="replace") for envelope in transport.envelopes for item in envelope.items
    )
    return text, events


def test_a_childs_name_in_an_exception_never_leaves_in_the_error_report(reported, client, senco, child):
    client.force_login(senco)
    client.raise_request_exception = False

    response = client.post(
        f"/fail/{child.pk}/?search={child.last_name}",
        {"note": f"{child.first_name} was upset today"},
        HTTP_X_REQUEST_ID="req-abcdef123456",
        HTTP_USER_AGENT=f"Browser of {child.last_name}",
    )

    text, events = _sent(reported)
    assert response.status_code == 500
    (event,) = events
    assert event["exception"]["values"][-1]["type"] == "ValueError"
    assert event["exception"]["values"][-1]["value"] == errors.REMOVED
    assert event["exception"]["values"][-1]["stacktrace"]["frames"][-1]["function"] == "fail"
    assert event["transaction"] == "/fail/{child_id}/"
    assert event["user"] == {"id": str(senco.pk)}
    assert event["tags"] == {"request_id": "req-abcdef123456"}
    assert event.get("request", {}).keys() <= {"method"}
    for detail in (child.first_name, child.last_name, str(child.date_of_birth), senco.email, "sessionid"):
        assert detail not in text


def test_scrubbing_keeps_only_the_allowed_fields_whatever_the_sdk_adds():
    event = {
        "event_id": "e1",
        "level": "error",
        "exception": {
            "values": [
                {
                    "type": "KeyError",
                    "value": "'Maya Okafor'",
                    "stacktrace": {"frames": [{"function": "f", "lineno": 3, "vars": {"name": "Maya Okafor"}}]},
                }
            ]
        },
        "request": {"method": "GET", "url": "https://x/invitations/tok/", "cookies": {"sessionid": "s"}},
        "user": {"id": 7, "email": "parent@x.test"},
        "breadcrumbs": {"values": [{"message": "SELECT ... 'Okafor'"}]},
        "extra": {"child": "Maya Okafor"},
        "contexts": {"trace": {"x": "Maya"}},
        "logentry": {"message": "Letter for %s", "params": ["Maya Okafor"], "formatted": "Letter for Maya Okafor"},
        "transaction": "/invitations/tok/",
        "transaction_info": {"source": "url"},
    }

    scrubbed = errors.scrub(event)

    assert "Maya" not in json.dumps(scrubbed)
    assert "tok" not in json.dumps(scrubbed)
    assert scrubbed == {
        "event_id": "e1",
        "level": "error",
        "exception": {
            "values": [
                {
                    "type": "KeyError",
                    "value": errors.REMOVED,
                    "stacktrace": {"frames": [{"function": "f", "lineno": 3}]},
                }
            ]
        },
        "logentry": {"message": "Letter for %s"},
        "request": {"method": "GET"},
        "user": {"id": "7"},
    }
