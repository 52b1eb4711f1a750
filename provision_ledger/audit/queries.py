from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from provision_ledger.audit.models import RecordView
from provision_ledger.people.models import Child, Membership


def views_of(child: Child) -> QuerySet[RecordView]:
    """Who read the child's record, newest first, with each reader's roles (three queries however many)."""
    return (
        RecordView.objects.filter(child=child)
        .select_related("viewer")
        .prefetch_related(
            Prefetch(
                "viewer__memberships",
                queryset=Membership.objects.select_related("school", "local_authority"),
            )
        )
    )
