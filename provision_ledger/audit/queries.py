from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from provision_ledger.audit.models import AuditEvent, RecordView
from provision_ledger.people.models import Child, Membership
from provision_ledger.services.models import ServiceRole
from provision_ledger.trusts.models import TrustRole


def record_version(child: Child) -> int:
    """How many events the child's record holds. Nothing recorded is ever deleted and every write of the record
    appends its event in the same transaction, so this number moves with every change, in commit order (an event
    written first but committed last still adds one), read from the (child, at) index."""
    return AuditEvent.objects.filter(child=child).count()


def views_of(child: Child) -> QuerySet[RecordView]:
    """Who read the child's record, newest first, with each reader's roles at a school, authority, trust or service
    (five queries however many)."""
    return (
        RecordView.objects.filter(child=child)
        .select_related("viewer")
        .prefetch_related(
            Prefetch(
                "viewer__memberships",
                queryset=Membership.objects.select_related("school", "local_authority"),
            ),
            Prefetch("viewer__trust_roles", queryset=TrustRole.objects.select_related("trust")),
            Prefetch("viewer__service_roles", queryset=ServiceRole.objects.select_related("service")),
        )
    )


# Events about the family's own letters and replies stay in the chain, but only the family is shown them: the
# school and the authority do not learn from the trail that a family wrote, to whom, or what the reply was.
FAMILY_ONLY = ("letter",)


def history_of(child: Child, *, family: bool) -> QuerySet[AuditEvent]:
    """The child's history of changes, oldest first, as the person reading it may see it."""
    events = AuditEvent.objects.filter(child=child).select_related("actor").order_by("at", "id")
    return events if family else events.exclude(object_type__in=FAMILY_ONLY)
