from django.apps import AppConfig


class ParentsConfig(AppConfig):
    name = "provision_ledger.parents"
    label = "parents"
