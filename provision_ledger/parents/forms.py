from __future__ import annotations

from typing import Any

from django import forms

from provision_ledger.kit.forms import GovukFormMixin
from provision_ledger.parents.models import AlertChoice


class InviteForm(GovukFormMixin, forms.Form):
    email = forms.EmailField(label="Parent or carer's email address")
    relationship = forms.CharField(max_length=50, initial="Parent", label="Relationship to the child")


class AcceptInvitationForm(GovukFormMixin, forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters, not only numbers, and not a common password.",
    )
    password_again = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The passwords do not match.")
        return data


class ConcernForm(GovukFormMixin, forms.Form):
    line = forms.TypedChoiceField(coerce=int, required=False, label="Which support is it about?")
    subject = forms.CharField(max_length=200, label="In a few words, what is it about?")
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="What happened?",
        help_text='For example: "He says he did not go to the group today."',
    )

    def __init__(self, *args: Any, lines: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [("", "The plan in general"), *lines]  # type: ignore[attr-defined]


class MessageForm(GovukFormMixin, forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Your message")


class AlertPreferenceForm(GovukFormMixin, forms.Form):
    frequency = forms.ChoiceField(
        choices=AlertChoice.choices,
        widget=forms.RadioSelect,
        label="When should we email you about missed sessions?",
    )
