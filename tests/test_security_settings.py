"""Production settings pass Django's deployment checks; every page carries a strict Content Security Policy."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROVISION_LEDGER = Path(sys.executable).parent / "provision-ledger"
STRICT_POLICY = {
    "default-src 'self'",
    "base-uri 'none'",
    "connect-src 'self'",
    "font-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "img-src 'self'",
    "object-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
}


def test_check_deploy_finds_nothing_to_warn_about_under_production_settings(tmp_path):
    env = {
        # The test run's own switches are not a deployment's (DJANGO_ALLOW_ASYNC_UNSAFE is an error there).
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")},
        "PRODUCTION": "True",
        "SECRET_KEY": "k7#Qm2!vZp9@Lr4$Tx8^Wc3&Ny6*Hb1(Fd5)Gs0_Je-Ua+Io=Ek[Ol]Pw{Rq}St",
        "LEDGER_CHAIN_KEY": "a chain key kept outside the database, 32 characters or more",
        "ALLOWED_HOSTS": "ledger.example.org",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.sqlite3'}",
        "TRUST_X_FORWARDED_PROTO": "True",
        "TRUSTED_PROXY_COUNT": "1",
    }

    result = subprocess.run(
        [str(PROVISION_LEDGER), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert (result.returncode, result.stdout.strip(), result.stderr) == (
        0,
        "System check identified no issues (0 silenced).",
        "",
    )


@pytest.fixture
def settings_from(monkeypatch):
    """The settings module read afresh from the environment given."""
    module = importlib.import_module("provision_ledger.settings")

    def read(**environ: str):
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(module)

    yield read
    monkeypatch.undo()
    importlib.reload(module)


def test_production_settings_send_cookies_over_https_only_and_ask_for_hsts(settings_from):
    production = settings_from(
        PRODUCTION="True", SECRET_KEY="x" * 60, ALLOWED_HOSTS="ledger.example.org", LEDGER_CHAIN_KEY="k" * 40
    )

    assert production.SESSION_COOKIE_SECURE is True
    assert production.CSRF_COOKIE_SECURE is True
    assert production.SECURE_SSL_REDIRECT is True
    assert production.SECURE_HSTS_SECONDS == 31_536_000
    assert production.DEBUG is False


def test_throttling_and_idle_timeout_are_set_from_the_environment(settings_from):
    configured = settings_from(SIGN_IN_FAILURE_LIMIT="3", SIGN_IN_LOCKOUT_MINUTES="60", SESSION_IDLE_MINUTES="10")

    assert configured.AXES_FAILURE_LIMIT == 3
    assert timedelta(hours=1) == configured.AXES_COOLOFF_TIME
    assert configured.SESSION_COOKIE_AGE == 600


def test_a_number_setting_that_is_not_a_number_is_refused_by_name(settings_from):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="SESSION_IDLE_MINUTES='half an hour'"):
        settings_from(SESSION_IDLE_MINUTES="half an hour")


def test_every_page_carries_the_strict_content_security_policy(client, unverified_client, child, senco):
    client.force_login(senco)

    signed_in = client.get(reverse("child-detail", args=[child.pk]))
    signed_out = unverified_client.get(reverse("login"))

    assert set(signed_in["Content-Security-Policy"].split("; ")) == STRICT_POLICY
    assert set(signed_out["Content-Security-Policy"].split("; ")) == STRICT_POLICY


TEMPLATES = Path(__file__).resolve().parents[1] / "provision_ledger" / "templates"


def test_no_served_template_has_an_inline_script_style_or_event_handler():
    import re

    from provision_ledger.kit.pdf import PDF_TEMPLATES  # drawn by WeasyPrint into PDFs, never served to a browser

    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=\"|\son[a-z]+=\"", re.IGNORECASE)
    found = {
        str(path.relative_to(TEMPLATES)): inline.findall(path.read_text())
        for path in TEMPLATES.rglob("*.html")
        if str(path.relative_to(TEMPLATES)) not in PDF_TEMPLATES
    }

    assert {name: hits for name, hits in found.items() if hits} == {}


def test_production_refuses_to_start_without_a_chain_key(settings_from):
    with pytest.raises(ImproperlyConfigured, match="LEDGER_CHAIN_KEY or LEDGER_CHAIN_KEY_FILE must be set"):
        settings_from(PRODUCTION="True", SECRET_KEY="x" * 60, ALLOWED_HOSTS="ledger.example.org")
