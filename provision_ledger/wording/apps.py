from django.apps import AppConfig


class WordingConfig(AppConfig):
    name = "provision_ledger.wording"
    label = "wording"
