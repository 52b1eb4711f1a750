"""The URL map: each app keeps its own routes; this file only puts them together."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("provision_ledger.ops.urls")),
    path("", include("provision_ledger.accounts.urls")),
    path("", include("provision_ledger.core.urls")),
    path("", include("provision_ledger.people.urls")),
    path("", include("provision_ledger.parents.urls")),
    path("", include("provision_ledger.oversight.urls")),
    path("", include("provision_ledger.services.urls")),
    path("", include("provision_ledger.census.urls")),
    path("", include("provision_ledger.exports.urls")),
    path("", include("provision_ledger.nextsteps.urls")),
    path("", include("provision_ledger.plans.urls")),
    path("", include("provision_ledger.wording.urls")),
    path("", include("provision_ledger.delivery.urls")),
    path("", include("provision_ledger.money.urls")),
    path("", include("provision_ledger.outcomes.urls")),
    path("", include("provision_ledger.family.urls")),
    path("", include("provision_ledger.api.urls")),
    path("admin/", admin.site.urls),
]
