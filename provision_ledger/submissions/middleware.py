"""A form sent twice writes once: the first post carrying a key claims it; a repeat is sent where the first went."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve

from provision_ledger.submissions import keys
from provision_ledger.submissions.models import FormSubmission

ALREADY_SENT = "That form had already been sent, so nothing was saved a second time."
NO_KEY = "That form was sent without the code the page gives it, so nothing was saved. Please fill it in again."


class FormKeyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return self.get_response(request)
        view = _view(request)
        if view is None or getattr(view, "csrf_exempt", False) or _is_preview(request, view):
            # No page's form: a path that leads nowhere answers its 404; a view exempt from the CSRF check (the
            # API, which signs in by token) is posted to by programs.
            return self.get_response(request)
        value = request.POST.get(keys.FIELD)
        user = request.user
        user_id = user.pk if user.is_authenticated else None
        if not value:
            if user_id is None:
                return self.get_response(request)
            # Every page's form carries a key, so a signed-in person's post without one was not sent from a page:
            # written, it could be sent again and again and written each time.
            messages.error(request, NO_KEY)
            return HttpResponseRedirect(request.get_full_path())
        checked = keys.check(value, user_id)
        if checked.key is None:
            messages.error(request, checked.problem)
            return HttpResponseRedirect(request.get_full_path())
        if user_id is None:  # sign-in and the like write nothing of the record; their own checks guard them
            return self.get_response(request)
        try:
            with transaction.atomic():
                claim = FormSubmission.objects.create(key=checked.key, user_id=user_id, path=request.path[:300])
        except IntegrityError:
            first = FormSubmission.objects.filter(key=checked.key).first()
            messages.warning(request, ALREADY_SENT)
            return HttpResponseRedirect(first.location if first and first.location else request.get_full_path())
        try:
            response = self.get_response(request)
        except Exception:
            claim.delete()  # nothing was written: the same form may be sent again
            raise
        if response.status_code in (301, 302, 303) and response.has_header("Location"):
            FormSubmission.objects.filter(pk=claim.pk).update(location=response["Location"][:500])
        elif response.status_code >= 400:
            claim.delete()  # refused, so nothing was written: sending it again is allowed
        # A page shown again (a form with its errors) keeps its claim: that page carries a fresh key of its own.
        return response


def _view(request: HttpRequest) -> Callable[..., HttpResponse] | None:
    try:
        return resolve(request.path_info).func
    except Resolver404:
        return None


def _is_preview(request: HttpRequest, view: Callable[..., HttpResponse]) -> bool:
    """An htmx request that is not a boosted form, to a view that answers such requests without writing (the line
    form's wording check as one types): it leaves the form's key for the real submission. Sent to any other view,
    the header changes nothing."""
    return (
        getattr(view, "shows_previews", False)
        and request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
    )
