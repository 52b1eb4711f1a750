"""Sealing the record: every row that is part of a child's record is held to a hash carried by an audit event.

An event's `seals` maps "type:id" to a keyed hash of each row it wrote, as the row then stood. The event's own hash
covers its seals, and the chain covers the event, so `verify` can hold every row to its latest seal: a row edited in
the database no longer matches, a row deleted leaves a seal with nothing to match, and a row written around the
product's actions has no seal at all.

The hashes are HMAC-SHA256 with the chain key, which lives outside the database (`LEDGER_CHAIN_KEY`, or a file named
by `LEDGER_CHAIN_KEY_FILE`): someone who can write to the database but does not hold the key cannot make an altered
row, or an altered chain, verify. The row hash is keyed too, so a seal cannot be used to guess a family's words.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

# Used when no key is configured (development and tests only: settings refuse PRODUCTION without a key). It is
# public, so a chain linked with it proves nothing against someone who can write to the database; `verify` says so.
DEVELOPMENT_KEY = b"provision-ledger public development chain key: proves nothing, never used for a real record"
MIN_KEY_LENGTH = 32

_keys: dict[tuple[str, str], bytes] = {}


def configured_key() -> bytes | None:
    """The record's chain key from the environment or its key file, or None when neither is set."""
    text, path = getattr(settings, "LEDGER_CHAIN_KEY", ""), getattr(settings, "LEDGER_CHAIN_KEY_FILE", "")
    if not text and not path:
        return None
    if (text, path) not in _keys:
        if text:
            key = text.encode()
        else:
            try:
                key = Path(path).read_bytes().strip()
            except OSError as error:
                raise ImproperlyConfigured(f"The chain key file {path} cannot be read: {error.strerror}.") from None
        if len(key) < MIN_KEY_LENGTH:
            raise ImproperlyConfigured(f"The chain key must be at least {MIN_KEY_LENGTH} characters long.")
        _keys[(text, path)] = key
    return _keys[(text, path)]


def chain_key() -> bytes:
    return configured_key() or DEVELOPMENT_KEY


def keyed_hash(text: str, key: bytes | None = None) -> str:
    return hmac.digest(key or chain_key(), text.encode(), "sha256").hex()  # hmac.new's hexdigest, in one C call


def keyed_hasher(key: bytes | None = None) -> Callable[[str], str]:
    """`keyed_hash` with the key read and set up once, for a writer sealing thousands of rows: each text is hashed
    on a copy of the keyed HMAC, which costs half as much as a new one."""
    keyed = hmac.new(key or chain_key(), digestmod="sha256")

    def hashed(text: str) -> str:
        copy = keyed.copy()
        copy.update(text.encode())
        return copy.hexdigest()

    return hashed


@dataclass(frozen=True)
class Sealed:
    """A table that is part of the record, and how its rows are found for one authority."""

    model: type[models.Model]
    authority: str  # the lookup from a row to its local authority's id
    related: tuple[str, ...] = ()  # read with each row: the way to its child

    @property
    def label(self) -> str:
        return self.model._meta.model_name or ""

    def rows(self, local_authority_id: int) -> models.QuerySet[Any]:
        rows = self.model._default_manager.filter(**{self.authority: local_authority_id}).order_by("pk")
        if self.related:
            rows = rows.select_related(*self.related)
        if self.model._meta.many_to_many:
            rows = rows.prefetch_related(*(f.name for f in self.model._meta.many_to_many))
        return rows


def sealed_tables() -> list[Sealed]:
    """Every table of the record. A table added to the record is added here, and `verify` then holds it too."""
    from provision_ledger.delivery.models import Session
    from provision_ledger.money.models import Allocation, ChildFunding, ChildItem, TimeBlock
    from provision_ledger.nextsteps.models import Letter, StatutoryEvent
    from provision_ledger.outcomes.models import Outcome, ProgressEntry, Review
    from provision_ledger.parents.models import Concern, ConcernMessage
    from provision_ledger.plans.models import LineVersion, Plan, ProvisionLine

    return [
        Sealed(Plan, "local_authority_id"),
        Sealed(ProvisionLine, "local_authority_id", ("plan",)),
        Sealed(LineVersion, "line__local_authority_id", ("line__plan",)),
        Sealed(Session, "local_authority_id"),
        Sealed(Concern, "local_authority_id"),
        Sealed(ConcernMessage, "concern__local_authority_id", ("concern",)),
        Sealed(Letter, "local_authority_id"),
        Sealed(StatutoryEvent, "local_authority_id"),
        Sealed(Outcome, "local_authority_id"),
        Sealed(ProgressEntry, "local_authority_id"),
        Sealed(Review, "local_authority_id"),
        Sealed(Allocation, "local_authority_id"),
        Sealed(TimeBlock, "local_authority_id", ("allocation",)),
        Sealed(ChildFunding, "local_authority_id"),
        Sealed(ChildItem, "local_authority_id"),
    ]


def is_sealed(obj: models.Model) -> bool:
    return any(isinstance(obj, table.model) for table in sealed_tables())


def instant(value: datetime) -> str:
    """A moment as a seal holds it: in UTC, to the microsecond, as both databases keep it."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.astimezone(UTC).isoformat()


def _canonical(field: models.Field[Any, Any], value: Any) -> Any:
    """A stored value written the one way it reads back from either database, whatever was assigned in memory."""
    if value is None:
        return None
    if isinstance(field, models.ForeignKey):
        return value
    if isinstance(field, models.JSONField):
        return json.loads(json.dumps(value, cls=field.encoder or DjangoJSONEncoder))
    value = field.to_python(value)
    if isinstance(field, models.DecimalField):
        return str(Decimal(value).quantize(Decimal(1).scaleb(-(field.decimal_places or 0))))
    if isinstance(field, models.DateTimeField):
        return instant(value)
    if isinstance(field, models.DateField | models.TimeField):
        return value.isoformat()
    if isinstance(field, models.UUIDField):
        return str(value)
    return value


# Columns added to a sealed table after rows were sealed: left out of a row's content while they hold their blank
# default, so a row sealed before the column existed still matches its seal; once set, the value is covered.
ADDED_LATER: dict[str, frozenset[str]] = {
    "statutoryevent": frozenset({"mediation"}),
}


def content(obj: models.Model) -> dict[str, Any]:
    """Every stored value of a row (many-to-many links as sorted ids), as a seal covers it."""
    later = ADDED_LATER.get(obj._meta.model_name or "", frozenset())
    data = {
        field.name: _canonical(field, field.value_from_object(obj))
        for field in obj._meta.concrete_fields
        if not (field.name in later and field.value_from_object(obj) in ("", None))
    }
    for field in obj._meta.many_to_many:
        data[field.name] = sorted(related.pk for related in getattr(obj, field.name).all())
    return data


def content_text(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def key_of(obj: models.Model) -> str:
    return f"{obj._meta.model_name}:{obj.pk}"


def row_hash(obj: models.Model, key: bytes | None = None) -> str:
    return keyed_hash(f"{key_of(obj)}\n{content_text(content(obj))}", key)


def seals_of(objs: Iterable[models.Model]) -> dict[str, str]:
    """The seals of rows just written, for the event that records them."""
    found = {}
    for obj in objs:
        assert obj.pk is not None, "a row is sealed once it is saved"
        found[key_of(obj)] = row_hash(obj)
    return found


def iter_rows(local_authority_id: int) -> Iterator[tuple[Sealed, models.Model]]:
    for table in sealed_tables():
        for row in table.rows(local_authority_id).iterator(chunk_size=2000):
            yield table, row
