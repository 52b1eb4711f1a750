"""Small-number suppression for statistics an authority publishes.

Policy, not law: issue 7 asks that counts under a threshold (by default, under 5) are never published, so no child
can be picked out of an open table. A suppressed count is shown as "c" (the marker the DfE's published statistics
use for confidential cells). Two rules:

1. Primary: a count from 1 to threshold − 1 is suppressed, with every figure computed from it (such as a rate).
   Zero is published: it says nobody, and points at no one.
2. Secondary: when a table would show exactly one suppressed count, the smallest other published non-zero count of
   that table is suppressed too, so the hidden one cannot be worked out from a total published elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping

SUPPRESSED = "c"
DEFAULT_THRESHOLD = 5


def is_small(count: int, threshold: int = DEFAULT_THRESHOLD) -> bool:
    return 0 < count < threshold


def suppressed_keys(counts: Mapping[str, int], threshold: int = DEFAULT_THRESHOLD) -> frozenset[str]:
    """The keys of one table whose counts (and figures derived from them) must not be published."""
    if threshold < 1:
        raise ValueError("The suppression threshold must be at least 1.")
    hidden = {key for key, n in counts.items() if is_small(n, threshold)}
    if len(hidden) == 1:
        others = sorted((n, key) for key, n in counts.items() if key not in hidden and n > 0)
        if others:
            hidden.add(others[0][1])
    return frozenset(hidden)
