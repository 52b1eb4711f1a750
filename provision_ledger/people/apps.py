from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "provision_ledger.people"
    label = "people"
