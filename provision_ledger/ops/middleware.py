"""One JSON line per request, and the client's address for the request's lifetime.

The line holds the request id, the user's id, the route (the URL pattern, never the path: paths carry invitation
and calendar tokens), the method, the status and the time taken. No names, notes or query strings.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from provision_ledger.ops import client, errors

logger = logging.getLogger("provision_ledger.requests")

# A request id given by the proxy is kept if it is plainly an id; anything else is replaced.
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
QUIET_ROUTES = frozenset({"healthz", "readyz"})  # polled every few seconds: logged only at DEBUG


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        given = request.headers.get("X-Request-ID", "")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        errors.tag_request(request, request_id)
        address = client.client_address(request)
        token = client.set_current_address(address)
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = request_id
            return response
        finally:
            client.reset_current_address(token)
            match = getattr(request, "resolver_match", None)
            route = match.route if match is not None else None
            user = getattr(request, "user", None)
            user_id = user.pk if user is not None and user.is_authenticated else None
            level = logging.DEBUG if route in QUIET_ROUTES else logging.INFO
            logger.log(
                level,
                "request",
                extra={
                    "request_id": request_id,
                    "user_id": user_id,
                    "method": request.method,
                    "route": route,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
