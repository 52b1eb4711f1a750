from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MinValueValidator

from provision_ledger.kit.forms import GovukFormMixin
from provision_ledger.plans.models import LINE_TERM_FIELDS, WEEKDAY_CHOICES, LineVersion, Plan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["kind", "start_date", "review_due", "status"]
        widgets = {
            "kind": forms.RadioSelect,
            "start_date": DATE,
            "review_due": DATE,
            "status": forms.RadioSelect,
        }
        labels = {"kind": "Kind of plan", "review_due": "Review due by"}

    replaces_confirmed = forms.BooleanField(required=False, label="End the current plan the day before this one starts")

    def __init__(self, *args: Any, replacing: Plan | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if replacing is None:
            del self.fields["replaces_confirmed"]
        else:
            self.fields["replaces_confirmed"].help_text = (
                f"{replacing.kind_label} from {replacing.start_date:%-d %B %Y} is in force. A new plan in force ends "
                "it; its lines and their delivery stay in the record."
            )
            self.fields["replaces_confirmed"].widget.attrs["aria-describedby"] = "id_replaces_confirmed-hint"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, review = data.get("start_date"), data.get("review_due")
        if start and review and review <= start:
            self.add_error("review_due", "The review must be due after the plan starts.")
        return data


class LineForm(GovukFormMixin, forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Timetabled days (optional)",
        help_text="Tick the days when the session always happens. Leave blank if it can happen on any day.",
    )
    weekly_hours = forms.DecimalField(
        required=False,
        min_value=0.25,
        max_value=32.5,
        decimal_places=2,
        label="Or: hours a week of in-class support",
        help_text="For support given as hours a week (for example 20). Leave blank for sessions.",
    )

    class Meta:
        model = LineVersion
        # Hours a week are asked for as `weekly_hours` and stored as weekly minutes.
        fields = [name for name in LINE_TERM_FIELDS if name != "weekly_minutes"]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "time_of_day": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "period": forms.Select,
        }
        labels = {
            "description": "What is provided",
            "delivered_by": "Who delivers it",
            "group_size": "Group size",
            "sessions": "How many sessions",
            "period": "Per",
            "minutes_per_session": "Minutes each session",
            "time_of_day": "Time (optional)",
            "end_date": "End date (optional)",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.initial.get("weekly_minutes"):
            self.initial["weekly_hours"] = self.initial["weekly_minutes"] / 60
        for name, prompt in (("category", "Choose a category"), ("delivered_by", "Choose who delivers it")):
            field = self.fields[name]
            field.choices = [("", prompt), *((v, label) for v, label in field.choices if v != "")]  # type: ignore[attr-defined]
        minutes = self.fields["minutes_per_session"]
        minutes.required = False  # not needed when support is given as hours a week
        # A session lasts at least a minute: say so, rather than the database's "at least 0".
        minutes.validators = [v for v in minutes.validators if not isinstance(v, MinValueValidator)]
        minutes.validators.append(MinValueValidator(1))
        minutes.widget.attrs["min"] = 1
        self.order_fields([*self.Meta.fields[:8], "weekly_hours"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Left blank: one adult, and no non-contact time.
        data["adults"] = data.get("adults") or 1
        data["non_contact_minutes"] = data.get("non_contact_minutes") or 0
        hours = data.pop("weekly_hours", None)
        data["weekly_minutes"] = round(hours * 60) if hours else None
        if hours:
            # In-class support is logged as one entry a day, a fifth of the weekly hours.
            data["minutes_per_session"] = round(hours * 60 / 5)
        elif "minutes_per_session" not in self.errors and not data.get("minutes_per_session"):
            self.add_error("minutes_per_session", "Enter the minutes each session lasts, or the hours a week.")
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be on or after the start date.")
        return data

    def terms(self) -> dict[str, Any]:
        """The cleaned terms of the line, as the actions take them."""
        return {name: self.cleaned_data[name] for name in LINE_TERM_FIELDS}


class AmendLineForm(LineForm):
    effective_from = forms.DateField(widget=DATE, label="Takes effect from")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Why is it changing?")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["effective_from", "reason"])
