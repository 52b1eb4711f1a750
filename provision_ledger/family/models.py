"""The family-kept record. Apart from the school's record by construction: no row here is a `people.Child`, a plan or
a session, so nothing that reaches a school's children (its SENCO, staff, the authority, API tokens) reaches these.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from provision_ledger.nextsteps.models import STEP_CHOICES
from provision_ledger.people.models import YEAR_GROUPS, Child, School
from provision_ledger.plans.models import PLAN_KIND_CHOICES
from provision_ledger.rules.delivery import LineTerms, Period
from provision_ledger.rules.family_record import Source

SOURCE_CHOICES = [(s.value, s.label) for s in Source]
PERIOD_CHOICES = [(p.value, f"a {p.value}") for p in Period]


def new_salt() -> str:
    return secrets.token_hex(32)


def name_key(first_name: str, last_name: str) -> str:
    """A name as compared for "the same child twice": case and spacing do not make a second child."""
    return " ".join(f"{first_name} {last_name}".casefold().split())


class FamilyChild(models.Model):
    """A child as their family keeps them, with the plan the family was shown."""

    keeper = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="family_children")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    name_key = models.CharField(max_length=202, editable=False)
    date_of_birth = models.DateField()
    year_group = models.CharField(max_length=2, choices=YEAR_GROUPS)
    # From the register of schools where it is there; otherwise the name the parent typed.
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    school_name = models.CharField(max_length=200, blank=True)
    school_address = models.TextField(blank=True)
    plan_kind = models.CharField(max_length=30, choices=PLAN_KIND_CHOICES)
    plan_start = models.DateField()
    plan_end = models.DateField(null=True, blank=True)
    # Keys the content digests the family's chain carries: deleting the record deletes it, so those digests can no
    # longer be matched to anything.
    salt = models.CharField(max_length=64, default=new_salt, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "family-kept children"
        ordering = ["first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["keeper", "name_key", "date_of_birth"], name="one_family_child_per_name_and_birth"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_key = name_key(self.first_name, self.last_name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def school_label(self) -> str:
        return self.school.name if self.school_id and self.school else self.school_name


class FamilyLine(models.Model):
    """One line of provision as the family read it from the plan, confirmed by the parent."""

    family_child = models.ForeignKey(FamilyChild, on_delete=models.CASCADE, related_name="lines")
    statement = models.TextField(help_text="The plan's words")
    description = models.CharField(max_length=300)
    sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    period = models.CharField(max_length=4, choices=PERIOD_CHOICES, blank=True)
    minutes_per_session = models.PositiveSmallIntegerField(null=True, blank=True)
    specific = models.BooleanField(help_text="Whether the checker found the words specified and quantified")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description

    @property
    def counted(self) -> bool:
        """Whether the line says how many sessions, so the sessions promised can be counted."""
        return bool(self.sessions and self.period and self.minutes_per_session)

    def terms(self, start: object, end: object) -> LineTerms | None:
        if not self.counted:
            return None
        assert self.sessions
        assert self.minutes_per_session
        return LineTerms(
            sessions=self.sessions,
            period=Period(self.period),
            minutes_per_session=self.minutes_per_session,
            start=start,  # type: ignore[arg-type]
            end=end,  # type: ignore[arg-type]
        )


class FamilyEntry(models.Model):
    """One thing the family knows, with its source. Never edited: a correction is a new entry voiding this one."""

    class Outcome(models.TextChoices):
        TOOK_PLACE = "took_place", "Took place"
        DID_NOT = "did_not", "Did not take place"
        NONE = "", "Says nothing about sessions"

    family_child = models.ForeignKey(FamilyChild, on_delete=models.CASCADE, related_name="entries")
    line = models.ForeignKey(FamilyLine, null=True, blank=True, on_delete=models.CASCADE, related_name="entries")
    source = models.CharField(max_length=20, choices=SOURCE_CHOICES)
    happened_on = models.DateField(help_text="The day, or the first day of the week, it is about")
    written_on = models.DateField(null=True, blank=True, help_text="The date on the email, report or diary page")
    sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    text = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="corrected_by"
    )
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    void_reason = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "family entries"
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["family_child", "voided_at"])]

    def __str__(self) -> str:
        return f"{self.source_label}, {self.happened_on:%d %B %Y}"

    @property
    def source_label(self) -> str:
        return Source(self.source).label


class RecordsRequest(models.Model):
    """The family's letter asking the school for its records, and the day the school received it."""

    family_child = models.ForeignKey(FamilyChild, on_delete=models.CASCADE, related_name="records_requests")
    received_on = models.DateField(help_text="The day the school receives the letter")
    parent_name = models.CharField(max_length=200)
    parent_address = models.TextField(blank=True)
    maintained = models.BooleanField(null=True, help_text="Whether the school is maintained by its local authority")
    answered_on = models.DateField(null=True, blank=True, help_text="The day the school answered, as the parent says")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Records request for {self.family_child}, received {self.received_on:%d %B %Y}"


class FamilyLetter(models.Model):
    """A letter of one of the next steps, kept as the parent sent it: its wording, the schedule of what the family had
    been told as it stood that day (every figure with its source), when it went, and when a reply is due."""

    family_child = models.ForeignKey(FamilyChild, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=40, choices=STEP_CHOICES)
    addressee = models.TextField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    schedule = models.JSONField(encoder=DjangoJSONEncoder, default=dict)
    sent_on = models.DateField()
    reply_due = models.DateField(null=True, blank=True)
    replied_on = models.DateField(null=True, blank=True)
    reply_note = models.TextField(blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.subject} ({self.sent_on:%d %b %Y})"


class SchoolInvitation(models.Model):
    """The parent's invitation to the school's SENCO. Single use, and it expires; only its token's hash is kept."""

    family_child = models.ForeignKey(FamilyChild, on_delete=models.CASCADE, related_name="school_invitations")
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation of {self.email} for {self.family_child}"


class SchoolLink(models.Model):
    """The school's record of the child, beside the family's: never merged into it. Seen by the school only once the
    parent has confirmed that the child the school claims is theirs."""

    family_child = models.OneToOneField(FamilyChild, on_delete=models.CASCADE, related_name="school_link")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    claimed_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.family_child} beside {self.child}"


class EntryShare(models.Model):
    """The parent showed one of the family's entries to the school; revoking ends it, the row stays."""

    entry = models.ForeignKey(FamilyEntry, on_delete=models.CASCADE, related_name="shares")
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entry"], condition=models.Q(revoked_at__isnull=True), name="one_open_share_per_entry"
            )
        ]

    def __str__(self) -> str:
        return f"Share of {self.entry}"


class SignUpAttempt(models.Model):
    """A request to sign up, for throttling: the address it came from and a hash of the email, never the email."""

    address = models.GenericIPAddressField(null=True, blank=True)
    email_hash = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["address", "at"]), models.Index(fields=["email_hash", "at"])]

    def __str__(self) -> str:
        return f"Sign-up request at {self.at:%d %b %Y %H:%M}"


class FamilyEvent(models.Model):
    """One change to a family-kept record, in the families' own hash chain.

    It carries no content of the family's: the summary names only what kind of thing changed, and `digest` is a keyed
    hash of the row as saved, keyed also with the record's salt. So a deleted record leaves its events, their order
    and their links intact, and nothing that could be read back or guessed.
    """

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        VOID = "void", "Voided"
        SHARE = "share", "Shared"
        UNSHARE = "unshare", "Stopped sharing"
        CONFIRM = "confirm", "Confirmed"
        DECLINE = "decline", "Declined"
        DELETE = "delete", "Deleted"
        REPLY = "reply", "Reply recorded"

    family_record_id = models.BigIntegerField(db_index=True)  # the FamilyChild's id; no key, so it outlives deletion
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, editable=False)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=50)
    object_id = models.BigIntegerField()
    summary = models.CharField(max_length=200)
    digest = models.CharField(max_length=64, blank=True)
    seq = models.PositiveBigIntegerField(unique=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.seq}: {self.summary}"


class FamilyChainHead(models.Model):
    """The last link of the families' chain: appends lock this one row, so the chain never forks."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"Families' chain: event {self.seq}"
