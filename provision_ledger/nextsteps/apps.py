from django.apps import AppConfig


class NextstepsConfig(AppConfig):
    name = "provision_ledger.nextsteps"
    label = "nextsteps"
