from django.apps import AppConfig


class CensusConfig(AppConfig):
    name = "provision_ledger.census"
    label = "census"
    verbose_name = "Census and transfers"
