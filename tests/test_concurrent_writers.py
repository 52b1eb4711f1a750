"""Twenty members of staff log sessions at the same moment through the real server: every write lands."""

from __future__ import annotations

import re
import threading
from datetime import date
from http.cookiejar import CookieJar
from io import StringIO
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
from django.core.management import call_command

from provision_ledger.accounts import twofactor
from provision_ledger.delivery.models import Session
from provision_ledger.submissions import keys
from tests.factories import make_child, make_line, make_plan, make_staff, make_totp_device

pytestmark = pytest.mark.django_db(transaction=True)

STAFF = 20
DAYS = [date(2025, 9, d) for d in (8, 9, 10, 11, 12)]  # one school week of the autumn term
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_KEY = re.compile(rf'name="{keys.FIELD}" value="([^"]+)"')


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class Browser:
    """One member of staff's browser: its own cookies, its own connection to the server."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()), _NoRedirect)

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.status, response.read().decode()

    def post(self, path: str, form: dict[str, str]) -> tuple[int, str]:
        """Post a form as the page does, CSRF token and one-time key included; return the status and where it sends
        you."""
        _, page = self.get(path)
        data = {"csrfmiddlewaretoken": CSRF.search(page).group(1), **form}  # type: ignore[union-attr]
        if key := FORM_KEY.search(page):
            data[keys.FIELD] = key.group(1)
        request = Request(self.base + path, data=urlencode(data).encode(), method="POST")
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except HTTPError as error:  # the redirect after a successful post, or a server error
            return error.code, error.headers.get("Location") or error.read().decode()


def test_twenty_staff_logging_at_once_lose_no_session_and_never_see_database_is_locked(live_server, school, senco):
    lines, browsers = [], []
    for n in range(STAFF):
        child = make_child(school, first_name=f"Child{n}")
        assistant = make_staff(school, child, email=f"ta{n}@school.test")
        lines.append(make_line(make_plan(child, senco), senco))
        device = make_totp_device(assistant)
        browser = Browser(live_server.url)
        assert browser.post("/sign-in/", {"username": assistant.email, "password": "pw"})[0] == 302
        assert browser.post("/sign-in/code/", {"code": twofactor.next_usable_code(device)})[0] == 302
        browsers.append(browser)
    start = threading.Barrier(STAFF)
    results: list[tuple[int, str]] = []

    def log_a_week(browser: Browser, line_id: int) -> None:
        start.wait()
        for day in DAYS:
            form = {"date": day.isoformat(), "status": "delivered", "delivered_minutes": "", "reason": "", "note": ""}
            results.append(browser.post(f"/lines/{line_id}/sessions/new/", form))

    threads = [threading.Thread(target=log_a_week, args=(b, line.pk)) for b, line in zip(browsers, lines, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    failures = [body[:300] for status, body in results if status != 302]
    assert failures == []
    assert len(results) == STAFF * len(DAYS)
    assert {line.pk: Session.objects.filter(line=line).count() for line in lines} == {
        line.pk: len(DAYS) for line in lines
    }
    out = StringIO()
    call_command("verify", stdout=out)
    assert "intact" in out.getvalue().lower()
