from django.urls import path

from provision_ledger.outcomes import views

urlpatterns = [
    # /schools/<urn>/
    path("schools/<str:urn>/progress/", views.school_progress, name="school-progress"),
    # /children/<id>/
    path("children/<int:child_id>/outcomes/", views.child_outcomes, name="child-outcomes"),
    path("children/<int:child_id>/outcomes/new/", views.outcome_create, name="outcome-create"),
    path("children/<int:child_id>/reviews/new/", views.review_create, name="review-create"),
    # /outcomes/<id>/
    path("outcomes/<int:outcome_id>/", views.outcome_detail, name="outcome-detail"),
    path("outcomes/<int:outcome_id>/progress/", views.progress_create, name="progress-create"),
    path("outcomes/<int:outcome_id>/observations/", views.observation_create, name="observation-create"),
    # /progress/<id>/
    path("progress/<int:entry_id>/void/", views.progress_void, name="progress-void"),
    # /reviews/<id>/
    path("reviews/<int:review_id>/", views.review_detail, name="review-detail"),
    path("reviews/<int:review_id>/edit/", views.review_edit, name="review-edit"),
    path("reviews/<int:review_id>/invite/", views.review_invite, name="review-invite"),
    path("reviews/<int:review_id>/views/", views.review_views, name="review-views"),
    path("reviews/<int:review_id>/pack.<str:extension>", views.review_pack_download, name="review-pack"),
]
