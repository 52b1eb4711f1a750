from django.apps import AppConfig


class TrustsConfig(AppConfig):
    name = "provision_ledger.trusts"
    label = "trusts"
    verbose_name = "Trusts"
