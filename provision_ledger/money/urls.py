from django.urls import path

from provision_ledger.money import views

urlpatterns = [
    path("authority/rates/", views.la_rates, name="la-rates"),
    path("authority/spend/", views.authority_spend, name="authority-spend"),
    path("trusts/<int:trust_id>/spend/", views.trust_spend, name="trust-spend"),
    path("my-time/", views.time_logs, name="time-logs"),
    # /schools/<urn>/
    path("schools/<str:urn>/rates/", views.school_rates, name="school-rates"),
    path("schools/<str:urn>/provision-map/", views.provision_map, name="provision-map"),
    path("schools/<str:urn>/provision-map.csv", views.provision_map_csv, name="provision-map-csv"),
    path("schools/<str:urn>/provision-map.xlsx", views.provision_map_xlsx, name="provision-map-xlsx"),
    # /children/<id>/
    path("children/<int:child_id>/funding/", views.child_funding, name="child-funding"),
    path("children/<int:child_id>/funding/edit/", views.child_funding_edit, name="child-funding-edit"),
    path("children/<int:child_id>/cost-statement.pdf", views.cost_statement_pdf, name="cost-statement-pdf"),
    path("children/<int:child_id>/support-time/", views.support_time, name="support-time"),
    path("children/<int:child_id>/allocations/", views.allocation_edit, name="allocation-edit"),
    path("children/<int:child_id>/time/", views.time_log, name="time-log"),
    path("children/<int:child_id>/items/", views.child_items, name="child-items"),
    # /items/<id>/
    path("items/<int:item_id>/void/", views.child_item_void, name="child-item-void"),
    # /allocations/<id>/
    path("allocations/<int:allocation_id>/end/", views.allocation_end, name="allocation-end"),
]
