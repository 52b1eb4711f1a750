from __future__ import annotations

from typing import Any

from django import forms

from provision_ledger.family.models import SOURCE_CHOICES, FamilyEntry, FamilyLine
from provision_ledger.kit.forms import GovukFormMixin
from provision_ledger.parents.forms import AcceptInvitationForm
from provision_ledger.people.models import YEAR_GROUPS
from provision_ledger.plans.models import PLAN_KIND_CHOICES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

__all__ = ["AcceptInvitationForm"]


class SignUpForm(GovukFormMixin, forms.Form):
    email = forms.EmailField(label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class FamilyChildForm(GovukFormMixin, forms.Form):
    first_name = forms.CharField(max_length=100, label="Your child’s first name")
    last_name = forms.CharField(max_length=100, label="Your child’s last name")
    date_of_birth = forms.DateField(widget=DATE, label="Date of birth")
    year_group = forms.ChoiceField(choices=[("", "Choose"), *YEAR_GROUPS], label="Year group")
    school_search = forms.CharField(
        max_length=200,
        required=False,
        label="School: its name or URN",
        help_text="We look it up in the register of schools. The URN is the 6-digit number on the school’s GIAS page.",
    )
    school_urn = forms.ChoiceField(required=False, choices=[], label="Choose your child’s school")
    school_not_listed = forms.BooleanField(
        required=False, label="The school is not in the register: keep the name as I typed it"
    )
    school_address = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="The school’s address (optional)",
        help_text="Used to address letters to the headteacher.",
    )
    plan_kind = forms.ChoiceField(choices=[("", "Choose"), *PLAN_KIND_CHOICES], label="Kind of plan")
    plan_start = forms.DateField(widget=DATE, label="The date the plan started")
    plan_end = forms.DateField(widget=DATE, required=False, label="The date the plan ends (if it says)")

    def __init__(self, *args: Any, matches: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if matches:
            self.fields["school_urn"].choices = matches  # type: ignore[attr-defined]
            self.fields["school_urn"].widget = forms.RadioSelect(choices=matches)
        else:
            self.fields["school_urn"].widget = forms.HiddenInput()


class EntryForm(GovukFormMixin, forms.Form):
    source = forms.ChoiceField(choices=SOURCE_CHOICES, widget=forms.RadioSelect, label="Where does this come from?")
    line = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Which line of the plan?")
    happened_on = forms.DateField(
        widget=DATE, label="The day it is about", help_text="For a week, the first day of the week."
    )
    written_on = forms.DateField(
        widget=DATE,
        required=False,
        label="The date on the email, report or diary page",
        help_text="Needed for anything the school wrote.",
    )
    sessions = forms.IntegerField(min_value=1, max_value=200, required=False, label="How many sessions?")
    # "none" on the form, blank when stored: a radio whose value is empty is sent differently by some clients.
    outcome = forms.ChoiceField(
        choices=[(v or "none", label) for v, label in FamilyEntry.Outcome.choices],
        required=False,
        widget=forms.RadioSelect,
        label="Did they take place?",
    )
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
        label="The words",
        help_text="Paste the email or report, or write down what your child said or what you saw.",
    )
    reason = forms.CharField(required=False, max_length=1000, label="Why the earlier entry is corrected")

    def __init__(self, *args: Any, lines: list[FamilyLine], correcting: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [  # type: ignore[attr-defined]
            ("", "None in particular")
        ] + [(line.pk, line.description) for line in lines]
        if not correcting:
            del self.fields["reason"]

    def clean_outcome(self) -> str:
        value = self.cleaned_data.get("outcome") or ""
        return "" if value == "none" else value


class RecordsRequestForm(GovukFormMixin, forms.Form):
    parent_name = forms.CharField(max_length=200, label="Your name, as you sign the letter")
    parent_address = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Your address (optional)"
    )
    received_on = forms.DateField(
        widget=DATE, label="The day the school receives it", help_text="If you email it, the day you send it."
    )
    maintained = forms.ChoiceField(
        choices=[
            ("yes", "Yes"),
            ("no", "No: it is an academy, free school or independent school"),
            ("", "I do not know"),
        ],
        required=False,
        widget=forms.RadioSelect,
        label="Is the school maintained by the local authority?",
    )


class InviteSchoolForm(GovukFormMixin, forms.Form):
    email = forms.EmailField(label="The SENCO’s email address at the school")


class RecordsAnswerForm(GovukFormMixin, forms.Form):
    answered_on = forms.DateField(
        widget=DATE,
        label="The date the school answered",
        help_text="The date on its email or letter, whether it sent the records or said why not.",
    )
