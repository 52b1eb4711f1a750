from django.urls import path

from provision_ledger.plans import views

urlpatterns = [
    path("children/<int:child_id>/plans/new/", views.plan_create, name="plan-create"),
    # /plans/<id>/
    path("plans/<int:plan_id>/edit/", views.plan_edit, name="plan-edit"),
    path("plans/<int:plan_id>/lines/new/", views.line_create, name="line-create"),
    # /lines/<id>/
    path("lines/<int:line_id>/amend/", views.line_amend, name="line-amend"),
    path("lines/<int:line_id>/void/", views.line_void, name="line-void"),
]
