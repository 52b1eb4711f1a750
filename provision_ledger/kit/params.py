"""Reading values people can type into a URL: a bad one falls back or reads as absent, never a 500."""

from __future__ import annotations

from datetime import date, timedelta

from django.http import HttpRequest
from django.utils import timezone

CATCH_UP_DAYS = 366  # how far back a day's record may be caught up: a school year and a little


def recent_day(request: HttpRequest, name: str = "date") -> date:
    """A day from the query or the form, from a year ago to today; anything else (unreadable, future) is today."""
    today = timezone.localdate()
    try:
        day = date.fromisoformat(request.GET.get(name) or request.POST.get(name) or "")
    except ValueError:
        return today
    return day if today - timedelta(days=CATCH_UP_DAYS) <= day <= today else today


def whole_number(request: HttpRequest, name: str) -> int | None:
    """A positive id or count from the query or the form, or None when it is missing or not a whole number."""
    value = request.GET.get(name) or request.POST.get(name) or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def school_year(request: HttpRequest) -> int | None:
    """The school year asked for by its first calendar year (2025 for 2025/26), or None for the current one; a year
    that is not a number, before 2000 or still to come is refused with a message that names the parameter."""
    raw = request.GET.get("year", "")
    if not raw:
        return None
    if not raw.isdigit() or not 2000 <= int(raw) <= timezone.localdate().year:
        raise ValueError(f"year: “{raw[:20]}” is not a school year. Give its first calendar year, such as 2025.")
    return int(raw)
