from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from provision_ledger.people.models import School
from provision_ledger.trusts.models import TrustSchool


def current_school_ids(trust_ids: Iterable[int]) -> dict[int, set[int]]:
    """The schools each trust runs now, by trust (one query)."""
    found: dict[int, set[int]] = {pk: set() for pk in trust_ids}
    for trust_id, school_id in TrustSchool.objects.filter(trust_id__in=list(found), left_on__isnull=True).values_list(
        "trust_id", "school_id"
    ):
        found[trust_id].add(school_id)
    return found


def schools_of(trust_id: int) -> QuerySet[School]:
    return School.objects.filter(trust_links__trust_id=trust_id, trust_links__left_on__isnull=True)
