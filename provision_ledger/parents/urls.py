from django.urls import path

from provision_ledger.parents import views

urlpatterns = [
    path("invitations/<str:token>/", views.accept_invitation, name="invitation-accept"),
    path("account/alerts/", views.alert_preferences, name="alert-preferences"),
    path("account/calendar/", views.calendar_settings, name="calendar-settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    # /children/<id>/
    path("children/<int:child_id>/invite/", views.invite, name="parent-invite"),
    path("children/<int:child_id>/concerns/", views.concerns, name="concerns"),
    # /concerns/<id>/
    path("concerns/<int:concern_id>/", views.concern_detail, name="concern-detail"),
]
