from __future__ import annotations

from django import forms

from provision_ledger.kit.forms import GovukFormMixin


class DisabilityForm(GovukFormMixin, forms.Form):
    """Whether the child is disabled in the Equality Act's sense; the definition is on the page beside it."""

    disabled = forms.BooleanField(
        required=False,
        label="This child is disabled under the Equality Act 2010",
        help_text="Tick if the definition above fits, whether or not there is a diagnosis.",
    )


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MoveForm(GovukFormMixin, forms.Form):
    """The school a child moved to, found by its URN in the register of schools, and the day they started there."""

    urn = forms.RegexField(
        regex=r"^\d{6}$",
        label="URN of the school they moved to",
        help_text="Six digits. Find the school in Get Information about Schools, the DfE's register of schools.",
        error_messages={"invalid": "A URN is six digits, for example 100000.", "required": "Enter the school's URN."},
    )
    moved_on = forms.DateField(
        label="Their first day at the new school",
        widget=DATE,
        error_messages={"required": "Enter their first day at the new school.", "invalid": "Enter a real date."},
    )
    reason = forms.CharField(
        label="Why they moved",
        widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
        max_length=1000,
        error_messages={"required": "Say why the child moved (for example, the family moved house)."},
    )
    old_authority_aware_on = forms.DateField(
        required=False,
        label="If the new school is in another local authority: the day this authority learned of the move (optional)",
        help_text="An EHC plan transfers to the new authority on the day of the move, or later when this authority "
        "learned of it less than 15 working days before.",
        widget=DATE,
        error_messages={"invalid": "Enter a real date."},
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class AdoptForm(GovukFormMixin, forms.Form):
    """The new school takes on the plan a child brought from their earlier school."""

    start_date = forms.DateField(
        label="The plan starts at this school on",
        widget=DATE,
        error_messages={"required": "Enter the day the plan starts here.", "invalid": "Enter a real date."},
    )
    review_due = forms.DateField(
        label="Review due by",
        widget=DATE,
        error_messages={"required": "Enter the date the plan is to be reviewed by.", "invalid": "Enter a real date."},
    )
