from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from provision_ledger.money.models import ChildFunding, ItemPrice
from provision_ledger.people.models import User
from provision_ledger.plans.models import DeliveredBy
from provision_ledger.rules.costing import CONTACT_WEEKS, financial_year_label
from provision_ledger.rules.support_time import ACTIVITY_LABELS

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


class RateCardForm(forms.Form):
    """One rate and its source per role, as the annual cost of an hour a week, with the weeks of contact it is
    spread over; an empty rate means the authority's or the default rate applies."""

    def __init__(self, *args: Any, year: int, with_threshold: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year = year
        label = financial_year_label(year)
        if with_threshold:
            self.fields["threshold"] = forms.DecimalField(
                label=f"Element 2 threshold for {label} (£)",
                required=False,
                min_value=0,
                decimal_places=2,
                help_text="Leave empty for £6,000, the national figure.",
            )
        self.fields["contact_weeks"] = forms.IntegerField(
            label="Weeks of contact with children in a year",
            min_value=1,
            max_value=53,
            initial=CONTACT_WEEKS,
            required=False,
            help_text="Leave empty for 38, a school year of 190 days. "
            "An hour with a child costs the annual cost ÷ these weeks.",
        )
        for role, name in DeliveredBy.choices:
            self.fields[f"rate_{role}"] = forms.DecimalField(
                label=f"{name}: £ a year for an hour a week in {label}",
                required=False,
                decimal_places=2,
                max_digits=9,
                help_text="What one hour a week costs for a year, employer costs included (for a teaching "
                "assistant on term-time pay: the paid-hour rate × the paid weeks, about 45).",
            )
            self.fields[f"source_{role}"] = forms.CharField(
                label=f"{name}: where the figure comes from", required=False, max_length=300
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for role, name in DeliveredBy.choices:
            value = cleaned.get(f"rate_{role}")
            if value is not None and value < 0:
                self.add_error(
                    f"rate_{role}",
                    f"The rate for {name} in {financial_year_label(self.year)} cannot be negative.",
                )
        return cleaned

    def rates(self) -> dict[str, tuple[Decimal | None, str]]:
        return {
            role: (self.cleaned_data.get(f"rate_{role}"), self.cleaned_data.get(f"source_{role}") or "")
            for role, _ in DeliveredBy.choices
        }


class FundingForm(forms.ModelForm):
    class Meta:
        model = ChildFunding
        fields = ["top_up", "personal_budget", "note"]
        labels = {
            "top_up": "Element 3 top-up agreed by the local authority (£)",
            "personal_budget": "Personal budget (£)",
        }


class ConversionForm(forms.Form):
    pounds = forms.DecimalField(label="A sum of money (£)", required=False, min_value=0, decimal_places=2)
    hours = forms.DecimalField(label="Or hours a week", required=False, min_value=0, decimal_places=1)
    role = forms.ChoiceField(label="Of", choices=DeliveredBy.choices, initial=DeliveredBy.TA)


class ThresholdsForm(forms.Form):
    on_track_percent = forms.IntegerField(
        label="On track from (% of the promised time delivered)", min_value=0, max_value=100
    )
    at_risk_percent = forms.IntegerField(
        label="At risk from (% delivered); below this a line is in breach", min_value=0, max_value=100
    )
    unrecorded_owed = forms.BooleanField(
        label="Time nobody recorded counts as owed",
        required=False,
        help_text="Untick to count as owed only the time recorded as missed for a reason the school owes.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        on_track, at_risk = cleaned.get("on_track_percent"), cleaned.get("at_risk_percent")
        if on_track is not None and at_risk is not None and at_risk > on_track:
            self.add_error("at_risk_percent", "The at-risk threshold cannot be above the on-track threshold.")
        return cleaned


class ItemPriceForm(forms.Form):
    name = forms.CharField(label="Item", max_length=200, help_text="A programme, a licence or a piece of equipment")
    pounds = forms.DecimalField(label="Price (£)", min_value=0, max_digits=9, decimal_places=2)
    source = forms.CharField(label="Source of the price", max_length=300, required=False)


class ChildItemForm(forms.Form):
    item = forms.ModelChoiceField(label="Item", queryset=ItemPrice.objects.none())
    quantity = forms.IntegerField(label="How many", min_value=1, max_value=1000, initial=1)
    note = forms.CharField(label="Note", max_length=300, required=False)

    def __init__(self, *args: Any, items: list[ItemPrice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["item"]
        field.queryset = ItemPrice.objects.filter(pk__in=[i.pk for i in items])  # type: ignore[attr-defined]
        field.label_from_instance = lambda i: f"{i.name}, £{i.pounds:,.2f}"  # type: ignore[attr-defined]


class EndAllocationForm(forms.Form):
    end_date = forms.DateField(label="Last day", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="Why is it ending?", max_length=500)


class AllocationForm(forms.Form):
    staff = forms.ModelChoiceField(label="Member of staff", queryset=User.objects.none())
    role = forms.ChoiceField(label="Their role", choices=DeliveredBy.choices, initial=DeliveredBy.TA)
    hours_per_week = forms.DecimalField(label="Hours a week", min_value=Decimal("0.25"), max_value=50, decimal_places=2)
    start_date = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]
        for n, day in enumerate(WEEKDAYS):
            self.fields[f"start_{n}"] = forms.TimeField(label=f"{day}: from", required=False)
            self.fields[f"end_{n}"] = forms.TimeField(label=f"{day}: to", required=False)

    def timetable(self) -> list[list[object]]:
        rows: list[list[object]] = []
        for n in range(5):
            start, end = self.cleaned_data.get(f"start_{n}"), self.cleaned_data.get(f"end_{n}")
            if start and end:
                rows.append([n, start.strftime("%H:%M"), end.strftime("%H:%M")])
        return rows

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for n, day in enumerate(WEEKDAYS):
            start, end = cleaned.get(f"start_{n}"), cleaned.get(f"end_{n}")
            if bool(start) != bool(end):
                self.add_error(f"end_{n}", f"Give both times for {day}, or neither.")
            elif start and end and end <= start:
                self.add_error(f"end_{n}", f"On {day} the time ends before it starts.")
        return cleaned


# The page asks for the 24-hour clock; "1:30pm", "13.30" and "1330" are read as people type them too.
CLOCK_FORMATS = ["%H:%M", "%H.%M", "%H%M", "%I:%M%p", "%I:%M %p", "%I.%M%p", "%I%p", "%I %p"]


class BlockForm(forms.Form):
    start = forms.TimeField(label="From", required=False, input_formats=CLOCK_FORMATS)
    end = forms.TimeField(label="To", required=False, input_formats=CLOCK_FORMATS)
    activity = forms.ChoiceField(label="Spent", choices=[(a.value, label) for a, label in ACTIVITY_LABELS.items()])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if bool(cleaned.get("start")) != bool(cleaned.get("end")):
            raise forms.ValidationError("Give the time the block started and the time it ended.")
        return cleaned


BlockFormSet = forms.formset_factory(BlockForm, extra=2, max_num=24)
