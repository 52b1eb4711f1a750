from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "provision_ledger.delivery"
    label = "delivery"
