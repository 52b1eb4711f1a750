"""The privacy notice, accessibility statement and security.txt: open to everyone, reading no record.

What only the deployer can say (who the controller is, whom to contact) comes from settings; while a setting is
empty the page says so in a marked box rather than invent an answer.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

# Pages that the browser tests run axe-core (WCAG 2.2 A and AA rules) against on every CI run (tests/browser).
AXE_CHECKED_PAGES = [
    "Sign in and two-step sign-in",
    "A SENCO's school overview, a child's record, its history, a provision line, the plan, line and session forms",
    "A parent's statement of their child's provision, concerns, who has looked at the record, emails, calendar, "
    "two-step sign-in and closing the account",
    "A teaching assistant's register for the day",
    "The local authority's overview, a school's page, spending, delivery across schools and rates",
    "Funding, cost statement and support-time pages",
    "Next steps and letters",
    "Annual review pages and the review pack",
    "Reading a plan's wording and the wording check",
]


def _unset(name: str) -> str:
    return getattr(settings, name) or ""


@login_not_required
@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ops/privacy.html",
        {
            "operator": _unset("SERVICE_OPERATOR"),
            "contact": _unset("PRIVACY_CONTACT"),
            "retention_years": settings.RETENTION_YEARS_AFTER_BIRTH,
            "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
            "backup_months": settings.BACKUP_KEEP_MONTHLY,
        },
    )


@login_not_required
@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ops/accessibility.html",
        {
            "operator": _unset("SERVICE_OPERATOR"),
            "contact": _unset("ACCESSIBILITY_CONTACT"),
            "checked_pages": AXE_CHECKED_PAGES,
        },
    )


@login_not_required
@require_safe
def security_txt(request: HttpRequest) -> HttpResponse:
    """RFC 9116. Served only once the deployer has given a contact and an expiry: a security.txt with no working
    contact would send reports nowhere."""
    contacts = [c.strip() for c in settings.SECURITY_CONTACT.split(",") if c.strip()]
    try:
        expires = date.fromisoformat(settings.SECURITY_TXT_EXPIRES)
    except ValueError:
        expires = None
    if not contacts or expires is None or expires <= date.today() or expires > date.today() + timedelta(days=366):
        raise Http404("No security contact is configured (SECURITY_CONTACT, SECURITY_TXT_EXPIRES).")
    lines = [f"Contact: {c}" for c in contacts]
    lines += [
        f"Expires: {expires.isoformat()}T00:00:00Z",
        "Preferred-Languages: en",
        f"Canonical: {request.build_absolute_uri('/.well-known/security.txt')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
