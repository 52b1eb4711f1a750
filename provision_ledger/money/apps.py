from django.apps import AppConfig


class MoneyConfig(AppConfig):
    name = "provision_ledger.money"
    label = "money"
    verbose_name = "Money and minutes"
