"""The schema stays ready to be spread across machines by authority (docs/scaling.md, "Past one machine").

Under Citus, `local_authority` is the distribution column: each large table carries it, and each unique constraint
on a large table includes it, since a distributed table can only enforce uniqueness within one authority's shard.
A table hanging off a child's record is large unless it is named here with the reason."""

from __future__ import annotations

from django.apps import apps
from django.db import models

# Tables that grow with the children, sessions and reads of an authority.
LARGE = {
    "people.Child",
    "plans.Plan",
    "plans.ProvisionLine",
    "plans.ExpectedMonth",
    "delivery.Session",
    "delivery.LineMonth",
    "audit.AuditEvent",
    "audit.RecordView",
    "parents.Concern",
    "nextsteps.Letter",
    "nextsteps.StatutoryEvent",
    "outcomes.Outcome",
    "outcomes.ProgressEntry",
    "outcomes.Review",
    "money.Allocation",
    "money.TimeBlock",
    "money.ChildFunding",
    "money.ChildItem",
    "census.SenStatusRecord",
    "census.NeedRecord",
    "api.ClientKey",
    "wording.PlanStatement",
    "people.Enrolment",
    "plans.PlanProposal",
}
# Hanging off the record without the column, each for the reason docs/scaling.md gives.
WITHOUT_THE_COLUMN = {
    "plans.LineVersion": "sealed rows: adding the column changes every seal, so it is added with a re-seal",
    "parents.ConcernMessage": "sealed rows: as line versions",
    "people.StaffAssignment": "who may see a child: a few rows a child, colocated through the child",
    "people.Guardianship": "who may see a child: a few rows a child, colocated through the child",
    "services.Caseload": "who may see a child: a practitioner's few rows a child, colocated through the child",
    "family.SchoolLink": "one row a family-kept child, which belongs to the family, not to any authority",
    "parents.Invitation": "a few rows a child, looked up by the token in the link",
    "parents.Alert": "belongs to the person told, who may have children in two authorities",
}
# Large, with the column, but a child's rows of them span authorities when the child moves: their uniqueness is per
# child (one open enrolment, one open proposal), which a shard cannot hold; docs/scaling.md names them.
ACROSS_AUTHORITIES = {
    "people.Enrolment": "one open enrolment a child, in whichever authority",
    "plans.PlanProposal": "one open proposal a child, made by the school they moved to",
}
RECORD_ROOTS = ("people.Child", "delivery.Session", "plans.ProvisionLine", "plans.Plan")


def _model(label: str) -> type[models.Model]:
    return apps.get_model(label)


def _uniques(model: type[models.Model]) -> list[tuple[str, ...]]:
    found = [tuple(c.fields) for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)]
    found += [tuple(t) for t in model._meta.unique_together]
    found += [(f.name,) for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    return found


def test_every_large_table_carries_its_authority():
    missing = set()
    for label in LARGE:
        field = next((f for f in _model(label)._meta.concrete_fields if f.name == "local_authority"), None)
        if field is None or field.null or field.related_model is not _model("people.LocalAuthority"):
            missing.add(label)
    assert missing == set()


def test_every_unique_constraint_on_a_large_table_includes_the_authority():
    without = {
        (label, fields)
        for label in LARGE - set(ACROSS_AUTHORITIES)
        for fields in _uniques(_model(label))
        if "local_authority" not in fields
    }
    assert without == set()


def test_every_table_hanging_off_a_childs_record_is_large_or_named_with_its_reason():
    roots = {_model(label) for label in RECORD_ROOTS}
    hanging = {
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("provision_ledger")
        and any(f.is_relation and f.many_to_one and f.related_model in roots for f in model._meta.concrete_fields)
    }
    assert hanging - LARGE - set(WITHOUT_THE_COLUMN) == set()
