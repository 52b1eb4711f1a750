from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "provision_ledger.core"
    label = "core"
