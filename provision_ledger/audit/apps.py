from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "provision_ledger.audit"
    label = "audit"
