from django.urls import path

from provision_ledger.exports import views

urlpatterns = [
    path("children/<int:child_id>/record.pdf", views.record_pdf, name="record-pdf"),
    path("children/<int:child_id>/sessions.csv", views.record_csv, name="record-csv"),
    path("children/<int:child_id>/record.json", views.record_json, name="record-json"),
]
