"""Every write of the money app: one transaction each, audited where it concerns a child."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from provision_ledger.audit.actions import record_event, record_policy_event, snapshot, void_entry
from provision_ledger.audit.models import AuditEvent
from provision_ledger.delivery.actions import record_from_time_log
from provision_ledger.money.models import (
    Allocation,
    ChildFunding,
    ChildItem,
    ItemPrice,
    RateCard,
    StaffRate,
    TimeBlock,
)
from provision_ledger.people.models import Child, LocalAuthority, School, User
from provision_ledger.plans.queries import hours_line_for
from provision_ledger.rules.costing import CONTACT_WEEKS, financial_year_label
from provision_ledger.rules.delivery import terms_in_force
from provision_ledger.rules.sessions import default_planned_minutes
from provision_ledger.rules.support_time import Block, BlockError, check_day, session_from_blocks


def _card_owner(local_authority: LocalAuthority | None, school: School | None) -> tuple[int, str]:
    if school is not None:
        return school.local_authority_id, str(school)
    assert local_authority is not None
    return local_authority.pk, f"{local_authority.name} (the authority's defaults)"


def _card_terms(card: RateCard | None) -> dict[str, str] | None:
    """A card's rates as the audit trail keeps them: one readable value per role, and the Element 2 threshold."""
    if card is None:
        return None
    terms = {
        f"{rate.get_role_display()} rate": f"£{rate.annual_cost} a year for an hour a week over {rate.contact_weeks} "
        f"weeks" + (f" ({rate.source})" if rate.source else "")
        for rate in card.staff_rates.order_by("role")
    }
    if card.element_2_threshold is not None:
        terms["Element 2 threshold"] = f"£{card.element_2_threshold}"
    return terms


@transaction.atomic
def save_rate_card(
    *,
    year: int,
    rates: Mapping[str, tuple[Decimal | None, str]],
    by: User,
    local_authority: LocalAuthority | None = None,
    school: School | None = None,
    threshold: Decimal | None = None,
    contact_weeks: int = CONTACT_WEEKS,
) -> RateCard:
    """Set a card's rates for a year, each the annual cost of an hour a week spread over `contact_weeks`: a role
    with no rate is removed from the card (the default then applies). The trail keeps the card as it was and is."""
    assert (local_authority is None) != (school is None)
    for role, (value, _) in rates.items():
        if value is not None and value < 0:
            raise ValidationError({f"rate_{role}": f"The rate in {financial_year_label(year)} cannot be negative."})
    if not 1 <= contact_weeks <= 53:
        raise ValidationError({"contact_weeks": "The weeks of contact must be between 1 and 53."})
    before = _card_terms(
        RateCard.objects.filter(local_authority=local_authority, school=school, financial_year=year).first()
    )
    card, _ = RateCard.objects.update_or_create(
        local_authority=local_authority,
        school=school,
        financial_year=year,
        defaults={"element_2_threshold": threshold if local_authority is not None else None},
    )
    card.staff_rates.exclude(role__in=[role for role, (value, _) in rates.items() if value is not None]).delete()
    for role, (value, source) in rates.items():
        if value is not None:
            StaffRate.objects.update_or_create(
                card=card,
                role=role,
                defaults={
                    "annual_cost": value,
                    "pounds_per_hour": None,
                    "contact_weeks": contact_weeks,
                    "source": source,
                },
            )
    la_id, owner = _card_owner(local_authority, school)
    record_policy_event(
        actor=by,
        local_authority_id=la_id,
        obj=card,
        summary=f"Rates for {financial_year_label(year)} set for {owner}",
        before=before,
        after=_card_terms(card),
    )
    return card


@transaction.atomic
def save_thresholds(
    *, school: School, on_track_percent: int, at_risk_percent: int, by: User, unrecorded_owed: bool | None = None
) -> School:
    """The school's own thresholds for a line's status: on track, at risk, and below that in breach; and whether
    time nobody recorded counts as owed under its make-up policy (by default it does)."""
    if not 0 <= at_risk_percent <= on_track_percent <= 100:
        raise ValidationError(
            {"at_risk_percent": "Give percentages from 0 to 100, the at-risk one no higher than the on-track one."}
        )
    fields = ("on_track_percent", "at_risk_percent", "unrecorded_owed")
    before = {name: getattr(school, name) for name in fields}
    school.on_track_percent, school.at_risk_percent = on_track_percent, at_risk_percent
    if unrecorded_owed is not None:
        school.unrecorded_owed = unrecorded_owed
    school.save(update_fields=list(fields))
    owed = "time nobody recorded is owed" if school.unrecorded_owed else "only time recorded as missed is owed"
    record_policy_event(
        actor=by,
        local_authority_id=school.local_authority_id,
        obj=school,
        summary=f"Status thresholds set for {school}: on track from {on_track_percent} %, at risk from "
        f"{at_risk_percent} %; {owed}",
        before=before,
    )
    return school


@transaction.atomic
def save_item_price(
    *,
    year: int,
    name: str,
    pounds: Decimal,
    source: str,
    by: User,
    local_authority: LocalAuthority | None = None,
    school: School | None = None,
) -> ItemPrice:
    """Price a non-staff item on a card for a year; an item of the same name on the card is repriced, and the trail
    keeps the price it had."""
    assert (local_authority is None) != (school is None)
    if pounds < 0:
        raise ValidationError({"pounds": f"The price of {name} in {financial_year_label(year)} cannot be negative."})
    card, _ = RateCard.objects.get_or_create(local_authority=local_authority, school=school, financial_year=year)
    earlier = ItemPrice.objects.filter(card=card, name=name.strip()).first()
    before = snapshot(earlier) if earlier else None
    item, _ = ItemPrice.objects.update_or_create(
        card=card, name=name.strip(), defaults={"pounds": pounds, "source": source}
    )
    la_id, owner = _card_owner(local_authority, school)
    record_policy_event(
        actor=by,
        local_authority_id=la_id,
        obj=item,
        summary=f"{item.name} priced at £{item.pounds} for {financial_year_label(year)} for {owner}",
        before=before,
    )
    return item


@transaction.atomic
def add_child_item(*, child: Child, year: int, item: ItemPrice, quantity: int, note: str, by: User) -> ChildItem:
    added = ChildItem.objects.create(
        local_authority_id=child.local_authority_id,
        child=child,
        financial_year=year,
        name=item.name,
        unit_pounds=item.pounds,
        quantity=quantity,
        note=note,
        recorded_by=by,
    )
    record_event(
        actor=by,
        child=child,
        action=AuditEvent.Action.CREATE,
        obj=added,
        summary=f"Item provided in {financial_year_label(year)}: {added}",
        after=snapshot(added),
    )
    return added


def void_child_item(*, item: ChildItem, reason: str, by: User) -> ChildItem:
    return void_entry(item, by=by, reason=reason, child=item.child, noun="item", summary=f"Item voided: {item}")


@transaction.atomic
def save_child_funding(
    *, child: Child, year: int, top_up: Decimal, personal_budget: Decimal, note: str, by: User
) -> ChildFunding:
    existing = ChildFunding.objects.filter(child=child, financial_year=year).first()
    before = snapshot(existing) if existing else None
    funding, _ = ChildFunding.objects.update_or_create(
        child=child,
        financial_year=year,
        defaults={
            "local_authority_id": child.local_authority_id,
            "top_up": top_up,
            "personal_budget": personal_budget,
            "note": note,
        },
    )
    record_event(
        actor=by,
        child=child,
        action=AuditEvent.Action.CHANGE if existing else AuditEvent.Action.CREATE,
        obj=funding,
        summary=f"Funding for {financial_year_label(year)}: top-up £{top_up:,.2f}, personal budget "
        f"£{personal_budget:,.2f}",
        before=before,
        after=snapshot(funding),
    )
    return funding


@transaction.atomic
def add_allocation(
    *,
    child: Child,
    staff: User,
    role: str,
    weekly_minutes: int,
    timetable: list[list[object]],
    start_date: date,
    by: User,
) -> Allocation:
    if not staff.assignments.filter(child=child).exists():
        raise ValidationError({"staff": f"{staff} is not assigned to {child.full_name}."})
    allocation = Allocation.objects.create(
        local_authority_id=child.local_authority_id,
        child=child,
        staff=staff,
        role=role,
        weekly_minutes=weekly_minutes,
        timetable=timetable,
        start_date=start_date,
    )
    record_event(
        actor=by,
        child=child,
        action=AuditEvent.Action.CREATE,
        obj=allocation,
        summary=f"Support time allocated: {allocation}",
        after=snapshot(allocation),
    )
    return allocation


@transaction.atomic
def end_allocation(*, allocation: Allocation, end_date: date, reason: str, by: User) -> Allocation:
    """Stop an allocation from a day on; the time logged before stays, and nothing can be logged after."""
    errors = {}
    if allocation.end_date is not None:
        errors["end_date"] = f"This allocation already ended on {allocation.end_date:%-d %B %Y}."
    elif end_date < allocation.start_date:
        errors["end_date"] = f"The allocation started on {allocation.start_date:%-d %B %Y}: choose that day or later."
    elif allocation.blocks.current().filter(date__gt=end_date).exists():
        last = allocation.blocks.current().latest("date").date
        errors["end_date"] = f"Time is logged up to {last:%-d %B %Y}: choose that day or later."
    if not reason.strip():
        errors["reason"] = "Say why the allocation is ending."
    if errors:
        raise ValidationError(errors)
    before = snapshot(allocation)
    allocation.end_date = end_date
    allocation.save(update_fields=["end_date"])
    record_event(
        actor=by,
        child=allocation.child,
        action=AuditEvent.Action.CHANGE,
        obj=allocation,
        summary=f"Support time allocation ended on {end_date:%-d %B %Y}: {allocation}",
        before=before,
        after=snapshot(allocation),
        reason=reason.strip(),
    )
    return allocation


@transaction.atomic
def log_day(
    *, allocation: Allocation, day: date, blocks: Sequence[Block], by: User, reason: str = ""
) -> list[TimeBlock]:
    """Log the day's blocks, or refuse them all and save nothing.

    A day already logged is corrected, not overwritten: its earlier blocks are voided with the reason given and
    stay in the record."""
    if day > timezone.localdate():
        raise ValidationError(f"{day:%-d %B %Y} has not happened yet: a day is logged once it has been worked.")
    if day < allocation.start_date or (allocation.end_date and day > allocation.end_date):
        raise ValidationError(f"The allocation does not cover {day:%-d %B %Y}.")
    try:
        check_day(blocks, allocation.child.school.school_day_minutes)
    except BlockError as error:
        raise ValidationError(error.args[0]) from error
    old = list(TimeBlock.objects.current().select_for_update().filter(allocation=allocation, date=day))
    before = [str(b) for b in old]
    if before and not reason.strip():
        raise ValidationError({"reason": f"{day:%-d %B %Y} is already logged: say why you are changing it."})
    voided_at = timezone.now()
    for block in old:  # the voided blocks as stored, so the event seals them as they now stand
        block.voided_at, block.voided_by, block.void_reason = voided_at, by, reason.strip()
    TimeBlock.objects.filter(pk__in=[b.pk for b in old]).update(
        voided_at=voided_at, voided_by=by, void_reason=reason.strip()
    )
    saved = TimeBlock.objects.bulk_create(
        TimeBlock(
            local_authority_id=allocation.local_authority_id,
            allocation=allocation,
            date=day,
            start=b.start,
            end=b.end,
            activity=b.activity.value,
            minutes=b.minutes,
            recorded_by=by,
        )
        for b in sorted(blocks, key=lambda b: b.start)
    )
    line = hours_line_for(allocation.child, allocation.role, day)
    if line is not None:
        terms = terms_in_force(line.terms_history(), day)
        assert terms is not None
        figures = session_from_blocks(blocks, default_planned_minutes(terms))
        record_from_time_log(line=line, day=day, figures=figures, by=by)
    record_event(
        actor=by,
        child=allocation.child,
        action=AuditEvent.Action.CHANGE if before else AuditEvent.Action.CREATE,
        obj=allocation,
        summary=f"Support time logged for {day:%-d %B %Y}: {len(saved)} blocks",
        before={"blocks": before} if before else None,
        after={"blocks": [str(b) for b in saved]},
        reason=reason.strip(),
        seals=[*old, *saved],
    )
    return saved
