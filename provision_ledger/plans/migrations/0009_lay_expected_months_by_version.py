"""Every line's expected months laid again, each version's days apart, as `provision-ledger refresh-expected` lays
them.

In a migration of its own, after the change to the table: the laying is the code's work as the code now stands, not
the historical models'. Should a later change to the code stop it running on a database upgraded long after this,
`migrate plans 0009 --fake` then `provision-ledger refresh-expected` does the same.
"""

from django.db import migrations

BATCH = 2000


def lay_every_line(apps, schema_editor):
    # A new database has no lines: nothing to lay, and nothing here reads the tables as the code now models them.
    if not apps.get_model("plans", "ProvisionLine").objects.exists():
        return
    # The rules lay the months, and they live in the code, not in the historical models: this is the command's work,
    # done once here so the authority's figures are whole as soon as the upgrade is.
    from provision_ledger.plans.expected import refresh_expected
    from provision_ledger.plans.models import ProvisionLine

    ids = list(ProvisionLine.objects.order_by("pk").values_list("pk", flat=True))
    for i in range(0, len(ids), BATCH):
        refresh_expected(ProvisionLine.objects.filter(pk__in=ids[i : i + BATCH]).only("pk"))


class Migration(migrations.Migration):
    dependencies = [
        # The code that lays the months reads children, their enrolments and their schools' calendars as they
        # are now.
        ("people", "0009_email_addresses_in_lower_case"),
        ("plans", "0008_expected_months_by_version"),
    ]

    operations = [migrations.RunPython(lay_every_line, migrations.RunPython.noop)]
