from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "provision_ledger.services"
    label = "services"
    verbose_name = "Services that deliver provision"
