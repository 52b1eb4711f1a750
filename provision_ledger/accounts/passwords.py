"""Asking a signed-in person for their password again, counted as sign-in attempts are.

Going through `authenticate` means django-axes counts a wrong password here as it does on the sign-in page and
locks the address out after the same number of failures, so these forms cannot be used to guess a password."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest

from provision_ledger.people.models import User


def password_is_right(request: HttpRequest, user: User, password: str) -> bool:
    """Whether `password` is the person's own; a wrong one counts towards the sign-in lockout."""
    return authenticate(request, username=user.email, password=password) == user
