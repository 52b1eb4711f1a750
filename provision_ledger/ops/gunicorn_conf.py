"""gunicorn's configuration for `provision-ledger serve` (and for `gunicorn -c` with this file).

Everything a deployment changes comes from the environment, as the Django settings do.
"""

from __future__ import annotations

import os
import sys
from typing import Any

wsgi_app = "provision_ledger.wsgi:application"
# Loopback by default: the reverse proxy in front is the only thing that should reach the workers.
bind = [os.environ.get("BIND", "127.0.0.1:8000")]
# Sync workers: each request holds one database connection; two per core and one more, as gunicorn advises.
workers = int(os.environ.get("WEB_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
# Inside this, a SQLite writer's 20 s wait for the write lock ends first (settings.py).
timeout = int(os.environ.get("WEB_TIMEOUT_SECONDS", "30"))
graceful_timeout = 20
# A worker is replaced after this many requests, so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# Only the proxies named here may say, with X-Forwarded-*, that a request came over HTTPS; Django decides the rest.
forwarded_allow_ips = os.environ.get("TRUSTED_PROXY_ADDRESSES", "127.0.0.1,::1")
# The request log is written by Django's middleware as JSON (one line a request, with no child data); gunicorn's
# access log would repeat it with the full path and query string, so it stays off. Its error log goes to stderr.
accesslog = None
# gunicorn's runtime control socket (in the user's home by default) is not used: systemd signals the master.
control_socket_disable = True
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# gunicorn's own lines (starting, each worker booting, a worker timed out, shutting down) follow LOG_FORMAT as
# Django's do (settings.py: JSON by default under PRODUCTION=True), so every line on standard error is one JSON
# object and `journalctl -u provision-ledger -o cat | jq .` reads the whole journal.
if os.environ.get("LOG_FORMAT", "json" if os.environ.get("PRODUCTION") == "True" else "text") == "json":
    logconfig_dict = {
        "formatters": {"json": {"()": "provision_ledger.ops.jsonlog.JsonFormatter"}},
        "handlers": {
            name: {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
            for name in ("console", "error_console")
        },
        "root": {"level": "WARNING", "handlers": ["console"]},
        "loggers": {"gunicorn.error": {"level": loglevel.upper(), "handlers": ["error_console"], "propagate": False}},
    }
if os.environ.get("TLS_CERTFILE") and os.environ.get("TLS_KEYFILE"):
    certfile = os.environ["TLS_CERTFILE"]
    keyfile = os.environ["TLS_KEYFILE"]


def on_starting(server: Any) -> None:
    """Refuse to start, naming each missing setting, whoever starts gunicorn with this file."""
    from provision_ledger.ops.production import missing_settings

    problems = missing_settings()
    if problems:
        for problem in problems:
            print(f"Not starting: {problem}", file=sys.stderr)
        sys.exit(2)


def post_worker_init(worker: Any) -> None:
    """Before a worker takes its first request: load the PDF templates and fonts, so the first PDF is not slow."""
    from provision_ledger.kit.pdf import warm_up

    try:
        warm_up()
    except Exception as error:  # a worker that cannot draw a PDF still serves every page; the PDF will say why
        worker.log.warning("PDF warm-up failed: %s", error)
