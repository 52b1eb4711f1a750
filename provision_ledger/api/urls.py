from django.urls import path

from provision_ledger.api import endpoints, views

urlpatterns = [
    path("api-tokens/", views.token_list, name="api-tokens"),
    path("api-tokens/<int:token_id>/revoke/", views.token_revoke, name="api-token-revoke"),
    path("api/v1/", endpoints.urls()),
]
