"""Addresses saved before they were stored in lower case are put in lower case, so their people can still sign in.

Sign-in, invitations and the uniqueness of an account read an address in lower case (people.models). An account
saved earlier as "Sam.Lee@School.Test" would otherwise never be found again. Where another account already holds the
same address in lower case, both are left as they are: which of the two is the person's is for an administrator to
decide, not a migration.
"""

from django.db import migrations
from django.db.models.functions import Lower


def lower_case_addresses(apps, schema_editor):
    User = apps.get_model("people", "User")
    taken = set(User.objects.filter(email=Lower("email")).values_list("email", flat=True))
    for pk, email in User.objects.exclude(email=Lower("email")).values_list("pk", "email"):
        lower = email.strip().lower()
        if lower not in taken:
            User.objects.filter(pk=pk).update(email=lower)
            taken.add(lower)


class Migration(migrations.Migration):
    dependencies = [("people", "0008_school_unrecorded_owed")]

    operations = [migrations.RunPython(lower_case_addresses, migrations.RunPython.noop)]
