from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from provision_ledger.core.forms import GovukFormMixin
from provision_ledger.nextsteps.models import StatutoryEvent
from provision_ledger.plans.forms import DATE


class LetterForm(GovukFormMixin, forms.Form):
    addressee = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="To")
    subject = forms.CharField(max_length=300)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 24}),
        label="Letter",
        help_text="Change the wording as you wish. The evidence schedule is added from the record.",
    )
    sent_on = forms.DateField(widget=DATE, label="Date you send it")

    def clean_sent_on(self) -> Any:
        sent_on = self.cleaned_data["sent_on"]
        if sent_on > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future: save the letter on the day you send it.")
        return sent_on


class ReplyForm(GovukFormMixin, forms.Form):
    replied_on = forms.DateField(widget=DATE, label="Date of the reply")
    reply_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="What they said")


class EventForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = StatutoryEvent
        fields = ["kind", "date", "note"]
        widgets = {"date": DATE}
        labels = {"kind": "What happened", "note": "Note (optional)"}
