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


def right_for_any_account(request: HttpRequest, email: str, password: str) -> bool:
    """For a link that adds to an account if the address has one (an invitation): whether the password is that
    account's, counted as a sign-in attempt; True when the address has no account yet."""
    existing = User.objects.filter(email__iexact=email).first()
    return existing is None or password_is_right(request, existing, password)
