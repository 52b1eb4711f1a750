from django.urls import path

from provision_ledger.delivery import views

urlpatterns = [
    path("today/", views.register, name="register"),
    path("today/record/", views.register_record, name="register-record"),
    # /lines/<id>/
    path("lines/<int:line_id>/", views.line_detail, name="line-detail"),
    path("lines/<int:line_id>/sessions/new/", views.session_create, name="session-create"),
    # /sessions/<id>/
    path("sessions/<int:session_id>/void/", views.session_void, name="session-void"),
    path("sessions/<int:session_id>/correct/", views.session_correct, name="session-correct"),
]
