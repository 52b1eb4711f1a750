"""Making and revoking API tokens, and writing sessions through the API safely enough to repeat."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from provision_ledger.api.models import ApiToken, ClientKey
from provision_ledger.core import access
from provision_ledger.core.access import Permission
from provision_ledger.delivery.actions import EntriesRefused, SessionEntry, check_sessions, record_sessions
from provision_ledger.delivery.models import Session
from provision_ledger.kit.bulk import insert_rows
from provision_ledger.people.models import LocalAuthority, School, User
from provision_ledger.plans.models import ProvisionLine
from provision_ledger.rules.compliance import SessionStatus

SECRET_PREFIX = "pl_"
NO_SUCH_LINE = "No such provision line."
# Writing the time of use on every request would make each read a write; once a minute is enough to audit.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    """A token's secret carries 256 random bits, so one round of SHA-256 is enough to keep it safe at rest."""
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(
    *, by: User, name: str, school: School | None = None, local_authority: LocalAuthority | None = None
) -> tuple[ApiToken, str]:
    """A new token for a school its SENCO runs, or an authority its officer works for. The secret is shown once."""
    if (school is None) == (local_authority is None):
        raise ValidationError("A token reaches one school or one local authority.")
    if school is not None and not access.manages_school(by, school):
        raise PermissionDenied
    if local_authority is not None and local_authority.pk not in access.officer_authority_ids(by):
        raise PermissionDenied
    if not name.strip():
        raise ValidationError({"name": "Say what will use this token."})
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name.strip(),
        school=school,
        local_authority=local_authority,
        prefix=secret[:10],
        secret_hash=hash_secret(secret),
        created_by=by,
    )
    return token, secret


def revoke_token(token: ApiToken, *, by: User) -> ApiToken:
    """Stop a token working at once. It stays listed, with who revoked it and when."""
    if token.revoked_at is not None:
        raise ValidationError("This token is already revoked.")
    token.revoked_at, token.revoked_by = timezone.now(), by
    token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def authenticate(secret: str) -> ApiToken | None:
    """The live token with this secret, its use noted; None for an unknown or revoked one."""
    if not secret.startswith(SECRET_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("created_by", "school")
        .filter(secret_hash=hash_secret(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# Writing sessions ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeyedEntry:
    """One session as a client sends it, with the key that makes sending it twice harmless."""

    client_key: str
    line_id: int
    date: date
    status: SessionStatus
    delivered_minutes: int | None = None
    planned_minutes: int | None = None
    reason: str = ""
    note: str = ""
    another_that_day: bool = False
    school_was_open: bool = False

    def entry(self, line: ProvisionLine) -> SessionEntry:
        return SessionEntry(
            line=line,
            date=self.date,
            status=self.status,
            delivered_minutes=self.delivered_minutes,
            reason=self.reason,
            note=self.note,
            planned_minutes=self.planned_minutes,
            another_that_day=self.another_that_day,
            school_was_open=self.school_was_open,
        )


@dataclass(frozen=True)
class RowError:
    index: int
    field: str | None
    message: str


class RowsRefused(Exception):
    """Nothing was written: these rows are wrong."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} rows refused")
        self.errors = errors


@dataclass(frozen=True, slots=True)
class Written:
    session: Session
    created: bool  # False: the key had been sent before, and this is the session it recorded then


def _field_errors(index: int, error: ValidationError) -> list[RowError]:
    if not hasattr(error, "error_dict"):
        return [RowError(index, None, message) for message in error.messages]
    return [
        RowError(index, None if field == NON_FIELD_ERRORS else field, message)
        for field, messages in error.message_dict.items()
        for message in messages
    ]


def _entry_errors(entries: Sequence[tuple[int, SessionEntry]], refused: dict[int, ValidationError]) -> list[RowError]:
    """The rows' errors from the entries `delivery.actions` refused (by their place among `entries`)."""
    return [error for place, problem in refused.items() for error in _field_errors(entries[place][0], problem)]


def _sent_before(school: School, keys: Iterable[str]) -> dict[str, Session]:
    """The sessions these keys recorded when the school sent them before (one query)."""
    sent = ClientKey.objects.filter(local_authority_id=school.local_authority_id, school_id=school.pk, key__in=keys)
    return {ck.key: ck.session for ck in sent.select_related("session")}


def write_sessions(
    token: ApiToken, rows: Sequence[KeyedEntry], *, today: date | None = None, retry: bool = True
) -> list[Written]:
    """Record each row once, by its client key: all the new ones, or none if any row is wrong.

    A key the school has sent before returns the session it recorded then, provided it names the same line and
    day. A line the token cannot reach is a row error, as if it did not exist; a token that may not log sessions
    (an authority's) is refused outright. Reading the lines and the keys sent before, and checking the entries, cost
    a few queries a batch, not a few a row.
    """
    errors: list[RowError] = []
    lines: dict[int, ProvisionLine] = {}
    first_with_key: dict[str, int] = {}
    reachable = access.get_lines(token, {row.line_id for row in rows}, Permission.LOG)
    out_of_reach = {row.line_id for row in rows} - reachable.keys()
    if out_of_reach and access.get_lines(token, out_of_reach, Permission.VIEW):
        raise PermissionDenied  # it may read these lines but not record against them (an authority's token)
    for index, row in enumerate(rows):
        if row.client_key in first_with_key:
            errors.append(RowError(index, "client_key", f"Row {first_with_key[row.client_key]} has this key too."))
        first_with_key.setdefault(row.client_key, index)
        if row.line_id in reachable:
            lines[index] = reachable[row.line_id]
        else:
            errors.append(RowError(index, "line_id", NO_SUCH_LINE))
    school, by = token.school, token.created_by
    assert school is not None  # access gives only a school's token the LOG need
    known = _sent_before(school, first_with_key)
    entries: list[tuple[int, SessionEntry]] = []
    for index, row in enumerate(rows):
        if index not in lines:
            continue
        original = known.get(row.client_key)
        if original is not None:
            if (original.line_id, original.date) != (row.line_id, row.date):
                errors.append(
                    RowError(index, "client_key", f"This key recorded session {original.pk}, for another line or day.")
                )
            continue
        entries.append((index, row.entry(lines[index])))
    if errors:
        errors.extend(_entry_errors(entries, check_sessions([e for _, e in entries], by=by, today=today)))
        raise RowsRefused(sorted(errors, key=lambda e: e.index))
    try:
        with transaction.atomic():
            recorded = record_sessions([e for _, e in entries], by=by, today=today, via=f"API {token}")
            now = timezone.now()
            with connection.wrap_database_errors:  # a key sent meanwhile is an IntegrityError, as from the ORM
                insert_rows(
                    ClientKey,
                    ("local_authority_id", "school_id", "key", "session_id", "token_id", "created_at"),
                    (
                        (session.local_authority_id, school.pk, rows[index].client_key, session.pk, token.pk, now)
                        for (index, _), session in zip(entries, recorded, strict=True)
                    ),
                )
    except (IntegrityError, EntriesRefused) as error:
        # Another request carrying one of these keys may have been written first (its session then also stands on
        # the same line and day): answer as the repeat this now is. A second failure is a real refusal.
        if retry:
            return write_sessions(token, rows, today=today, retry=False)
        if isinstance(error, EntriesRefused):
            raise RowsRefused(sorted(_entry_errors(entries, error.refused), key=lambda e: e.index)) from error
        raise
    created = {index: session for (index, _), session in zip(entries, recorded, strict=True)}
    return [
        Written(created[index], True) if index in created else Written(known[row.client_key], False)
        for index, row in enumerate(rows)
    ]
