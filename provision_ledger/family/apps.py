from django.apps import AppConfig


class FamilyConfig(AppConfig):
    name = "provision_ledger.family"
    label = "family"
    verbose_name = "The family's own record"
