from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from provision_ledger.accounts import twofactor
from provision_ledger.accounts.actions import close_parent_account
from provision_ledger.accounts.forms import CloseAccountForm, CodeForm, TurnOffForm
from provision_ledger.accounts.passwords import password_is_right
from provision_ledger.core import access


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code from the person's authenticator app."""
    user = access.signed_in(request)
    device = twofactor.confirmed_device(user)
    if device is None:
        return redirect("two-factor-setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", "Too many wrong codes. Wait a minute, then enter the code showing now.")
        elif twofactor.confirm(request, device, form.cleaned_data["code"]):
            return redirect(_next(request))
        else:
            form.add_error("code", "That code is not right. Codes change every 30 seconds: enter the one showing now.")
    return render(request, "accounts/verify.html", {"form": form, "next": _next(request)})


def setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: required for staff before anything else, a choice for parents."""
    user = access.signed_in(request)
    required = twofactor.must_use_second_factor(user)
    if twofactor.confirmed_device(user) is not None:
        if not user.is_verified():  # type: ignore[attr-defined]
            return redirect("two-factor-verify")
        return render(request, "accounts/two_factor_on.html", {"required": required})
    device = twofactor.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.confirm(request, device, form.cleaned_data["code"]):
            messages.success(request, "Two-step sign-in is on. You will be asked for a code each time you sign in.")
            return redirect(_next(request))
        form.add_error("code", "That code is not right. Check the app shows Provision Ledger, then enter its code.")
    uri = device.config_url
    key = twofactor.secret(device)
    return render(
        request,
        "accounts/setup.html",
        {
            "form": form,
            "required": required,
            "next": _next(request),
            "uri": uri,
            "qr_svg": segno.make(uri, error="m").svg_inline(scale=4, border=4, title="QR code for the app"),
            "secret_groups": [key[i : i + 4] for i in range(0, len(key), 4)],
        },
    )


@require_http_methods(["GET", "POST"])
def turn_off(request: HttpRequest) -> HttpResponse:
    """A parent may turn two-step sign-in off again, with their password and a code; staff may not."""
    user = access.signed_in(request)
    if twofactor.must_use_second_factor(user):
        messages.error(request, "Staff accounts must use two-step sign-in.")
        return redirect("two-factor-setup")
    device = twofactor.confirmed_device(user)
    if device is None:
        return redirect("two-factor-setup")
    form = TurnOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not password_is_right(request, user, form.cleaned_data["password"]):
            form.add_error("password", _WRONG_PASSWORD)
        elif not allowed or not device.verify_token(form.cleaned_data["code"].strip().replace(" ", "")):
            form.add_error("code", "That code is not right. Codes change every 30 seconds: enter the one showing now.")
        else:
            twofactor.remove_devices(user)
            messages.success(request, "Two-step sign-in is off. You will sign in with your password only.")
            return redirect("home")
    return render(request, "accounts/two_factor_off.html", {"form": form})


# Past the sign-in failure limit, django-axes answers with its lockout page instead.
_WRONG_PASSWORD = "That password is not right."


@require_http_methods(["GET", "POST"])
def close_account(request: HttpRequest) -> HttpResponse:
    """A parent closes their own account: their personal data goes, their child's record stays."""
    user = access.signed_in(request)
    if twofactor.must_use_second_factor(user):
        messages.error(request, "A staff account is closed by your school or the site administrator.")
        return redirect("home")
    form = CloseAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not password_is_right(request, user, form.cleaned_data["password"]):
            form.add_error("password", _WRONG_PASSWORD)
        else:
            close_parent_account(
                user=user, by=user, reason=form.cleaned_data["reason"] or "Closed by the parent or carer"
            )
            logout(request)
            messages.success(request, "Your account is closed and your personal details have been removed.")
            return redirect("login")
    children = [g.child for g in user.guardianships.select_related("child__school")]
    return render(request, "accounts/close.html", {"form": form, "children": children})
