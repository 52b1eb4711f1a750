from django.urls import path

from provision_ledger.services import views

urlpatterns = [
    path("services/<int:service_id>/", views.service_delivery, name="service-delivery"),
    path("schools/<str:urn>/services/", views.school_services, name="school-services"),
]
