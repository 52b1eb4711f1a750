"""Numbers as people read them: whole sessions, hours and minutes, percentages with their meaning."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django import template
from django.forms import BoundField, CheckboxInput, CheckboxSelectMultiple, RadioSelect, Select, Textarea
from django.utils.safestring import SafeString

from provision_ledger.rules.compliance import Status
from provision_ledger.rules.reporting import duration, whole
from provision_ledger.rules.wording import StatementCheck
from provision_ledger.wording.checks import LineWording, PlanWording
from provision_ledger.wording.checks import marked as marked_text

register = template.Library()

STATUS_TAG = {
    Status.ON_TRACK: "govuk-tag--green",
    Status.AT_RISK: "govuk-tag--yellow",
    Status.BREACH: "govuk-tag--red",
    Status.NOT_DUE: "govuk-tag--grey",
}


register.filter("whole", whole)


@register.filter
def thousands(value: int | Decimal | None) -> str:
    """35505 → "35,505"; 87735.6 → "87,735.6": an authority's counts are read at a glance."""
    return "–" if value is None else f"{value:,}"


register.filter("duration", duration)


@register.filter
def percent(value: int | None) -> str:
    return "–" if value is None else f"{value}%"


@register.inclusion_tag("includes/status_tag.html")
def status_tag(status: Status) -> dict[str, str]:
    return {"label": status.label, "css": STATUS_TAG[status]}


@register.filter
def widget_kind(field: BoundField) -> str:
    widget = field.field.widget
    # CheckboxSelectMultiple is a RadioSelect subclass, so it is asked about first.
    if isinstance(widget, CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, RadioSelect):
        return "radios"
    if isinstance(widget, Select):
        return "select"
    if isinstance(widget, Textarea):
        return "textarea"
    if isinstance(widget, CheckboxInput):
        return "checkbox"
    return "input"


@register.filter
def get(mapping: dict, key: object) -> object:  # type: ignore[type-arg]
    return mapping.get(key)


@register.simple_tag
def weekly_chart(weeks: list, title: str) -> str:  # type: ignore[type-arg]
    from django.utils.safestring import mark_safe

    from provision_ledger.delivery.charts import weekly_chart as draw

    return mark_safe(draw(weeks, title))  # built from numbers and an escaped title


@register.filter
def untagged(text: str) -> str:
    from provision_ledger.nextsteps.advice import untagged as strip_tags

    return strip_tags(text)


@register.filter
def marked(check: StatementCheck) -> SafeString:
    """A checked statement's text, escaped, with the words at fault in <mark> (the wording checker's spans)."""
    return marked_text(check.text, check.findings)


@register.filter
def line_wording(wording: PlanWording | None, line_id: int) -> LineWording | None:
    return wording.for_line(line_id) if wording else None


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # fmt: skip
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_PARTS: dict[str, Callable[[date], str]] = {
    "j": lambda d: str(d.day),
    "M": lambda d: _MONTHS[d.month - 1][:3],
    "F": lambda d: _MONTHS[d.month - 1],
    "Y": lambda d: str(d.year),
    "l": lambda d: _WEEKDAYS[d.weekday()],
    "D": lambda d: _WEEKDAYS[d.weekday()][:3],
}


@register.filter
def day(value: date | None, pattern: str = "j F Y") -> str:
    """A date as Django's `date` filter writes it in British English, for the letters j M F Y l D (others kept as
    they are). Pages listing hundreds of dates (a year of weeks, every missed session) spent a fifth of their time in
    the general filter, which looks up the active language's formats for every date."""
    if not value:
        return ""
    return "".join(_DAY_PARTS[c](value) if c in _DAY_PARTS else c for c in pattern)
