from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from provision_ledger.people.models import User
from provision_ledger.services import actions
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

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Roles given and ended go through the service actions, so each change to who may read a school's records
        is in its authority's chain."""
        by = request.user
        assert isinstance(by, User)
        rows = formset.save(commit=False)
        for role in formset.deleted_objects:
            actions.end_role(role, by=by, reason="Ended by the site administrator")
        for role in rows:
            if role.pk is not None:  # a role changed in place: the old one ends, the new one is given
                actions.end_role(ServiceRole.objects.get(pk=role.pk), by=by, reason="Changed by the site administrator")
            actions.give_role(user=role.user, service=form.instance, role=role.role, by=by)


class CommissionForm(forms.ModelForm):
    class Meta:
        model = Commission
        fields = [
            "service", "school", "commissioner", "commissioner_name", "category", "delivered_by", "lines",
            "start_date", "end_date",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        school, lines = cleaned.get("school"), list(cleaned.get("lines") or [])
        if not (cleaned.get("category") or cleaned.get("delivered_by") or lines):
            self.add_error(None, "Say which lines: name them, or give an area of need or who delivers.")
        elsewhere = [line for line in lines if school is not None and line.plan.child.school_id != school.pk]
        if elsewhere:
            self.add_error("lines", f"{elsewhere[0]} is not a line of a child at {school}.")
        return cleaned


@admin.register(Commission)
class CommissionAdmin(admin.ModelAdmin):
    """A commission is made and ended through its actions, each with its event in the school's authority's chain;
    it is never deleted, so who could reach which lines when stays known."""

    form = CommissionForm
    list_display = ["service", "school", "commissioner_name", "category", "delivered_by", "start_date", "end_date"]
    autocomplete_fields = ["school"]
    raw_id_fields = ["lines"]

    def get_readonly_fields(self, request: HttpRequest, obj: Commission | None = None) -> list[str]:
        if obj is None:
            return []
        return [f for f in CommissionForm.Meta.fields if f != "end_date"]

    def save_model(self, request: HttpRequest, obj: Commission, form: Any, change: bool) -> None:
        assert isinstance(request.user, User)
        if change:
            if "end_date" in form.changed_data and obj.end_date is not None:
                actions.end_commission(
                    commission=Commission.objects.get(pk=obj.pk), end_date=obj.end_date, by=request.user
                )
            return
        saved = actions.commission(
            service=obj.service, school=obj.school, commissioner=obj.commissioner,
            commissioner_name=obj.commissioner_name, category=obj.category, delivered_by=obj.delivered_by,
            start_date=obj.start_date, end_date=obj.end_date, lines=form.cleaned_data.get("lines") or (),
            by=request.user,
        )  # fmt: skip
        obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The action has set the lines; the form's own saving of them would write outside it."""

    def has_delete_permission(self, request: HttpRequest, obj: Commission | None = None) -> bool:
        return False


class CaseloadForm(forms.ModelForm):
    class Meta:
        model = Caseload
        fields = ["service", "practitioner", "child", "start_date"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if all(cleaned.get(f) for f in self.Meta.fields):
            try:
                actions.check_caseload_entry(**{f: cleaned[f] for f in self.Meta.fields})
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(Caseload)
class CaseloadAdmin(admin.ModelAdmin):
    """A child joins a caseload here through its action, which writes the child's trail; entries are then read only
    (a child leaves a caseload through `end_caseload`, never by deleting the entry)."""

    form = CaseloadForm
    list_display = ["child", "practitioner", "service", "start_date", "end_date"]
    autocomplete_fields = ["practitioner", "child"]

    def save_model(self, request: HttpRequest, obj: Caseload, form: Any, change: bool) -> None:
        assert isinstance(request.user, User)
        saved = actions.add_to_caseload(
            service=obj.service, practitioner=obj.practitioner, child=obj.child, start_date=obj.start_date,
            by=request.user,
        )  # fmt: skip
        obj.pk = saved.pk

    def has_change_permission(self, request: HttpRequest, obj: Caseload | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Caseload | None = None) -> bool:
        return False
