from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from provision_ledger.people.models import User
from provision_ledger.trusts import actions
from provision_ledger.trusts.models import Trust, TrustRole, TrustSchool


class TrustSchoolInline(admin.TabularInline):
    model = TrustSchool
    extra = 0
    autocomplete_fields = ["school"]
    can_delete = False  # a school leaves a trust on a day (left on), so who ran it when stays known


class TrustRoleInline(admin.TabularInline):
    model = TrustRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Trust)
class TrustAdmin(admin.ModelAdmin):
    list_display = ["name", "group_uid", "companies_house_number"]
    search_fields = ["name", "group_uid", "companies_house_number"]
    inlines = [TrustSchoolInline, TrustRoleInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Schools joining and leaving, and roles given and ended, go through the trust actions, so each change to
        who may read a school's records is in its authority's chain."""
        by = request.user
        assert isinstance(by, User)
        trust = form.instance
        rows = formset.save(commit=False)
        if formset.model is TrustRole:
            for role in formset.deleted_objects:
                actions.end_role(role, by=by, reason="Ended by the site administrator")
            for role in rows:
                if role.pk is not None:  # a role changed in place: the old one ends, the new one is given
                    actions.end_role(
                        TrustRole.objects.get(pk=role.pk), by=by, reason="Changed by the site administrator"
                    )
                actions.give_role(user=role.user, trust=trust, role=role.role, by=by)
            return
        for link in rows:
            if link.pk is None:
                actions.add_school(trust=trust, school=link.school, joined_on=link.joined_on, by=by)
            elif link.left_on is not None:
                actions.remove_school(link=TrustSchool.objects.get(pk=link.pk), left_on=link.left_on, by=by)
