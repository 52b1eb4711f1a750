from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "provision_ledger.plans"
    label = "plans"
