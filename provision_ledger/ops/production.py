"""What production needs before it may serve: each missing setting named, with what to set."""

from __future__ import annotations

import os
from collections.abc import Mapping

# Backends that never deliver mail: a reset or invitation link sent through them ends up in a log or nowhere.
NOT_REAL_EMAIL_BACKENDS = frozenset(
    {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
        "provision_ledger.ops.mail.NoEmailBackend",
    }
)


def missing_settings(environ: Mapping[str, str] | None = None) -> list[str]:
    """Every setting production lacks, one sentence each. Empty when PRODUCTION is not True."""
    environ = os.environ if environ is None else environ
    if environ.get("PRODUCTION") != "True":
        return []
    problems = []
    if not environ.get("SECRET_KEY"):
        problems.append(
            "SECRET_KEY is not set: give a random value of 50 characters or more, kept out of the repository "
            '(python3 -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
    if not (environ.get("LEDGER_CHAIN_KEY") or environ.get("LEDGER_CHAIN_KEY_FILE")):
        problems.append(
            "LEDGER_CHAIN_KEY (or LEDGER_CHAIN_KEY_FILE) is not set: the key of the record's hash chain, 32 characters "
            "or more, kept outside the database."
        )
    if not environ.get("ALLOWED_HOSTS"):
        problems.append("ALLOWED_HOSTS is not set: give the host name people use, e.g. ledger.example.org.")
    backend = environ.get("EMAIL_BACKEND", "")
    if not backend:
        problems.append(
            "EMAIL_BACKEND is not set: password resets and invitations need real mail, e.g. "
            "django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST."
        )
    elif backend in NOT_REAL_EMAIL_BACKENDS:
        problems.append(f"EMAIL_BACKEND is {backend}, which delivers no mail: use an SMTP backend.")
    if not environ.get("DATABASE_URL"):
        problems.append("DATABASE_URL is not set: e.g. postgres://ledger:PASSWORD@127.0.0.1:5432/ledger.")
    behind_proxy = environ.get("TRUST_X_FORWARDED_PROTO") == "True"
    own_tls = bool(environ.get("TLS_CERTFILE") and environ.get("TLS_KEYFILE"))
    if not behind_proxy and not own_tls:
        problems.append(
            "HTTPS is not set up: behind a reverse proxy that terminates TLS set TRUST_X_FORWARDED_PROTO=True and "
            "TRUSTED_PROXY_COUNT; to serve TLS directly set TLS_CERTFILE and TLS_KEYFILE."
        )
    if behind_proxy and environ.get("TRUSTED_PROXY_COUNT", "0") in ("", "0"):
        problems.append(
            "TRUSTED_PROXY_COUNT is 0 though TRUST_X_FORWARDED_PROTO=True says a proxy is in front: set it to the "
            "number of proxies (usually 1), or every person looks like the proxy to throttling and the logs."
        )
    return problems
