from django.urls import path

from provision_ledger.wording import views

urlpatterns = [
    path("plans/<int:plan_id>/read/", views.plan_read, name="plan-read"),
    path("statements/<int:statement_id>/void/", views.statement_void, name="statement-void"),
]
