"""The production server refuses to start half configured, and names each setting it lacks."""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail

from provision_ledger.ops.production import missing_settings

PROVISION_LEDGER = Path(sys.executable).parent / "provision-ledger"

COMPLETE = {
    "PRODUCTION": "True",
    "SECRET_KEY": "k7#Qm2!vZp9@Lr4$Tx8^Wc3&Ny6*Hb1(Fd5)Gs0_Je-Ua+Io=Ek[Ol]Pw{Rq}St",
    "LEDGER_CHAIN_KEY": "a chain key kept outside the database, 32 characters or more",
    "ALLOWED_HOSTS": "ledger.example.org",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "DATABASE_URL": "postgres://ledger:secret@127.0.0.1:5432/ledger",
    "TRUST_X_FORWARDED_PROTO": "True",
    "TRUSTED_PROXY_COUNT": "1",
}


def _run(*args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in (*COMPLETE, "DJANGO_ALLOW_ASYNC_UNSAFE")}
    return subprocess.run(
        [str(PROVISION_LEDGER), *args], env={**env, **environ}, capture_output=True, text=True, timeout=120, check=False
    )


def test_a_complete_production_environment_lacks_nothing():
    assert missing_settings(COMPLETE) == []


def test_outside_production_nothing_is_required():
    assert missing_settings({}) == []


def test_production_with_nothing_set_names_every_missing_setting():
    problems = missing_settings({"PRODUCTION": "True"})

    assert [p.split(" ")[0] for p in problems] == [
        "SECRET_KEY",
        "LEDGER_CHAIN_KEY",
        "ALLOWED_HOSTS",
        "EMAIL_BACKEND",
        "DATABASE_URL",
        "HTTPS",
    ]


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
    ],
)
def test_an_email_backend_that_delivers_nothing_is_refused_in_production(backend):
    assert missing_settings({**COMPLETE, "EMAIL_BACKEND": backend}) == [
        f"EMAIL_BACKEND is {backend}, which delivers no mail: use an SMTP backend."
    ]


def test_trusting_a_proxys_https_header_needs_the_number_of_proxies():
    problems = missing_settings({**COMPLETE, "TRUSTED_PROXY_COUNT": "0"})

    assert len(problems) == 1
    assert problems[0].startswith("TRUSTED_PROXY_COUNT is 0")


def test_serving_tls_directly_is_an_alternative_to_a_proxy():
    environ = {k: v for k, v in COMPLETE.items() if k not in ("TRUST_X_FORWARDED_PROTO", "TRUSTED_PROXY_COUNT")}

    assert (
        missing_settings({**environ, "TLS_CERTFILE": "/etc/ssl/ledger.pem", "TLS_KEYFILE": "/etc/ssl/ledger.key"}) == []
    )
    assert [p.split(" ")[0] for p in missing_settings(environ)] == ["HTTPS"]


def test_serve_refuses_to_start_and_names_each_missing_setting():
    result = _run(
        "serve", PRODUCTION="True", SECRET_KEY=COMPLETE["SECRET_KEY"], LEDGER_CHAIN_KEY=COMPLETE["LEDGER_CHAIN_KEY"]
    )

    assert result.returncode == 2
    refused = [line.split(" ")[2] for line in result.stderr.splitlines() if line.startswith("Not starting:")]
    assert refused == ["ALLOWED_HOSTS", "EMAIL_BACKEND", "DATABASE_URL", "HTTPS"]
    assert "4 setting(s) missing for PRODUCTION=True." in result.stderr


def test_serve_check_passes_with_everything_production_needs():
    result = _run("serve", "--check", **COMPLETE)

    assert (result.returncode, result.stdout.strip()) == (0, "Ready to serve.")


def test_gunicorn_started_directly_with_the_config_file_refuses_too():
    gunicorn = Path(sys.executable).parent / "gunicorn"
    env = {k: v for k, v in os.environ.items() if k not in COMPLETE}
    result = subprocess.run(
        [str(gunicorn), "--config", "python:provision_ledger.ops.gunicorn_conf"],
        env={**env, "PRODUCTION": "True"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert "Not starting: SECRET_KEY is not set" in result.stderr


def test_every_line_the_production_server_writes_is_one_json_object_gunicorns_own_lines_too(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in (*COMPLETE, "DJANGO_ALLOW_ASYNC_UNSAFE", "LOG_FORMAT")}
    server = subprocess.Popen(
        [str(PROVISION_LEDGER), "serve"],
        # Static files not yet collected: WhiteNoise warns (a Python warning) as each worker starts.
        env={**env, **COMPLETE, "BIND": "127.0.0.1:0", "WEB_WORKERS": "1", "STATIC_ROOT": str(tmp_path / "static")},
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stderr is not None
    lines: list[str] = []
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(server.stderr, selectors.EVENT_READ)
            deadline = time.monotonic() + 60
            while not any("Booting worker" in line for line in lines) and time.monotonic() < deadline:
                if selector.select(timeout=1):
                    lines.append(server.stderr.readline())
    finally:
        server.send_signal(signal.SIGTERM)
        _, rest = server.communicate(timeout=60)
    lines += rest.splitlines()

    entries = [json.loads(line) for line in lines if line.strip()]  # each line parses, or this fails
    gunicorn = [entry["message"] for entry in entries if entry["logger"] == "gunicorn.error"]
    for starting in (
        "Starting gunicorn ",
        "Listening at: http://127.0.0.1:",
        "Booting worker with pid: ",
        "Shutting down",
    ):
        assert [m for m in gunicorn if m.startswith(starting)] != [], starting
    (warning,) = [entry["message"] for entry in entries if entry["logger"] == "py.warnings"]
    assert f"UserWarning: No directory at: {tmp_path / 'static'}/" in warning
    assert server.returncode == 0


def test_migrate_and_check_fail_under_production_while_a_setting_is_missing():
    result = _run(
        "check",
        PRODUCTION="True",
        SECRET_KEY=COMPLETE["SECRET_KEY"],
        LEDGER_CHAIN_KEY=COMPLETE["LEDGER_CHAIN_KEY"],
        ALLOWED_HOSTS="ledger.example.org",
    )

    assert result.returncode == 1
    assert "(ops.E001) EMAIL_BACKEND is not set" in result.stderr
    assert "(ops.E001) DATABASE_URL is not set" in result.stderr


def test_production_without_an_email_backend_refuses_to_send_rather_than_print_the_link(settings):
    settings.EMAIL_BACKEND = "provision_ledger.ops.mail.NoEmailBackend"

    with pytest.raises(ImproperlyConfigured, match="EMAIL_BACKEND is not set"):
        send_mail("Reset your password", "https://ledger.example.org/password-reset/x/y/", None, ["a@b.test"])


def test_production_settings_never_fall_back_to_the_console_for_email(monkeypatch):
    import importlib

    module = importlib.import_module("provision_ledger.settings")
    monkeypatch.delenv("EMAIL_BACKEND", raising=False)
    monkeypatch.setenv("PRODUCTION", "True")
    monkeypatch.setenv("LEDGER_CHAIN_KEY", COMPLETE["LEDGER_CHAIN_KEY"])
    try:
        production = importlib.reload(module)
        assert production.EMAIL_BACKEND == "provision_ledger.ops.mail.NoEmailBackend"
        assert production.ALLOWED_HOSTS == []
        assert production.SECRET_KEY == ""
    finally:
        monkeypatch.undo()
        importlib.reload(module)


def test_each_worker_draws_a_pdf_before_its_first_request_so_the_first_pdf_is_not_slow(monkeypatch):
    from provision_ledger.kit import pdf
    from provision_ledger.ops import gunicorn_conf

    warnings: list[str] = []
    worker = type(
        "Worker", (), {"log": type("Log", (), {"warning": lambda self, *a: warnings.append(a[0] % a[1:])})()}
    )()

    assert pdf.warm_up() > 1000  # a real PDF, drawn with every PDF template loaded
    calls: list[int] = []
    monkeypatch.setattr(pdf, "warm_up", lambda: calls.append(1) or 1)
    gunicorn_conf.post_worker_init(worker)
    assert calls == [1]

    def broken() -> int:
        raise OSError("no fonts")

    monkeypatch.setattr(pdf, "warm_up", broken)
    gunicorn_conf.post_worker_init(worker)  # the worker still starts
    assert warnings == ["PDF warm-up failed: no fonts"]
