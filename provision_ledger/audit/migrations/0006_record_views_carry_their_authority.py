import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def from_the_child(apps, schema_editor):
    """Each read already logged belongs to its child's authority."""
    RecordView = apps.get_model("audit", "RecordView")
    Child = apps.get_model("people", "Child")
    RecordView.objects.filter(local_authority__isnull=True).update(
        local_authority_id=Subquery(Child.objects.filter(pk=OuterRef("child_id")).values("local_authority_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_client_address"),
        ("people", "0003_authority_region"),
    ]

    operations = [
        migrations.AddField(
            model_name="recordview",
            name="local_authority",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="people.localauthority",
            ),
        ),
        migrations.RunPython(from_the_child, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="recordview",
            name="local_authority",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="people.localauthority",
            ),
        ),
    ]
