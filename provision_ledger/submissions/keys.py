"""One-time keys for the forms a person is shown: issued at each render, claimed once by the post that carries them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core import signing

V = TypeVar("V", bound=Callable[..., Any])

SALT = "provision_ledger.form-key"
FIELD = "form_key"
# A form left open longer than this is refused as stale, so an old tab re-sent days later cannot write.
MAX_AGE_SECONDS = 3 * 24 * 60 * 60


def shows_previews(view: V) -> V:
    """Mark a view whose form asks for a preview as one types (htmx, not boosted) and answers it without writing:
    on these views only, such a request leaves the form's key for the real save."""
    view.shows_previews = True  # type: ignore[attr-defined]
    return view


def issue(user_id: int | None) -> str:
    """A new key for one rendered form, bound to the person it was shown to."""
    return signing.TimestampSigner(salt=SALT).sign(f"{user_id or 0}:{uuid.uuid4().hex}")


@dataclass(frozen=True)
class Checked:
    key: str | None  # the key's own part, when valid
    problem: str = ""


def check(value: str, user_id: int | None) -> Checked:
    """The key's own part if it is genuine, recent and issued to this person; otherwise what is wrong with it."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        unsigned = signer.unsign(value, max_age=MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        return Checked(None, "This form was open for more than 3 days, so nothing was saved. Please fill it in again.")
    except signing.BadSignature:
        return Checked(None, "This form could not be checked, so nothing was saved. Please fill it in again.")
    owner, _, key = unsigned.partition(":")
    if owner != str(user_id or 0) or not key:
        return Checked(None, "This form was opened by someone else, so nothing was saved. Please fill it in again.")
    return Checked(key)
