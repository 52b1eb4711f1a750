from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

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


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "new_la_code"]


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
