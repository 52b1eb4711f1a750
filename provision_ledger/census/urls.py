from django.urls import path

from provision_ledger.census import views

urlpatterns = [
    # /schools/<urn>/
    path("schools/<str:urn>/transfer/", views.transfer_upload, name="transfer-upload"),
    path("schools/<str:urn>/transfer/<int:upload_id>/", views.transfer_check, name="transfer-check"),
    path("schools/<str:urn>/census/", views.census_check, name="census-check"),
    # /children/<id>/
    path("children/<int:child_id>/transfer.xml", views.sen_summary_ctf, name="sen-summary-ctf"),
]
