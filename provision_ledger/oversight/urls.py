from django.urls import path

from provision_ledger.oversight import views

urlpatterns = [
    path("authority/delivery/", views.authority_delivery, name="la-delivery"),
    path("authority/delivery.csv", views.authority_delivery_csv, name="la-delivery-csv"),
    path("authority/delivery/by-month/", views.authority_trend, name="la-delivery-trend"),
    path("authority/open-statistics.zip", views.open_statistics_zip, name="la-open-statistics"),
    path("authority/schools/<str:urn>/", views.authority_school, name="la-school-delivery"),
    # /trusts/<id>/
    path("trusts/<int:trust_id>/delivery/", views.trust_delivery, name="trust-delivery"),
    path("trusts/<int:trust_id>/delivery.csv", views.trust_delivery_csv, name="trust-delivery-csv"),
]
