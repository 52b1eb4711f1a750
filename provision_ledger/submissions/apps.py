from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "provision_ledger.submissions"
    label = "submissions"
    verbose_name = "Forms sent once"
