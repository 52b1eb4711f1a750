from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "provision_ledger.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes, progress and reviews"
