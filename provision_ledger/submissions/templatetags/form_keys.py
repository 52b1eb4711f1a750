"""{% form_key %}: the hidden one-time key every form that writes carries beside its CSRF token (a template builtin)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from provision_ledger.submissions import keys

register = template.Library()


@register.simple_tag(takes_context=True)
def form_key(context: template.Context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    user_id = user.pk if user is not None and user.is_authenticated else None
    return format_html('<input type="hidden" name="{}" value="{}">', keys.FIELD, keys.issue(user_id))
