"""Optional error reporting to Sentry (or a Sentry-compatible service), on when SENTRY_DSN is set.

What leaves the machine is built from an allow-list, not by deleting what looks personal: the exception's type
and where it was raised, the route, the user's id and the request id. Never the exception's message, local
variables, the request's body, query string, cookies or headers, log breadcrumbs or SQL: any of them can hold a
child's name, a note or a diagnosis.
"""

from __future__ import annotations

from typing import Any

REMOVED = "[removed: may hold personal data]"
FRAME_FIELDS = ("filename", "abs_path", "module", "function", "lineno", "colno", "in_app")


def _frame(frame: dict[str, Any]) -> dict[str, Any]:
    return {k: frame[k] for k in FRAME_FIELDS if k in frame}


def _exception(value: dict[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {k: value[k] for k in ("type", "module", "mechanism") if k in value}
    kept["value"] = REMOVED
    frames = (value.get("stacktrace") or {}).get("frames") or []
    if frames:
        kept["stacktrace"] = {"frames": [_frame(f) for f in frames]}
    return kept


def scrub(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Sentry's before_send: the event rebuilt from the fields that cannot hold personal data."""
    kept: dict[str, Any] = {
        k: event[k]
        for k in ("event_id", "timestamp", "level", "platform", "logger", "release", "environment", "sdk")
        if k in event
    }
    values = (event.get("exception") or {}).get("values") or []
    if values:
        kept["exception"] = {"values": [_exception(v) for v in values]}
    if "logentry" in event or "message" in event:
        # A log call's text is written by our code but may be formatted with values: only its template is kept.
        template = (event.get("logentry") or {}).get("message")
        kept["logentry"] = {"message": template if isinstance(template, str) else REMOVED}
    # The transaction is the route (the URL pattern), never the path, which can carry a token.
    transaction = event.get("transaction")
    if isinstance(transaction, str) and event.get("transaction_info", {}).get("source") in ("route", "component"):
        kept["transaction"] = transaction
    method = (event.get("request") or {}).get("method")
    if method:
        kept["request"] = {"method": method}
    user_id = (event.get("user") or {}).get("id")
    if user_id is not None:
        kept["user"] = {"id": str(user_id)}
    tags = event.get("tags") or {}
    if "request_id" in tags:
        kept["tags"] = {"request_id": tags["request_id"]}
    return kept


def tag_request(request: Any, request_id: str) -> None:
    """Give an error reported during this request its request id and the user's id (only the id)."""
    import sentry_sdk

    if not sentry_sdk.get_client().is_active():
        return
    scope = sentry_sdk.get_isolation_scope()
    scope.set_tag("request_id", request_id)

    def user_id(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            event["user"] = {"id": str(user.pk)}
        return event

    scope.add_event_processor(user_id)  # type: ignore[arg-type]  # Event is a TypedDict; a dict is what arrives


def init(dsn: str, environment: str, transport: Any = None) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        transport=transport,
        # Collected as little as the SDK allows; scrub() then rebuilds each event from an allow-list regardless.
        data_collection={
            "user_info": False,
            "http_bodies": [],
            "database_query_data": False,
            "queues": False,
            "stack_frame_variables": False,
            "frame_context_lines": 0,
        },
        max_breadcrumbs=0,
        traces_sample_rate=0,
        before_send=scrub,  # type: ignore[arg-type]
        before_send_transaction=lambda event, hint: None,
        integrations=[DjangoIntegration(transaction_style="url"), LoggingIntegration(event_level=None)],
        default_integrations=True,
    )
