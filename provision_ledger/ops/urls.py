from django.urls import path

from provision_ledger.ops import governance, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("privacy/", governance.privacy, name="privacy"),
    path("accessibility/", governance.accessibility, name="accessibility"),
    path(".well-known/security.txt", governance.security_txt, name="security-txt"),
]
