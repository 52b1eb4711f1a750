"""Expected months are held apart by line version, so a month with an amendment in it is costed at each version's
terms for its own days.

The table is derived, never typed in: it is emptied here, given the version, and laid again by the next migration.
Going back empties it too (the older rows cannot hold a month's versions apart); `provision-ledger refresh-expected`
then lays it as the older code does.
"""

import django.db.models.deletion
from django.db import migrations, models


def empty(apps, schema_editor):
    apps.get_model("plans", "ExpectedMonth").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0007_proposal_withdrawn"),
    ]

    operations = [
        # Before the column is added: a column that may not be empty cannot be added to rows that exist.
        migrations.RunPython(empty, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="expectedmonth", name="one_expected_row_per_line_month"),
        migrations.AddField(
            model_name="expectedmonth",
            name="version",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="plans.lineversion",
            ),
            preserve_default=False,
        ),
        # Going back, before the column goes and the narrower constraint returns: a split month would break it.
        migrations.RunPython(migrations.RunPython.noop, empty),
        migrations.AddConstraint(
            model_name="expectedmonth",
            constraint=models.UniqueConstraint(
                fields=("local_authority", "line", "month", "version"), name="one_expected_row_per_line_month_version"
            ),
        ),
        migrations.AlterModelOptions(name="expectedmonth", options={"ordering": ["line", "month", "version"]}),
    ]
