"""Walk the production server as a browser would, through the reverse proxy CI stands in for.

Standard library only. CI runs gunicorn on loopback with TRUST_X_FORWARDED_PROTO=True and TRUSTED_PROXY_COUNT=1,
exactly as behind nginx or Caddy; this script plays that proxy's part, sending the X-Forwarded-Proto and
X-Forwarded-For headers a proxy that terminated TLS would add. It checks that plain HTTP is sent to HTTPS, waits
for /readyz, signs in as the demo SENCO (password and two-step code, CSRF and form keys included), reads the
school's page and signs out.

    python3 .ci/production_smoke.py http://127.0.0.1:PORT HOST
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import re
import struct
import sys
import time
from urllib.parse import urlencode, urlsplit

DEMO_SECRET = "PROVISIONLEDGERDEMOSECRETTOTPKEY"  # the demo's shared authenticator secret (README)
CLIENT_ADDRESS = "203.0.113.7"  # a documentation address (RFC 5737): the "browser" behind the proxy


def totp(secret: str, at: float) -> str:
    """RFC 6238 with SHA-1, 6 digits, 30 s steps: what an authenticator app shows."""
    counter = struct.pack(">Q", int(at) // 30)
    mac = hmac.new(base64.b32decode(secret), counter, hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return f"{(struct.unpack('>I', mac[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


class Browser:
    def __init__(self, base: str, host: str) -> None:
        parts = urlsplit(base)
        self.address, self.port, self.host = parts.hostname or "127.0.0.1", parts.port or 80, host
        self.cookies: dict[str, str] = {}
        self.set_cookie_headers: list[str] = []

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, *, via_https: bool = True
    ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection(self.address, self.port, timeout=30)
        headers = {"Host": self.host, "X-Forwarded-For": CLIENT_ADDRESS}
        if via_https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            # Django checks a secure POST's origin and referrer against the host.
            headers["Origin"] = f"https://{self.host}"
            headers["Referer"] = f"https://{self.host}{path}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                self.set_cookie_headers.append(value)
                cookie_name, _, rest = value.partition("=")
                self.cookies[cookie_name.strip()] = rest.split(";", 1)[0]
        result = {k.lower(): v for k, v in response.getheaders()}
        connection.close()
        return response.status, result, text

    def form_fields(self, page: str) -> dict[str, str]:
        return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


def check(condition: bool, what: str) -> None:
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        sys.exit(1)


def main(base: str, host: str) -> None:
    browser = Browser(base, host)
    deadline = time.monotonic() + 90
    status, body = 0, ""
    while time.monotonic() < deadline:
        try:
            status, _, body = browser.request("GET", "/readyz", via_https=False)
            if status == 200:
                break
        except OSError:
            pass
        time.sleep(1)
    check(status == 200, f"/readyz answers 200 within 90 s ({body.strip()})")
    check(
        json.loads(body)["checks"] == dict.fromkeys(("database", "migrations", "chain", "static"), "ok"),
        "every readiness check is ok",
    )
    status, _, body = browser.request("GET", "/healthz", via_https=False)
    check((status, body) == (200, "ok\n"), "/healthz answers ok over plain HTTP")

    status, headers, _ = browser.request("GET", "/sign-in/", via_https=False)
    check(
        status == 301 and headers.get("location", "").startswith(f"https://{host}/"),
        "plain HTTP is redirected to HTTPS",
    )

    status, headers, page = browser.request("GET", "/sign-in/")
    check(status == 200 and "Sign in" in page, "the sign-in page is served over HTTPS")
    check(headers.get("strict-transport-security", "").startswith("max-age=31536000"), "HSTS is sent")
    check("default-src 'self'" in headers.get("content-security-policy", ""), "the Content Security Policy is sent")
    check(headers.get("x-request-id", "") != "", "each response carries its request id")

    fields = browser.form_fields(page)
    check("csrfmiddlewaretoken" in fields, "the sign-in form carries a CSRF token")
    status, headers, _ = browser.request(
        "POST", "/sign-in/", {**fields, "username": "senco@demo.test", "password": "demo"}
    )
    check(status == 302, "the password is accepted")
    status, headers, _ = browser.request("GET", headers["location"])
    check(status == 302 and "/sign-in/code/" in headers.get("location", ""), "a staff member is then asked for a code")
    check(
        all("Secure" in c for c in browser.set_cookie_headers if c.startswith(("sessionid", "csrftoken"))),
        "session and CSRF cookies are Secure",
    )

    status, _, page = browser.request("GET", "/sign-in/code/")
    check(status == 200, "the code page is served")
    status, headers, _ = browser.request(
        "POST", "/sign-in/code/", {**browser.form_fields(page), "code": totp(DEMO_SECRET, time.time())}
    )
    check(status == 302, "the two-step code is accepted")

    status, _, page = browser.request("GET", "/schools/990001/")
    check(status == 200 and "Oakfield Primary School" in page, "the SENCO's school page is served")

    # Each worker loads the PDF templates and fonts before its first request, so the first PDF is as quick as later
    # ones (it took over 4 s before). Several workers answer in turn, so each is asked a few times.
    child = re.search(r'href="/children/(\d+)/"', page)
    check(child is not None, "the school page links to a child")
    assert child is not None
    timings = []
    for _ in range(6):
        began = time.monotonic()
        status, headers, _ = browser.request("GET", f"/children/{child.group(1)}/record.pdf")
        timings.append(time.monotonic() - began)
        check(status == 200 and headers.get("content-type") == "application/pdf", "the child's statement PDF is served")
    print(f"statement PDF: first {timings[0]:.2f} s, then {', '.join(f'{t:.2f}' for t in timings[1:])} s")
    check(timings[0] < 2.0, f"the first PDF after the start takes under 2 s ({timings[0]:.2f} s)")

    status, headers, _ = browser.request("POST", "/sign-out/", browser.form_fields(page))
    check(status == 302, "signing out works")
    status, headers, _ = browser.request("GET", "/schools/990001/")
    check(status == 302 and "/sign-in/" in headers.get("location", ""), "after signing out the page asks for sign-in")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
