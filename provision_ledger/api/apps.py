from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "provision_ledger.api"
    label = "api"
    verbose_name = "JSON API"
