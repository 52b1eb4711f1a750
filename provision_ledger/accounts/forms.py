from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator


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
