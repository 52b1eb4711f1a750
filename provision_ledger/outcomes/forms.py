from __future__ import annotations

from typing import Any

from django import forms

from provision_ledger.kit.forms import GovukFormMixin
from provision_ledger.outcomes.models import MEASURE_CHOICES, REVIEW_OUTCOME_CHOICES, SUPPORT_CHOICES
from provision_ledger.plans.forms import DATE
from provision_ledger.plans.models import Plan, ProvisionLine
from provision_ledger.plans.queries import live_lines


def _number(label: str | None = None, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(max_digits=7, decimal_places=2, required=False, label=label, help_text=help_text)


class OutcomeForm(GovukFormMixin, forms.Form):
    description = forms.CharField(max_length=300, label="Outcome", help_text="What the child will be able to do")
    measure = forms.ChoiceField(choices=MEASURE_CHOICES, widget=forms.RadioSelect, label="How progress is measured")
    scale_low = _number(label="Lowest value on the scale")
    scale_high = _number(label="Highest value on the scale")
    unit = forms.CharField(max_length=40, required=False, label="What a value counts (optional)")
    baseline = _number(help_text="Leave empty for an observation; 0 for a milestone")
    baseline_date = forms.DateField(widget=DATE)
    target = _number(help_text="Leave empty for an observation; 1 for a milestone")
    target_date = forms.DateField(widget=DATE)
    lines = forms.ModelMultipleChoiceField(
        queryset=ProvisionLine.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Provision serving this outcome",
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lines"].queryset = live_lines([plan])  # type: ignore[attr-defined]


class ProgressForm(GovukFormMixin, forms.Form):
    date = forms.DateField(widget=DATE)
    value = _number(help_text="Leave empty to record an observation only")
    support = forms.ChoiceField(
        choices=SUPPORT_CHOICES, widget=forms.RadioSelect, required=False, label="The child showed it"
    )
    note = forms.CharField(
        widget=forms.Textarea, required=False, label="Evidence", help_text="What was seen, where, and who saw it"
    )


class ObservationForm(GovukFormMixin, forms.Form):
    date = forms.DateField(widget=DATE, label="When you saw it")
    note = forms.CharField(widget=forms.Textarea, label="What you saw at home")


class ReviewForm(GovukFormMixin, forms.Form):
    meeting_date = forms.DateField(widget=DATE, label="Date of the review meeting")
    period_start = forms.DateField(
        widget=DATE, label="Review the period from", help_text="The plan's start or the last review"
    )


class ReviewEditForm(GovukFormMixin, forms.Form):
    meeting_date = forms.DateField(widget=DATE, label="Date of the review meeting")
    invitations_sent = forms.DateField(widget=DATE, required=False)
    advice_circulated = forms.DateField(widget=DATE, required=False)
    report_sent = forms.DateField(widget=DATE, required=False, label="Review report sent")
    proposed_amendments = forms.CharField(
        widget=forms.Textarea,
        required=False,
        help_text="One change of provision per paragraph; each is checked for specific, quantified wording",
    )
    outcome = forms.ChoiceField(
        choices=[("", "Not decided yet"), *REVIEW_OUTCOME_CHOICES],
        widget=forms.RadioSelect,
        required=False,
        label="What was decided",
    )
    decision_date = forms.DateField(widget=DATE, required=False, label="Date of the local authority's decision")


class ViewsForm(GovukFormMixin, forms.Form):
    parent_views = forms.CharField(
        widget=forms.Textarea, required=False, label="The parent's views", help_text="What is going well, what is not"
    )
    child_views = forms.CharField(
        widget=forms.Textarea, required=False, label="The child's views", help_text="In the child's own words"
    )
