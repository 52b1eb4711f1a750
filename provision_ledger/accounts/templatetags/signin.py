from __future__ import annotations

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def pause_length(length: timedelta) -> str:
    """A lockout's length in plain words: "15 minutes", "1 hour"."""
    minutes = round(length.total_seconds() / 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
