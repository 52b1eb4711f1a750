"""The email backend production gets when none is set: it refuses to send rather than print links to a log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend


class NoEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[Any]) -> int:
        raise ImproperlyConfigured("EMAIL_BACKEND is not set: no mail is sent under PRODUCTION=True until it is.")
