"""The page where a SENCO or an authority officer makes and revokes API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from provision_ledger.api import actions
from provision_ledger.api.forms import TokenForm
from provision_ledger.core import access
from provision_ledger.people.models import LocalAuthority, School


@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    user = access.signed_in(request)
    schools = list(access.managed_schools(user))
    authorities = list(access.officer_authorities(user))
    if not (schools or authorities):
        return redirect("home")
    form = TokenForm(request.POST or None, schools=schools, authorities=authorities)
    secret = None
    if request.method == "POST" and form.is_valid():
        target = form.target()
        _, secret = actions.issue_token(
            by=user,
            name=form.cleaned_data["name"],
            school=target if isinstance(target, School) else None,
            local_authority=target if isinstance(target, LocalAuthority) else None,
        )
        form = TokenForm(schools=schools, authorities=authorities)
    return render(
        request,
        "api/tokens.html",
        {"form": form, "secret": secret, "tokens": access.api_tokens_for(user)},
    )


@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = access.signed_in(request)
    token = access.get_api_token(user, token_id)
    if request.method == "POST":
        try:
            actions.revoke_token(token, by=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{token.name} is revoked: it no longer works.")
        return redirect("api-tokens")
    return render(request, "api/token_revoke.html", {"token": token})
