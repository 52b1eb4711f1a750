from django.contrib import admin

from provision_ledger.services.models import Caseload, Commission, Service, ServiceRole


class ServiceRoleInline(admin.TabularInline):
    model = ServiceRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "kind"]
    search_fields = ["name", "organisation"]
    inlines = [ServiceRoleInline]


@admin.register(Commission)
class CommissionAdmin(admin.ModelAdmin):
    list_display = ["service", "school", "commissioner_name", "category", "delivered_by", "start_date", "end_date"]
    autocomplete_fields = ["school"]
    raw_id_fields = ["lines"]


@admin.register(Caseload)
class CaseloadAdmin(admin.ModelAdmin):
    """Read here; caseloads are kept through their actions, which write the child's trail."""

    list_display = ["child", "practitioner", "service", "start_date", "end_date"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
