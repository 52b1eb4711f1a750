from __future__ import annotations

from typing import Any

from django import forms


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
