from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the service: the production server, health, logs, scheduled jobs."""

    name = "provision_ledger.ops"
    label = "ops"

    def ready(self) -> None:
        from provision_ledger.ops import checks  # noqa: F401  (registers the production settings check)
