"""A route that fails with a child's details in its message, locals and request, for the error-reporting tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from provision_ledger.people.models import Child
from provision_ledger.urls import urlpatterns as ledger_urlpatterns


def fail(request: HttpRequest, child_id: int) -> HttpResponse:
    child = Child.objects.get(pk=child_id)
    full_name = f"{child.first_name} {child.last_name}"  # a local variable holding the name
    raise ValueError(f"Could not draw the statement for {full_name}, born {child.date_of_birth}")


urlpatterns = [path("fail/<int:child_id>/", fail, name="fail"), *ledger_urlpatterns]
