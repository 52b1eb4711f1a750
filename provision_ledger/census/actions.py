"""The writers of the census app's own rows: a Common Transfer File kept as it came, and imported once.

The pupils' records a file changes are written by `ctf.import_transfer`, each change with its audit event."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from provision_ledger.census import ctf
from provision_ledger.census.models import CtfUpload
from provision_ledger.people.models import School, User


@transaction.atomic
def keep_upload(*, school: School, by: User, filename: str, data: bytes) -> CtfUpload:
    """Keep an uploaded file as it came, to be checked and then imported by the SENCO's confirmation."""
    return CtfUpload.objects.create(school=school, uploaded_by=by, filename=filename[:200], data=data)


@transaction.atomic
def import_upload(
    *, upload: CtfUpload, transfer: ctf.Transfer, school: School, by: User, today: date
) -> ctf.TransferReport:
    """Import a checked file's pupils and mark the file imported, in one transaction, once: a second confirmation
    (another tab, a resent form) finds it imported and writes nothing."""
    locked = CtfUpload.objects.select_for_update().get(pk=upload.pk)
    if locked.imported_at is not None:
        raise ValidationError(f"{locked.filename} was imported on {timezone.localtime(locked.imported_at):%-d %B %Y}.")
    report = ctf.import_transfer(transfer, school, by=by, today=today)
    locked.imported_at = timezone.now()
    locked.save(update_fields=["imported_at"])
    return report
