import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def from_the_session(apps, schema_editor):
    """Each key already kept belongs to its session's authority."""
    ClientKey = apps.get_model("api", "ClientKey")
    Session = apps.get_model("delivery", "Session")
    ClientKey.objects.filter(local_authority__isnull=True).update(
        local_authority_id=Subquery(Session.objects.filter(pk=OuterRef("session_id")).values("local_authority_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("delivery", "0005_authority_leads_unique_constraints"),
        ("people", "0003_authority_region"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="clientkey", name="one_session_per_client_key"),
        migrations.AddField(
            model_name="clientkey",
            name="local_authority",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="people.localauthority"
            ),
        ),
        migrations.RunPython(from_the_session, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="clientkey",
            name="local_authority",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="people.localauthority"
            ),
        ),
        migrations.AlterField(
            model_name="clientkey",
            name="session",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="client_keys", to="delivery.session"
            ),
        ),
        migrations.AddConstraint(
            model_name="clientkey",
            constraint=models.UniqueConstraint(
                fields=("local_authority", "school", "key"), name="one_session_per_client_key"
            ),
        ),
        migrations.AddConstraint(
            model_name="clientkey",
            constraint=models.UniqueConstraint(fields=("local_authority", "session"), name="one_client_key_per_session"),
        ),
    ]
