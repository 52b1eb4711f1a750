from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from provision_ledger.rules.calendar import SchoolCalendar, Term
from provision_ledger.rules.compliance import (
    DEFAULT_MAKE_UP_POLICY,
    MakeUpPolicy,
    MissReason,
    Thresholds,
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        """Sign-in finds an address however it is typed: phones capitalise the first letter."""
        return self.get(email=(username or "").strip().lower())

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with their email address."""

    username = None  # type: ignore[assignment,misc]
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []  # type: ignore[var-annotated]

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()

    def save(self, *args: Any, **kwargs: Any) -> None:
        # One address, one account, whatever its case: stored in lower case wherever it is set.
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    objects = UserManager()  # type: ignore[misc,assignment]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class LocalAuthority(models.Model):
    code = models.CharField(
        "LA code",
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^\d{3}$", "Use the 3-digit DfE LA code")],
    )
    name = models.CharField(max_length=200)
    # The ONS code the DfE's published statistics use for an authority (new_la_code), e.g. E10000002 for
    # Buckinghamshire's old county; GIAS does not carry it, so an administrator enters it once.
    new_la_code = models.CharField(
        "ONS code (new_la_code)",
        max_length=9,
        blank=True,
        validators=[
            RegexValidator(
                r"^E(06|07|08|09|10)\d{6}$", "An ONS local authority code is E06, E08, E09 or E10 and six digits"
            )
        ],
    )

    # The English region the DfE's statistics place the authority in (ONS code E12000001 to E12000009).
    region_code = models.CharField(
        "ONS region code",
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^E1200000[1-9]$", "An English region's ONS code is E12000001 to E12000009")],
    )
    region_name = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name_plural = "local authorities"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def laestab(la_code: str, establishment_number: str) -> str:
    """LA code × 10,000 + establishment number, as seven digits; empty without an establishment number."""
    if not (la_code.isdigit() and establishment_number.isdigit()):
        return ""
    return f"{int(la_code) * 10_000 + int(establishment_number):07d}"


class School(models.Model):
    urn = models.CharField(
        "URN", max_length=6, unique=True, validators=[RegexValidator(r"^\d{6}$", "A URN is six digits")]
    )
    name = models.CharField(max_length=200)
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="schools")
    # From the DfE's register (GIAS). A Common Transfer File names a school by LA code and establishment number,
    # never by URN; LAESTAB is the two together (LA code × 10,000 + establishment number).
    establishment_number = models.CharField(
        max_length=4, blank=True, validators=[RegexValidator(r"^\d{4}$", "An establishment number is four digits")]
    )
    laestab = models.CharField("LAESTAB", max_length=7, blank=True, db_index=True, editable=False)
    phase = models.CharField("phase of education", max_length=60, blank=True)
    establishment_type = models.CharField("type of establishment", max_length=100, blank=True)
    status = models.CharField("establishment status", max_length=60, blank=True)
    trust = models.CharField(max_length=200, blank=True)
    ukprn = models.CharField("UKPRN", max_length=8, blank=True)
    opened_on = models.DateField("open date", null=True, blank=True)
    closed_on = models.DateField("close date", null=True, blank=True)
    # Make-up policy and status thresholds are the school's own policy; defaults come from the rules layer.
    owed_reasons = models.JSONField(
        default=list,
        blank=True,
        help_text="Reasons for a missed session that the school still owes. Empty means the default policy.",
    )
    unrecorded_owed = models.BooleanField(
        "time nobody recorded counts as owed",
        default=DEFAULT_MAKE_UP_POLICY.unrecorded_owed,
        help_text="Off: only time recorded as missed for a reason the school owes counts as owed.",
    )
    on_track_percent = models.PositiveSmallIntegerField(
        default=int(Thresholds().on_track * 100), validators=[MaxValueValidator(100)]
    )
    at_risk_percent = models.PositiveSmallIntegerField(
        default=int(Thresholds().at_risk * 100), validators=[MaxValueValidator(100)]
    )
    school_day_minutes = models.PositiveSmallIntegerField(
        default=390,
        validators=[MinValueValidator(60), MaxValueValidator(720)],
        help_text="The longest a session may be: the length of this school's day in minutes.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.laestab = laestab(self.local_authority.code, self.establishment_number)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        known = {reason.value for reason in MissReason}
        if not isinstance(self.owed_reasons, list) or not set(self.owed_reasons) <= known:
            errors["owed_reasons"] = f"List reasons from: {', '.join(sorted(known))}."
        if self.at_risk_percent > self.on_track_percent:
            errors["at_risk_percent"] = "The at-risk threshold cannot be above the on-track threshold."
        if errors:
            raise ValidationError(errors)

    @property
    def make_up_policy(self) -> MakeUpPolicy:
        reasons = (
            frozenset(MissReason(r) for r in self.owed_reasons)
            if self.owed_reasons
            else DEFAULT_MAKE_UP_POLICY.owed_reasons
        )
        return MakeUpPolicy(owed_reasons=reasons, unrecorded_owed=self.unrecorded_owed)

    @property
    def thresholds(self) -> Thresholds:
        from fractions import Fraction

        return Thresholds(on_track=Fraction(self.on_track_percent, 100), at_risk=Fraction(self.at_risk_percent, 100))

    def calendar(self) -> SchoolCalendar:
        """Build the school's calendar from its terms and non-teaching days (two queries)."""
        return calendars_of([self.pk])[self.pk]


def calendars_of(school_ids: list[int]) -> dict[int, SchoolCalendar]:
    """Each school's calendar from its terms and non-teaching days: two queries however many schools."""
    terms: dict[int, list[Term]] = {pk: [] for pk in school_ids}
    for t in SchoolTerm.objects.filter(school_id__in=school_ids).order_by("school_id", "start"):
        terms[t.school_id].append(
            Term(
                name=t.name,
                start=t.start,
                end=t.end,
                half_term_start=t.half_term_start,
                half_term_end=t.half_term_end,
            )
        )
    days: dict[int, list[tuple[Any, str]]] = {pk: [] for pk in school_ids}
    for school_id, day, kind in NonTeachingDay.objects.filter(school_id__in=school_ids).values_list(
        "school_id", "date", "kind"
    ):
        days[school_id].append((day, kind))
    return {
        pk: SchoolCalendar(
            terms=tuple(terms[pk]),
            inset_days=frozenset(d for d, kind in days[pk] if kind == NonTeachingDay.Kind.INSET),
            closures=frozenset(d for d, kind in days[pk] if kind == NonTeachingDay.Kind.CLOSURE),
        )
        for pk in school_ids
    }


class SchoolTerm(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=50, help_text='For example "Autumn 2026"')
    start = models.DateField()
    end = models.DateField()
    half_term_start = models.DateField(null=True, blank=True)
    half_term_end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["school", "start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="term_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start:%d %b %Y} to {self.end:%d %b %Y})"


class NonTeachingDay(models.Model):
    class Kind(models.TextChoices):
        INSET = "inset", "INSET day"
        CLOSURE = "closure", "School closure"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="non_teaching_days")
    date = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INSET)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["school", "date"]
        constraints = [models.UniqueConstraint(fields=["school", "date"], name="one_non_teaching_day_per_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d %b %Y}"


class Need(models.TextChoices):
    """Type of need: the DfE school census codes, with the DfE's own labels.

    DS (Down syndrome) is a type of need of its own in the school census from January 2025; children with Down
    syndrome were recorded under other codes before then. The DfE writes "Vision impairment".
    """

    SPLD = "SPLD", "Specific learning difficulty"
    MLD = "MLD", "Moderate learning difficulty"
    SLD = "SLD", "Severe learning difficulty"
    PMLD = "PMLD", "Profound and multiple learning difficulty"
    SEMH = "SEMH", "Social, emotional and mental health"
    SLCN = "SLCN", "Speech, language and communication needs"
    HI = "HI", "Hearing impairment"
    VI = "VI", "Vision impairment"
    MSI = "MSI", "Multi-sensory impairment"
    PD = "PD", "Physical disability"
    ASD = "ASD", "Autistic spectrum disorder"
    DS = "DS", "Down syndrome"
    OTH = "OTH", "Other difficulty or disability"
    NSA = "NSA", "SEN support but no specialist assessment of type of need"


class SenStatus(models.TextChoices):
    """SEN provision codes of the school census, with the legacy codes used before 2014."""

    N = "N", "No special educational need"
    K = "K", "SEN support"
    E = "E", "Education, health and care plan"
    A = "A", "School Action (before 2014)"
    P = "P", "School Action Plus (before 2014)"
    S = "S", "Statement of SEN (before 2018)"


YEAR_GROUPS = [("N1", "Nursery 1"), ("N2", "Nursery 2"), ("R", "Reception")] + [
    (str(n), f"Year {n}") for n in range(1, 15)
]


class Child(models.Model):
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="children")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="children")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    year_group = models.CharField(max_length=2, choices=YEAR_GROUPS)
    upn = models.CharField(
        "UPN",
        max_length=13,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]\d{11}[0-9A-Z]$", "A UPN is a letter, 11 digits and a digit or letter")],
    )
    primary_need = models.CharField(max_length=4, choices=Need.choices)
    secondary_need = models.CharField(max_length=4, choices=Need.choices, blank=True)
    sen_status = models.CharField("SEN status", max_length=1, choices=SenStatus.choices)
    # The school census's pupil-level indicators: the child is placed in a SEN unit or resourced provision of the
    # school, and the school receives top-up funding from the authority's high-needs block for them.
    sen_unit = models.BooleanField("SEN unit indicator", default=False)
    resourced_provision = models.BooleanField("resourced provision indicator", default=False)
    top_up_funding = models.BooleanField("top-up funding indicator", default=False)
    # Disabled in the sense of s6(1) Equality Act 2010, as the school knows it: opens the disability discrimination
    # route (s85, Schedule 17). Changed only through people.actions.set_disabled.
    disabled = models.BooleanField("disabled (Equality Act 2010)", default=False)

    class Meta:
        verbose_name_plural = "children"
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["local_authority", "school"])]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The authority key is the school's, carried on every large table so it can be sharded by authority.
        self.local_authority_id = self.school.local_authority_id
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Role(models.TextChoices):
    LA_OFFICER = "la_officer", "Local authority officer"
    SENCO = "senco", "SENCO or head teacher"
    STAFF = "staff", "Teaching assistant, teacher or therapist"


class Membership(models.Model):
    """A staff role: an LA officer for an authority, a SENCO or member of staff for a school."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    local_authority = models.ForeignKey(LocalAuthority, null=True, blank=True, on_delete=models.CASCADE)
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    models.Q(role="la_officer", local_authority__isnull=False, school__isnull=True)
                    | models.Q(role__in=["senco", "staff"], school__isnull=False, local_authority__isnull=True)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.school or self.local_authority}"


class StaffAssignment(models.Model):
    """A member of staff who delivers provision to a child and logs their sessions."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="staff_assignments")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "child"], name="one_assignment_per_pair")]

    def __str__(self) -> str:
        return f"{self.user} → {self.child}"


class Guardianship(models.Model):
    """A parent or carer of a child: may read the child's record, never change it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="guardianships")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="guardians")
    relationship = models.CharField(max_length=50, default="Parent")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "child"], name="one_guardianship_per_pair")]

    def __str__(self) -> str:
        return f"{self.user} ({self.relationship}) of {self.child}"


class LiveEnrolments(models.Manager["Enrolment"]):
    """Enrolments as they stand: a move voided as recorded in error is left out."""

    def get_queryset(self) -> models.QuerySet[Enrolment]:
        return super().get_queryset().filter(voided_at__isnull=True)


class Enrolment(models.Model):
    """A school the child attended, from the day they started there to their last day, under the authority that
    maintains that school (the authority responsible for them in that period).

    Written only by `people.actions.move_child` (and, for the record kept before moves were recorded, by the data
    migration that gave every child one open enrolment). A child without a row has one open enrolment at their
    school, from the start of their record. The first enrolment holds what the record has from before its start
    date too: there is no other school it could belong to.
    """

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="enrolments")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="enrolments")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True, help_text="The last day at the school")
    left_reason = models.TextField(blank=True)
    # Staff assigned to the child at this school when they left: they still read what happened here, to the last day.
    staff = models.ManyToManyField(User, blank=True, related_name="+")
    # For an EHC plan moving to another authority: the day the old authority learned of the move, when known
    # (reg 15(2) SEND Regulations 2014 sets the transfer date from it). Recorded on the arrival.
    old_authority_aware_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # A move recorded in error is voided (`people.actions.void_move`): the row stays, and no page or figure reads it.
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    void_reason = models.TextField(blank=True)

    recorded = models.Manager()  # every row, voided ones too
    objects = LiveEnrolments()

    class Meta:
        ordering = ["child", "started_on", "id"]
        default_manager_name = "objects"
        base_manager_name = "recorded"
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(ended_on__isnull=True, voided_at__isnull=True),
                name="one_open_enrolment_per_child",
            ),
            models.UniqueConstraint(
                fields=["child", "started_on"],
                condition=models.Q(voided_at__isnull=True),
                name="one_enrolment_per_child_and_start",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="enrolment_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        until = f" to {self.ended_on:%-d %B %Y}" if self.ended_on else ""
        return f"{self.school} from {self.started_on:%-d %B %Y}{until}"
