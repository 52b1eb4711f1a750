from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from provision_ledger.accounts import twofactor

# Reachable between the password and the code.
OPEN_BEFORE_CODE = frozenset({"two-factor-verify", "two-factor-setup", "logout"})
# The JSON API authenticates each request by its token, not by a signed-in browser.
API_PREFIX = "/api/"


# How often a session's end is pushed back; idle timeouts are counted to within this.
REFRESH_EVERY_SECONDS = 60
REFRESHED_AT = "refreshed_at"


class SessionIdleMiddleware:
    """End a signed-in session SESSION_COOKIE_AGE after the last request, not after the first.

    Saving the session moves its end to SESSION_COOKIE_AGE from now; doing so on every request would make
    every page view a database write, so the session is saved at most once a minute.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if session.session_key is not None and not request.path.startswith(API_PREFIX):
            now = int(timezone.now().timestamp())
            if now - session.get(REFRESHED_AT, 0) >= REFRESH_EVERY_SECONDS:
                session[REFRESHED_AT] = now
        return self.get_response(request)


def note_sign_in(sender: object, request: HttpRequest, **kwargs: Any) -> None:
    """A new session starts its idle clock at sign-in (connected to user_logged_in)."""
    request.session[REFRESHED_AT] = int(timezone.now().timestamp())


class SecondFactorMiddleware:
    """Keep a signed-in person who must give a code away from every page until they have given one.

    Runs after django-otp's OTPMiddleware (which marks a session verified) and LoginRequiredMiddleware.
    Pages open to everyone (sign-in, password reset, invitations, calendar feeds) stay open.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if request.path.startswith(API_PREFIX) or not user.is_authenticated or user.is_verified():  # type: ignore[union-attr,attr-defined]
            return None
        if not getattr(view_func, "login_required", True):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_BEFORE_CODE:
            return None
        if not twofactor.asks_for_code(user):  # type: ignore[arg-type]
            return None
        step = "two-factor-verify" if twofactor.confirmed_device(user) else "two-factor-setup"  # type: ignore[arg-type]
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")


class NoStoreMiddleware:
    """Pages for a signed-in person hold children's records: no browser or proxy may keep a copy of them.

    A shared family computer's back button or disk cache would otherwise show a record after signing out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
        return response
