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
