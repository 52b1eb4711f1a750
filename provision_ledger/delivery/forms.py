from __future__ import annotations

from typing import Any

from django import forms

from provision_ledger.delivery.models import REASON_CHOICES, STATUS_CHOICES
from provision_ledger.kit.forms import GovukFormMixin
from provision_ledger.plans.forms import DATE


class SessionForm(GovukFormMixin, forms.Form):
    date = forms.DateField(widget=DATE)
    status = forms.ChoiceField(choices=STATUS_CHOICES, widget=forms.RadioSelect, label="What happened?")
    delivered_minutes = forms.IntegerField(
        required=False,
        min_value=0,
        label="Minutes delivered",
        help_text="Leave blank if delivered as planned.",
    )
    reason = forms.ChoiceField(
        choices=[("", "No reason needed"), *REASON_CHOICES],
        required=False,
        widget=forms.Select,
        label="Reason, if not delivered in full",
    )
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label="Note (optional)"
    )
    another_that_day = forms.BooleanField(
        required=False,
        label="Record another session that day",
        help_text="Only if this line really had a second session on the same day.",
    )
    school_was_open = forms.BooleanField(
        required=False,
        label="The school was open that day",
        help_text="Only if the session took place on a day the school's calendar shows as closed.",
    )


class CorrectSessionForm(SessionForm):
    correction_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label="Why is the entry being corrected?"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["correction_reason"])
