from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms.utils import ErrorDict

from provision_ledger.kit.forms import GovukFormMixin
from provision_ledger.plans.forms import LineForm
from provision_ledger.plans.models import LINE_TERM_FIELDS
from provision_ledger.rules.wording import section_f
from provision_ledger.wording.documents import MAX_BYTES, UnreadableDocument, read_document

# Larger than any Section F; the form's own limit, so a long paste is refused with a message, not a 400.
MAX_PASTE = 200_000


class ReadPlanForm(GovukFormMixin, forms.Form):
    text = forms.CharField(
        required=False,
        max_length=MAX_PASTE,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        label="Paste Section F",
        help_text="Copy the provision from the plan, headings and bullets included.",
    )
    document = forms.FileField(
        required=False,
        label="Or upload the plan (Word or PDF)",
        help_text="A .docx or .pdf file of up to 50 MB. Only Section F is read when the plan has one. "
        "The file is not kept.",
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf,.txt"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload: UploadedFile | None = data.get("document")
        if upload is not None:
            if (upload.size or 0) > MAX_BYTES:
                self.add_error("document", f"{upload.name} is larger than 50 MB: that is not a plan's Section F.")
                return data
            try:
                data["plan_text"] = read_document(upload.read(MAX_BYTES + 1), upload.name or "The file")
            except UnreadableDocument as error:
                self.add_error("document", str(error))
        elif (data.get("text") or "").strip():
            data["plan_text"] = data["text"]
        elif "text" not in self.errors:
            self.add_error("text", "Paste the plan's Section F, or upload the plan.")
        if "plan_text" in data:
            # From a whole plan, only Section F; a Section F longer than this is not one plan's.
            data["plan_text"] = section_f(data["plan_text"])
            if len(data["plan_text"]) > MAX_PASTE:
                field = "document" if upload is not None else "text"
                self.add_error(field, "This is longer than 200,000 characters: give only the plan's Section F.")
                del data["plan_text"]
        return data


# The terms asked for on each proposed line; the rest take the line's defaults and can be set later by amending.
PROPOSED_FIELDS = [
    "description",
    "category",
    "delivered_by",
    "qualification",
    "group_size",
    "sessions",
    "period",
    "minutes_per_session",
    "start_date",
    "end_date",
    "funder",
]
DEFAULTS: dict[str, Any] = {
    "weekdays": [],
    "time_of_day": None,
    "outcome": "",
    "adults": 1,
    "non_contact_minutes": 0,
}


class ProposedLineForm(LineForm):
    """One proposed line, read from a statement: the SENCO confirms or edits it, or leaves it out."""

    include = forms.BooleanField(required=False, initial=True, label="Add this line to the plan")
    statement = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # The line's place among those its statement proposes (two provisions joined in one statement are two lines).
    part = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=20, required=False, initial=1)

    class Meta(LineForm.Meta):
        fields = PROPOSED_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["weekdays"]  # set later by amending the line, if the sessions are timetabled
        self.order_fields(["include", "statement", "part", *PROPOSED_FIELDS[:8], "weekly_hours"])
        self.fields["category"].label = "Area of need"
        # Hints are found by the prefixed id on a page of many lines.
        for name, field in self.fields.items():
            if "aria-describedby" in field.widget.attrs:
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}-hint"

    @property
    def included(self) -> bool:
        if not self.is_bound:
            return bool(self.initial.get("include", True))
        return bool(self.data.get(self.add_prefix("include")))

    def full_clean(self) -> None:
        """A line left out is not checked: only its statement number is kept."""
        if self.is_bound and not self.included:
            self._errors = ErrorDict()
            self.cleaned_data = {"include": False, "statement": self.data.get(self.add_prefix("statement"))}
            return
        super().full_clean()

    def terms(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] if name in data else DEFAULTS[name] for name in LINE_TERM_FIELDS}


ProposedLineFormSet = forms.formset_factory(ProposedLineForm, extra=0, max_num=200, validate_max=True)
