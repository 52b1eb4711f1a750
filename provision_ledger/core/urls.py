from django.urls import path

from provision_ledger.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("authority/", views.la_overview, name="la-overview"),
    path("schools/<str:urn>/", views.school_detail, name="school-overview"),
    # /children/<id>/
    path("children/<int:child_id>/", views.child_detail, name="child-detail"),
    path("children/<int:child_id>/history/", views.child_history, name="child-history"),
    path("children/<int:child_id>/disability/", views.child_disability, name="child-disability"),
    path("children/<int:child_id>/views/", views.record_views, name="record-views"),
]
