from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.validators import RegexValidator
from django.http import HttpRequest

from provision_ledger.accounts.throttle import allow
from provision_ledger.ops.client import client_address


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input govuk-input--width-10",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        ),
        validators=[RegexValidator(r"^\s*\d{3}\s?\d{3}\s*$", "Enter the 6-digit code, for example 123456")],
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )


class CloseAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(
            attrs={"class": "govuk-input govuk-input--width-20", "autocomplete": "current-password"}
        ),
        error_messages={"required": "Enter your password to close your account"},
    )
    reason = forms.CharField(
        label="Why are you closing it? (optional)",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
    )


class TurnOffForm(forms.Form):
    """Turning two-step sign-in off takes both steps again, so someone at an unlocked screen cannot do it."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(
            attrs={"class": "govuk-input govuk-input--width-20", "autocomplete": "current-password"}
        ),
        error_messages={"required": "Enter your password to turn off two-step sign-in"},
    )
    code = CodeForm.base_fields["code"]


class LimitedPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending at most a few emails an hour to one address and from one network address.

    Over the limit nothing is sent and the page says the same as ever, so it never tells whether an account exists."""

    def save(self, **kwargs: Any) -> None:  # type: ignore[override]
        request: HttpRequest | None = kwargs.get("request")
        hour = timedelta(hours=1)
        email = self.cleaned_data["email"]
        if not allow("reset-email", email, limit=settings.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR, per=hour):
            return
        if request is not None and not allow(
            "reset-from", client_address(request), limit=settings.PASSWORD_RESETS_FROM_ONE_PLACE_PER_HOUR, per=hour
        ):
            return
        super().save(**kwargs)
