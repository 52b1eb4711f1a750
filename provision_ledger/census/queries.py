"""Reused reads of the census records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Q

from provision_ledger.census.models import NeedRecord


def ranked_needs(child_ids: Iterable[int], today: date) -> dict[int, list[NeedRecord]]:
    """Each child's needs in force today, primary first: one query for a whole school."""
    needs: dict[int, list[NeedRecord]] = defaultdict(list)
    rows = NeedRecord.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today), child_id__in=list(child_ids))
    for record in rows.order_by("child_id", "rank", "start_date"):
        needs[record.child_id].append(record)
    return needs
