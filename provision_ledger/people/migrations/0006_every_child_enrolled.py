"""Every child already in the record gets one open enrolment at their school.

Its start is the earliest date the record holds for the child: the start of any of their plans, the date of any of
their sessions, or the day of their first audit event. A child with none of these starts on the day this migration
runs (the record knows nothing of them before it). Nothing before the first enrolment belongs to any other school, so
the first enrolment holds it either way (people.models.Enrolment).
"""

from django.db import migrations
from django.db.models import Min
from django.utils import timezone


def enrol_every_child(apps, schema_editor):
    Child = apps.get_model("people", "Child")
    Enrolment = apps.get_model("people", "Enrolment")
    Plan = apps.get_model("plans", "Plan")
    Session = apps.get_model("delivery", "Session")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    today = timezone.localdate()
    earliest: dict[int, object] = {}

    def note(rows):
        for child_id, day in rows:
            if day is not None and (child_id not in earliest or day < earliest[child_id]):
                earliest[child_id] = day

    note(Plan.objects.values("child_id").annotate(first=Min("start_date")).values_list("child_id", "first"))
    note(Session.objects.values("child_id").annotate(first=Min("date")).values_list("child_id", "first"))
    first_events = AuditEvent.objects.values("child_id").annotate(first=Min("at")).values_list("child_id", "first")
    note((child_id, timezone.localdate(at)) for child_id, at in first_events)
    enrolled = set(Enrolment.objects.values_list("child_id", flat=True))
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                local_authority_id=local_authority_id,
                child_id=pk,
                school_id=school_id,
                started_on=min(earliest.get(pk, today), today),
            )
            for pk, school_id, local_authority_id in Child.objects.values_list("pk", "school_id", "local_authority_id")
            if pk not in enrolled
        ],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_enrolment"),
        ("plans", "0006_planproposal"),
        ("delivery", "0005_authority_leads_unique_constraints"),
        ("audit", "0006_record_views_carry_their_authority"),
    ]

    operations = [migrations.RunPython(enrol_every_child, migrations.RunPython.noop)]
