from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


class GovukFormMixin:
    """Give plain inputs the GOV.UK classes and link them to their hints and errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.Select | forms.CheckboxSelectMultiple | forms.Textarea | forms.CheckboxInput):
                if field.help_text and isinstance(widget, forms.CheckboxInput):
                    widget.attrs["aria-describedby"] = f"id_{name}-hint"
                continue
            width = " govuk-input--width-5" if isinstance(field, forms.IntegerField | forms.DecimalField) else ""
            if isinstance(field, forms.DateField | forms.TimeField):
                width = " govuk-input--width-10"
            widget.attrs["class"] = f"govuk-input{width}"
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{name}-hint"


class VoidForm(GovukFormMixin, forms.Form):
    """Why an entry is being voided: it stays in the record, marked void with the reason."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Why is this being voided?")


def show_refusal(form: forms.BaseForm, error: ValidationError) -> None:
    """Show an action's refusal on the form, by field where it names one the form has."""
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)
