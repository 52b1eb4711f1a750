from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from provision_ledger.people.models import Child, LocalAuthority
from provision_ledger.rules.advisor import StepKind
from provision_ledger.rules.clocks import ExceptionKind, MediationChoice, TransferKind

STEP_CHOICES = [(kind.value, kind.value.replace("_", " ")) for kind in StepKind]
# The grounds of regs 5(4) and 10(4) SEND Regulations 2014, and the kinds of move of reg 18: defined in rules/clocks.py.
GROUND_CHOICES = [(k.value, k.label) for k in ExceptionKind]
TRANSFER_CHOICES = [(k.value, k.label) for k in TransferKind]
# What the parent told the mediation adviser: only a refusal starts the 3 working days for the certificate.
MEDIATION_CHOICES = [(k.value, k.label) for k in MediationChoice]


class Letter(models.Model):
    """A letter as the parent sent it: its wording, its evidence, when it went, and when a reply is due."""

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=40, choices=STEP_CHOICES)
    addressee = models.TextField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    evidence = models.JSONField(encoder=DjangoJSONEncoder, default=dict)
    sent_on = models.DateField()
    reply_due = models.DateField(null=True, blank=True)
    replied_on = models.DateField(null=True, blank=True)
    reply_note = models.TextField(blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_on", "-id"]
        indexes = [models.Index(fields=["local_authority", "sent_on"])]

    def __str__(self) -> str:
        return f"{self.subject} ({self.sent_on:%d %b %Y})"


class StatutoryEvent(models.Model):
    """A dated event that starts or stops a statutory clock, recorded by the parent or the school.

    Decisions, mediation, phase transfers and the exceptions a local authority relies on are all events: each
    kind says which of the optional fields it needs (see REQUIRED), and rules/clocks.py works out the deadline.
    """

    class Kind(models.TextChoices):
        ASSESSMENT_REQUESTED = "assessment_requested", "EHC needs assessment requested"
        REQUEST_RECEIVED = "request_received", "Local authority received the request for an assessment"
        ASSESSMENT_DECISION = "assessment_decision", "Local authority decided to assess"
        DECIDED_NOT_TO_ASSESS = "decided_not_to_assess", "Local authority refused to assess"
        NOTICE_NOT_TO_ISSUE = "notice_not_to_issue", "Local authority refused to issue a plan"
        DECIDED_NOT_TO_REASSESS = "decided_not_to_reassess", "Local authority refused to re-assess"
        DRAFT_PLAN_SERVED = "draft_plan_served", "Draft EHC plan served"
        FINAL_PLAN_ISSUED = "final_plan_issued", "Final EHC plan issued"
        REVIEW_MEETING = "review_meeting", "Annual review meeting held"
        REVIEW_REPORT_SENT = "review_report_sent", "Review report sent"
        REVIEW_DECISION = "review_decision", "Local authority decided after the review"
        AMENDMENT_PROPOSALS_SENT = "amendment_proposals_sent", "Proposed amendments sent"
        FINAL_AMENDED_PLAN = "final_amended_plan", "Final amended plan issued"
        CEASE_DECISION = "cease_decision", "Local authority decided to stop maintaining the plan"
        MEDIATION_CONTACTED = "mediation_contacted", "Mediation adviser contacted"
        MEDIATION_CERTIFICATE = "mediation_certificate", "Mediation certificate issued"
        APPEAL_LODGED = "appeal_lodged", "Appeal sent to the SEND Tribunal"
        PHASE_TRANSFER = "phase_transfer", "Move to a new phase of education (the date of the move)"
        EXCEPTION = "exception", "Local authority relies on an exception to the time limits (the date it began)"

    class Outcome(models.TextChoices):
        MAINTAIN = "maintain", "Keep the plan as it is"
        AMEND = "amend", "Amend the plan"
        CEASE = "cease", "Stop maintaining the plan"

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="statutory_events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    date = models.DateField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    ground = models.CharField(max_length=30, choices=GROUND_CHOICES, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True)
    transfer = models.CharField(max_length=30, choices=TRANSFER_CHOICES, blank=True)
    mediation = models.CharField(max_length=20, choices=MEDIATION_CHOICES, blank=True)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.date:%d %b %Y}"
