"""Outcomes and progress: measures and their scales, progress towards a target, dose and response, independence.

Plain Python, no Django. The law asks an EHC plan's section E to set out outcomes (SEND Code of Practice 9.64–9.69)
and an annual review to consider progress towards them (Code 9.166); it sets no measure or formula, so the
measures and the arithmetic here are the product's, written down in one place so anyone can check them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Measure(StrEnum):
    SCORE = "score"
    LEVEL = "level"
    STEPS = "steps"
    MILESTONE = "milestone"
    OBSERVATION = "observation"

    @property
    def label(self) -> str:
        return MEASURE_LABELS[self]

    @property
    def numeric(self) -> bool:
        return self is not Measure.OBSERVATION


MEASURE_LABELS = {
    Measure.SCORE: "A score",
    Measure.LEVEL: "A level",
    Measure.STEPS: "A step in a small-steps framework",
    Measure.MILESTONE: "A yes/no milestone",
    Measure.OBSERVATION: "A free-text observation",
}


class Support(StrEnum):
    """The support under which a skill was shown, from least to most."""

    INDEPENDENT = "independent"
    PROMPTS = "prompts"
    ONE_TO_ONE = "one_to_one"

    @property
    def label(self) -> str:
        return SUPPORT_LABELS[self]


SUPPORT_LABELS = {
    Support.INDEPENDENT: "Independently",
    Support.PROMPTS: "With prompts",
    Support.ONE_TO_ONE: "With 1:1 adult support",
}


@dataclass(frozen=True)
class Scale:
    measure: Measure
    low: Decimal | None = None
    high: Decimal | None = None

    def __post_init__(self) -> None:
        if self.measure is Measure.MILESTONE:
            object.__setattr__(self, "low", Decimal(0))
            object.__setattr__(self, "high", Decimal(1))

    def check(self, value: Decimal | None, what: str = "The value") -> None:
        """Refuse a value the measure cannot take, with a message that says what it can take."""
        if not self.measure.numeric:
            if value is not None:
                raise ValueError(f"{what} is not used for a free-text observation: write it in the note.")
            return
        if value is None:
            raise ValueError(f"{what} is needed for {self.measure.label.lower()}.")
        if self.measure is Measure.MILESTONE and value not in (0, 1):
            raise ValueError(f"{what} must be 1 (achieved) or 0 (not yet) for a yes/no milestone.")
        if self.measure in (Measure.STEPS, Measure.LEVEL) and value != value.to_integral_value():
            raise ValueError(f"{what} must be a whole step or level, not {_plain(value)}.")
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            low, high = _plain(self.low), _plain(self.high)
            raise ValueError(f"{what} {_plain(value)} is outside the scale of this measure ({low} to {high}).")


def _plain(value: Decimal | None) -> str:
    """A number as people write it: 8, not 8.00."""
    return "" if value is None else f"{value.normalize():f}"


def progress_fraction(baseline: Decimal, target: Decimal, value: Decimal) -> Decimal:
    """How far from baseline to target a value is: 0 at the baseline, 1 at the target, beyond 1 past it.

    Works for targets below the baseline too (fewer incidents a week), since both signs cancel.
    """
    if target == baseline:
        raise ValueError("The target must differ from the baseline, or there is no progress to measure.")
    return (value - baseline) / (target - baseline)


def progress_per_ten_hours(fraction: Decimal, delivered_minutes: int) -> Decimal | None:
    """Percentage points of the way to target gained per 10 hours of serving provision delivered.

    None when nothing was delivered: progress without provision says nothing about its dose.
    """
    if delivered_minutes <= 0:
        return None
    return fraction * 100 * 600 / delivered_minutes


# Small numbers: a figure drawn from fewer children than this is not shown, so it cannot point at a child.
# Product policy set in issue 9 ("no figure shown for fewer than 5"), not law; an authority may set its own
# by changing this value (or PROGRESS_FIGURE_MIN_CHILDREN in settings, which is passed in).
MIN_CHILDREN_FOR_A_FIGURE = 5


def publishable(children: int, threshold: int = MIN_CHILDREN_FOR_A_FIGURE) -> bool:
    return children >= threshold


@dataclass(frozen=True)
class Shown:
    """One progress entry as the independence rule reads it."""

    day: date
    value: Decimal
    support: Support


@dataclass(frozen=True)
class Independence:
    best_independent: Decimal | None
    best_supported: Decimal | None
    support_for_best: Support | None

    @property
    def holds_only_with_support(self) -> bool:
        """The best the child has shown needed support, and less (or nothing) was shown independently."""
        if self.best_supported is None:
            return False
        return self.best_independent is None or self.best_supported > self.best_independent


def independence(entries: Iterable[Shown]) -> Independence:
    """The highest value shown independently, and the highest shown with support and under what support."""
    best_independent: Decimal | None = None
    best_supported: Shown | None = None
    for entry in entries:
        if entry.support is Support.INDEPENDENT:
            if best_independent is None or entry.value > best_independent:
                best_independent = entry.value
        elif best_supported is None or (entry.value, entry.day) > (best_supported.value, best_supported.day):
            best_supported = entry
    return Independence(
        best_independent,
        best_supported.value if best_supported else None,
        best_supported.support if best_supported else None,
    )
