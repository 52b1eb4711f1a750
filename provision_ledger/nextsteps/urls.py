from django.urls import path

from provision_ledger.nextsteps import views

urlpatterns = [
    # /children/<id>/
    path("children/<int:child_id>/letters/<str:kind>/", views.write_letter, name="letter-write"),
    path("children/<int:child_id>/deadlines/", views.statutory_events, name="statutory-events"),
    # /letters/<id>/
    path("letters/<int:letter_id>/", views.letter_detail, name="letter-detail"),
    path("letters/<int:letter_id>/letter.<str:extension>", views.letter_download, name="letter-download"),
]
