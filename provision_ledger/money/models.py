"""Rate cards, a child's funding, staff allocations and the time blocks staff log against them."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from provision_ledger.people.models import Child, LocalAuthority, School
from provision_ledger.plans.models import DeliveredBy
from provision_ledger.rules.costing import Rate, financial_year_label
from provision_ledger.rules.support_time import ACTIVITY_LABELS, Activity, Block

ACTIVITY_CHOICES = [(a.value, label) for a, label in ACTIVITY_LABELS.items()]


class RateCard(models.Model):
    """Hourly costs for a financial year: an authority's defaults, or one school's overrides of them."""

    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.CASCADE, related_name="rate_cards"
    )
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.CASCADE, related_name="rate_cards")
    financial_year = models.PositiveSmallIntegerField(help_text="The year the financial year starts: 2025 for 2025-26")
    element_2_threshold = models.DecimalField(
        "Element 2 threshold",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="The part of a child's additional provision the school meets. Empty means £6,000.",
    )

    class Meta:
        ordering = ["-financial_year"]
        constraints = [
            models.CheckConstraint(
                name="rate_card_for_an_authority_or_a_school",
                condition=models.Q(local_authority__isnull=False, school__isnull=True)
                | models.Q(local_authority__isnull=True, school__isnull=False, element_2_threshold__isnull=True),
            ),
            models.UniqueConstraint(fields=["local_authority", "financial_year"], name="one_card_per_la_year"),
            models.UniqueConstraint(fields=["school", "financial_year"], name="one_card_per_school_year"),
        ]

    def __str__(self) -> str:
        return f"{self.school or self.local_authority} rates {financial_year_label(self.financial_year)}"

    @property
    def year_label(self) -> str:
        return financial_year_label(self.financial_year)


class StaffRate(models.Model):
    """What a role costs, on-costs included: the annual cost of an hour a week, or the paid-hour rate with the
    weeks it is paid for; and the weeks of contact with children it is spread over (rules/costing.py)."""

    card = models.ForeignKey(RateCard, on_delete=models.CASCADE, related_name="staff_rates")
    role = models.CharField(max_length=20, choices=DeliveredBy.choices)
    annual_cost = models.DecimalField(
        "Annual cost of an hour a week",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="What one hour a week of this role costs for a year, employer costs included",
    )
    pounds_per_hour = models.DecimalField("Paid-hour rate", max_digits=7, decimal_places=2, null=True, blank=True)
    paid_weeks = models.PositiveSmallIntegerField(default=45, validators=[MinValueValidator(1), MaxValueValidator(53)])
    contact_weeks = models.PositiveSmallIntegerField(
        default=38, validators=[MinValueValidator(1), MaxValueValidator(53)]
    )
    source = models.CharField(max_length=300, blank=True, help_text="Where the figure comes from")

    class Meta:
        ordering = ["role"]
        constraints = [
            models.UniqueConstraint(fields=["card", "role"], name="one_rate_per_role_per_card"),
            models.CheckConstraint(condition=models.Q(pounds_per_hour__gte=0), name="rate_not_negative"),
            models.CheckConstraint(condition=models.Q(annual_cost__gte=0), name="annual_cost_not_negative"),
            models.CheckConstraint(
                condition=models.Q(annual_cost__isnull=False, pounds_per_hour__isnull=True)
                | models.Q(annual_cost__isnull=True, pounds_per_hour__isnull=False),
                name="rate_is_annual_or_paid_hour",
            ),
            models.CheckConstraint(condition=models.Q(contact_weeks__gte=1), name="rate_has_contact_weeks"),
        ]

    def __str__(self) -> str:
        if self.annual_cost is not None:
            return f"{self.get_role_display()}: £{self.annual_cost} a year for an hour a week"
        return f"{self.get_role_display()}: £{self.pounds_per_hour} a paid hour"

    @property
    def rate(self) -> Rate:
        if self.annual_cost is not None:
            return Rate(self.annual_cost, self.contact_weeks)
        assert self.pounds_per_hour is not None
        return Rate.from_paid_hour(self.pounds_per_hour, self.paid_weeks, self.contact_weeks)


class ItemPrice(models.Model):
    """A non-staff item on a rate card: a programme's licence, a piece of equipment."""

    card = models.ForeignKey(RateCard, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(max_length=200)
    pounds = models.DecimalField(max_digits=9, decimal_places=2, validators=[MinValueValidator(0)])
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(pounds__gte=0), name="item_not_negative"),
            models.UniqueConstraint(fields=["card", "name"], name="one_price_per_item_per_card"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: £{self.pounds}"


class ChildFunding(models.Model):
    """What the authority agreed for a child in a financial year, beyond the school's Element 2 part."""

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="funding")
    financial_year = models.PositiveSmallIntegerField()
    top_up = models.DecimalField(
        "Element 3 top-up agreed by the local authority",
        max_digits=9,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    personal_budget = models.DecimalField(max_digits=9, decimal_places=2, default=0, validators=[MinValueValidator(0)])
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "child", "financial_year"], name="one_funding_per_child_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} funding {financial_year_label(self.financial_year)}"


class Allocation(models.Model):
    """A member of staff allocated to a child for some hours a week, with the usual timetable of that time."""

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="allocations")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="allocations")
    role = models.CharField(max_length=20, choices=DeliveredBy.choices, default=DeliveredBy.TA)
    weekly_minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(3000)])
    # [[weekday, "HH:MM", "HH:MM"], ...], 0 = Monday: the blocks a day is pre-filled with.
    timetable = models.JSONField(default=list, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["child", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "child", "staff", "start_date"], name="one_allocation_per_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} for {self.child}: {self.weekly_minutes / 60:g} hours a week"

    @property
    def hours_per_week(self) -> float:
        return self.weekly_minutes / 60

    def timetable_on(self, weekday: int) -> list[Block]:
        return [
            Block(time.fromisoformat(start), time.fromisoformat(end), Activity.WITH_CHILD)
            for day, start, end in self.timetable
            if day == weekday
        ]


class TimeBlockQuerySet(models.QuerySet["TimeBlock"]):
    def current(self) -> TimeBlockQuerySet:
        """Blocks not voided: a day logged again voids its earlier blocks rather than deleting them."""
        return self.filter(voided_at__isnull=True)


class TimeBlock(models.Model):
    """A block of an allocated member of staff's day, and what it was spent on."""

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="blocks")
    date = models.DateField()
    start = models.TimeField()
    end = models.TimeField()
    activity = models.CharField(max_length=20, choices=ACTIVITY_CHOICES)
    minutes = models.PositiveSmallIntegerField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    void_reason = models.TextField(blank=True)

    objects = TimeBlockQuerySet.as_manager()

    class Meta:
        ordering = ["date", "start"]
        indexes = [models.Index(fields=["allocation", "date"])]
        constraints = [models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="block_ends_later")]

    def __str__(self) -> str:
        return f"{self.date:%d %b %Y} {self.start:%H:%M}–{self.end:%H:%M} {self.get_activity_display()}"


class ChildItemQuerySet(models.QuerySet["ChildItem"]):
    def current(self) -> ChildItemQuerySet:
        return self.filter(voided_at__isnull=True)


class ChildItem(models.Model):
    """A non-staff item provided for a child in a financial year: a programme's licence, a piece of equipment.

    The price is copied from the rate card when it is recorded, so a later change of price rewrites nothing."""

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="items")
    financial_year = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    unit_pounds = models.DecimalField(max_digits=9, decimal_places=2, validators=[MinValueValidator(0)])
    quantity = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    void_reason = models.TextField(blank=True)

    objects = ChildItemQuerySet.as_manager()

    class Meta:
        ordering = ["financial_year", "recorded_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(unit_pounds__gte=0), name="child_item_not_negative"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="child_item_at_least_one"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name} at £{self.unit_pounds:,.2f}"

    @property
    def pounds(self) -> Decimal:
        return self.unit_pounds * self.quantity
