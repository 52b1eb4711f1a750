from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from provision_ledger.kit.forms import GovukFormMixin
from provision_ledger.nextsteps.models import StatutoryEvent
from provision_ledger.plans.forms import DATE


class LetterForm(GovukFormMixin, forms.Form):
    sender_address = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        required=False,
        label="Your postal address",
        help_text="Printed under your name at the top of the letter. A letter before claim needs it: the council's "
        "lawyers reply and send any papers there.",
    )
    addressee = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="To",
        help_text="Add their postal address below the name of the office if you are posting the letter.",
    )
    subject = forms.CharField(max_length=300)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 24}),
        label="Letter",
        help_text="Change the wording as you wish. The evidence schedule is added from the record.",
    )
    sent_on = forms.DateField(widget=DATE, label="Date you send it")

    def __init__(self, *args: Any, below_threshold: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if below_threshold:
            # Going ahead below the suggested point is the parent's choice, made knowingly and kept with the letter.
            self.fields["override"] = forms.BooleanField(
                label="I have read the warning above and want to send this letter now",
                error_messages={"required": "Tick the box to say you have read the warning, or wait."},
            )
            self.order_fields(["override"])

    def clean_sent_on(self) -> Any:
        sent_on = self.cleaned_data["sent_on"]
        if sent_on > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future: save the letter on the day you send it.")
        return sent_on


class ReplyForm(GovukFormMixin, forms.Form):
    replied_on = forms.DateField(widget=DATE, label="Date of the reply")
    reply_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="What they said")


class EventForm(GovukFormMixin, forms.ModelForm):
    """One dated event. The action checks which of the optional fields the kind of event needs."""

    class Meta:
        model = StatutoryEvent
        fields = ["kind", "date", "outcome", "mediation", "ground", "ends_on", "evidence", "transfer", "note"]
        widgets = {"date": DATE, "ends_on": DATE, "evidence": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "kind": "What happened",
            "date": "Date (the date on the letter, or the day it happened)",
            "outcome": "What the local authority decided (after a review)",
            "mediation": "What you told the mediation adviser (when you contacted them)",
            "ground": "The exception the local authority relies on",
            "ends_on": "When the exception ended (if it has)",
            "evidence": "What shows the exception applies (for an exception)",
            "transfer": "The kind of move (for a move to a new phase)",
            "note": "Note (optional)",
        }
        help_texts = {
            "kind": "A decision you can appeal shows its appeal deadline as soon as you save it.",
            "date": "For a move to a new phase, the date your child starts at the new school or college.",
        }
