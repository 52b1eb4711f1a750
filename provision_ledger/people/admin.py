from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from provision_ledger.people.actions import end_role, give_role, remove_child_link, save_child_link
from provision_ledger.people.models import (
    Child,
    Guardianship,
    LocalAuthority,
    Membership,
    NonTeachingDay,
    School,
    SchoolTerm,
    StaffAssignment,
    User,
)
from provision_ledger.plans.expected import refresh_school


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [MembershipInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Staff roles change through the people actions, so each one given and ended is in the authority's chain."""
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        by = request.user
        assert isinstance(by, User)
        memberships = formset.save(commit=False)
        for membership in formset.deleted_objects:
            end_role(membership, by=by, reason="Ended by the site administrator")
        for membership in memberships:
            give_role(membership, by=by)


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "new_la_code", "region_name"]


class GiasForm(forms.Form):
    establishments = forms.FileField(label="Establishment file (edubasealldata CSV, as GIAS publishes it)")
    links = forms.FileField(label="Links file (predecessors and successors)", required=False)
    dry_run = forms.BooleanField(label="Only show what would change", required=False, initial=True)


class TermInline(admin.TabularInline):
    model = SchoolTerm
    extra = 0


class NonTeachingDayInline(admin.TabularInline):
    model = NonTeachingDay
    extra = 0


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["urn", "laestab", "name", "local_authority", "phase", "status"]
    search_fields = ["urn", "laestab", "name"]
    list_filter = ["status", "phase"]
    readonly_fields = ["laestab"]
    inlines = [TermInline, NonTeachingDayInline]

    change_list_template = "admin/people/school/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        return [
            path("import-gias/", self.admin_site.admin_view(self.import_gias), name="people_school_import_gias"),
            *super().get_urls(),
        ]

    def import_gias(self, request: HttpRequest) -> HttpResponse:
        """The GIAS files uploaded here go through the same import as the command; a dry run is the default."""
        from provision_ledger.oversight.gias import GiasRefused, import_gias

        if not (request.user.is_superuser or request.user.has_perm("people.add_school")):
            raise PermissionDenied
        form = GiasForm(request.POST or None, request.FILES or None)
        report, refused = None, None
        if request.method == "POST" and form.is_valid():
            try:
                report = import_gias(
                    form.cleaned_data["establishments"],
                    links=form.cleaned_data["links"],
                    by=request.user,  # type: ignore[arg-type]
                    dry_run=form.cleaned_data["dry_run"],
                )
            except GiasRefused as error:
                refused = error
        context = {
            **self.admin_site.each_context(request),
            "title": "Import schools from GIAS",
            "opts": self.model._meta,
            "form": form,
            "report": report,
            "refused": refused,
        }
        return TemplateResponse(request, "admin/people/school/import_gias.html", context)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Each line's expected minutes are laid on its school's calendar: once the terms and closures saved here are
        # in, lay the school's lines again, so the authority's figures follow the new calendar.
        refresh_school(form.instance)


class GuardianInline(admin.TabularInline):
    model = Guardianship
    extra = 0
    autocomplete_fields = ["user"]


class AssignmentInline(admin.TabularInline):
    model = StaffAssignment
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Child)
class ChildAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "year_group", "school", "sen_status"]
    list_filter = ["sen_status", "primary_need", "sen_unit", "resourced_provision", "top_up_funding", "school"]
    search_fields = ["first_name", "last_name", "upn"]
    exclude = ["local_authority"]
    inlines = [GuardianInline, AssignmentInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        """A child's school changes only by a move (people.actions.move_child), recorded in both authorities' chains
        with the enrolments it ends and begins: never by editing the child here."""
        return ["school"] if obj is not None else []

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Who may see the child changes through the people actions, so each grant and removal is in the trail."""
        if formset.model not in (Guardianship, StaffAssignment):
            super().save_formset(request, form, formset, change)
            return
        by = request.user
        assert isinstance(by, User)
        links = formset.save(commit=False)
        for link in formset.deleted_objects:
            remove_child_link(link, by=by, reason="Removed by the site administrator")
        for link in links:
            save_child_link(link, by=by)
