from django.urls import path

from provision_ledger.people import views

urlpatterns = [
    # /children/<id>/
    path("children/<int:child_id>/move/", views.child_move, name="child-move"),
    path("children/<int:child_id>/earlier/", views.child_earlier, name="child-earlier"),
    path("children/<int:child_id>/move/undo/", views.move_void, name="move-void"),
    # /plan-proposals/<id>/
    path("plan-proposals/<int:proposal_id>/adopt/", views.proposal_adopt, name="proposal-adopt"),
]
