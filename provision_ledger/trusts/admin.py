from django.contrib import admin

from provision_ledger.trusts.models import Trust, TrustRole, TrustSchool


class TrustSchoolInline(admin.TabularInline):
    model = TrustSchool
    extra = 0
    autocomplete_fields = ["school"]


class TrustRoleInline(admin.TabularInline):
    model = TrustRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Trust)
class TrustAdmin(admin.ModelAdmin):
    list_display = ["name", "group_uid", "companies_house_number"]
    search_fields = ["name", "group_uid", "companies_house_number"]
    inlines = [TrustSchoolInline, TrustRoleInline]
