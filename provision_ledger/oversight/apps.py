from django.apps import AppConfig


class OversightConfig(AppConfig):
    """The authority's view across schools: dashboard, open statistics, bulk import, synthetic authorities."""

    name = "provision_ledger.oversight"
