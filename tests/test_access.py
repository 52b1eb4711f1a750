"""Every route, for every role, against a record in reach and one out of reach."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from provision_ledger.api.actions import issue_token
from provision_ledger.api.models import ApiToken
from provision_ledger.census.models import CtfUpload
from provision_ledger.core import access
from provision_ledger.core.access import Permission
from provision_ledger.delivery.models import Session
from provision_ledger.money.actions import add_allocation, add_child_item, save_item_price
from provision_ledger.money.models import Allocation, ChildItem
from provision_ledger.nextsteps.models import Letter
from provision_ledger.outcomes.actions import create_review
from provision_ledger.outcomes.models import Outcome, ProgressEntry, Review
from provision_ledger.parents.actions import raise_concern
from provision_ledger.parents.models import Concern
from provision_ledger.people.models import Child, School, User
from provision_ledger.plans.models import Plan, PlanProposal, ProvisionLine
from provision_ledger.services.models import Service
from provision_ledger.trusts.models import Trust, TrustRole
from provision_ledger.wording.actions import LeftOut, add_confirmed_lines
from provision_ledger.wording.models import PlanStatement
from tests.factories import (
    make_child,
    make_commission,
    make_la,
    make_la_officer,
    make_line,
    make_outcome,
    make_parent,
    make_plan,
    make_practitioner,
    make_progress,
    make_school,
    make_senco,
    make_service,
    make_service_manager,
    make_session,
    make_staff,
    make_trust,
    make_trust_lead,
)

pytestmark = pytest.mark.django_db


@dataclass
class Record:
    school: School
    child: Child
    plan: Plan
    line: ProvisionLine
    session: Session
    concern: Concern
    letter: Letter
    allocation: Allocation
    item: ChildItem
    token: ApiToken
    outcome: Outcome
    entry: ProgressEntry
    review: Review
    upload: CtfUpload
    proposal: PlanProposal
    trust: Trust | None = None
    service: Service | None = None
    statement: PlanStatement | None = None


def _record(school: School, senco: User, first_name: str) -> Record:
    child = make_child(school, first_name=first_name)
    plan = make_plan(child, senco)
    line = make_line(plan, senco)
    session = make_session(line, senco, date(2025, 9, 10))
    concern = raise_concern(child=child, by=senco, subject="Group", body="Did he go?", session=session)
    letter = Letter.objects.create(
        local_authority_id=child.local_authority_id,
        child=child,
        kind="ask_school_to_reinstate",
        addressee="SENCO",
        subject="Please reinstate",
        body="...",
        sent_on=date(2025, 9, 12),
        written_by=senco,
    )
    allocation = add_allocation(
        child=child,
        staff=make_staff(school, child),
        role="ta",
        weekly_minutes=600,
        timetable=[],
        start_date=date(2025, 9, 1),
        by=senco,
    )
    price = save_item_price(
        year=2025, name="Talk Boost licence", pounds=Decimal(300), source="", school=school, by=senco
    )
    item = add_child_item(child=child, year=2025, item=price, quantity=1, note="", by=senco)
    token, _ = issue_token(by=senco, name=f"{first_name} MIS", school=school)
    outcome = make_outcome(plan, senco, line)
    entry = make_progress(outcome, senco, date(2025, 9, 15), 3)
    review = create_review(plan=plan, by=senco, meeting_date=date(2026, 6, 1), period_start=plan.start_date)
    upload = CtfUpload.objects.create(school=school, uploaded_by=senco, filename="ctf.xml", data=b"<CTfile/>")
    add_confirmed_lines(plan=plan, by=senco, lines=[], left_out=[LeftOut("Support as needed", False, "provision", "")])
    # A school's plan a child brought from a school they left (people.actions.move_child writes these).
    proposal = PlanProposal.objects.create(
        local_authority_id=child.local_authority_id, child=child, plan=plan, school=school, proposed_on=plan.start_date
    )
    return Record(
        school,
        child,
        plan,
        line,
        session,
        concern,
        letter,
        allocation,
        item,
        token,
        outcome,
        entry,
        review,
        upload,
        proposal,
        statement=PlanStatement.objects.get(plan=plan),
    )


@pytest.fixture
def world():
    """Two schools in one authority and a third in another; a record in each; one person in each role."""
    north, south = make_la("North"), make_la("South")
    school_a, school_b, school_c = make_school(north), make_school(north), make_school(south)
    senco_a, senco_b, senco_c = make_senco(school_a), make_senco(school_b), make_senco(school_c)
    own = _record(school_a, senco_a, "Own")
    same_school = _record(school_a, senco_a, "Neighbour")
    other_school = _record(school_b, senco_b, "Other")
    other_la = _record(school_c, senco_c, "Far")
    # A trust across both authorities runs school A and school C; another trust runs school B.
    trust_ac, trust_b = make_trust(school_a, school_c), make_trust(school_b, name="Hill Trust")
    own.trust = same_school.trust = other_la.trust = trust_ac
    other_school.trust = trust_b
    # A service commissioned at each school; its practitioner has only the own child on their caseload.
    service_a, service_b, service_c = make_service(), make_service("Occupational therapy"), make_service("Far SALT")
    for school, service in ((school_a, service_a), (school_b, service_b), (school_c, service_c)):
        make_commission(service, school)
    own.service = same_school.service = service_a
    other_school.service, other_la.service = service_b, service_c
    return {
        "own": own,
        "same_school": same_school,
        "other_school": other_school,
        "other_la": other_la,
        "users": {
            "parent": make_parent(own.child),
            "staff": make_staff(school_a, own.child),
            "senco": senco_a,
            "la_officer": make_la_officer(north),
            "trust_lead": make_trust_lead(trust_ac),
            "trust_rates": make_trust_lead(trust_ac, TrustRole.Role.RATES),
            "service_manager": make_service_manager(service_a),
            "practitioner": make_practitioner(service_a, own.child, by=senco_a),
        },
    }


# Each route with the arguments it takes from a record.
ROUTES = {
    "school-overview": lambda r: {"urn": r.school.urn},
    "transfer-upload": lambda r: {"urn": r.school.urn},
    "transfer-check": lambda r: {"urn": r.school.urn, "upload_id": r.upload.pk},
    "census-check": lambda r: {"urn": r.school.urn},
    "sen-summary-ctf": lambda r: {"child_id": r.child.pk},
    "child-detail": lambda r: {"child_id": r.child.pk},
    "child-history": lambda r: {"child_id": r.child.pk},
    "child-disability": lambda r: {"child_id": r.child.pk},
    "child-move": lambda r: {"child_id": r.child.pk},
    "child-earlier": lambda r: {"child_id": r.child.pk},
    "move-void": lambda r: {"child_id": r.child.pk},
    "proposal-adopt": lambda r: {"proposal_id": r.proposal.pk},
    "record-views": lambda r: {"child_id": r.child.pk},
    "plan-create": lambda r: {"child_id": r.child.pk},
    "plan-edit": lambda r: {"plan_id": r.plan.pk},
    "line-create": lambda r: {"plan_id": r.plan.pk},
    "plan-read": lambda r: {"plan_id": r.plan.pk},
    "statement-void": lambda r: {"statement_id": r.statement.pk},
    "line-detail": lambda r: {"line_id": r.line.pk},
    "line-amend": lambda r: {"line_id": r.line.pk},
    "line-void": lambda r: {"line_id": r.line.pk},
    "session-create": lambda r: {"line_id": r.line.pk},
    "session-void": lambda r: {"session_id": r.session.pk},
    "session-correct": lambda r: {"session_id": r.session.pk},
    "parent-invite": lambda r: {"child_id": r.child.pk},
    "concerns": lambda r: {"child_id": r.child.pk},
    "concern-detail": lambda r: {"concern_id": r.concern.pk},
    "record-pdf": lambda r: {"child_id": r.child.pk},
    "record-csv": lambda r: {"child_id": r.child.pk},
    "record-json": lambda r: {"child_id": r.child.pk},
    "letter-write": lambda r: {"child_id": r.child.pk, "kind": "ask_school_to_reinstate"},
    "statutory-events": lambda r: {"child_id": r.child.pk},
    "letter-detail": lambda r: {"letter_id": r.letter.pk},
    "letter-download": lambda r: {"letter_id": r.letter.pk, "extension": "pdf"},
    "school-rates": lambda r: {"urn": r.school.urn},
    "provision-map": lambda r: {"urn": r.school.urn},
    "provision-map-csv": lambda r: {"urn": r.school.urn},
    "provision-map-xlsx": lambda r: {"urn": r.school.urn},
    "child-funding": lambda r: {"child_id": r.child.pk},
    "child-funding-edit": lambda r: {"child_id": r.child.pk},
    "cost-statement-pdf": lambda r: {"child_id": r.child.pk},
    "support-time": lambda r: {"child_id": r.child.pk},
    "allocation-edit": lambda r: {"child_id": r.child.pk},
    "time-log": lambda r: {"child_id": r.child.pk},
    "allocation-end": lambda r: {"allocation_id": r.allocation.pk},
    "child-items": lambda r: {"child_id": r.child.pk},
    "child-item-void": lambda r: {"item_id": r.item.pk},
    "api-token-revoke": lambda r: {"token_id": r.token.pk},
    "school-progress": lambda r: {"urn": r.school.urn},
    "child-outcomes": lambda r: {"child_id": r.child.pk},
    "outcome-create": lambda r: {"child_id": r.child.pk},
    "review-create": lambda r: {"child_id": r.child.pk},
    "outcome-detail": lambda r: {"outcome_id": r.outcome.pk},
    "progress-create": lambda r: {"outcome_id": r.outcome.pk},
    "observation-create": lambda r: {"outcome_id": r.outcome.pk},
    "progress-void": lambda r: {"entry_id": r.entry.pk},
    "review-detail": lambda r: {"review_id": r.review.pk},
    "review-edit": lambda r: {"review_id": r.review.pk},
    "review-invite": lambda r: {"review_id": r.review.pk},
    "review-views": lambda r: {"review_id": r.review.pk},
    "review-pack": lambda r: {"review_id": r.review.pk, "extension": "pdf"},
    "la-school-delivery": lambda r: {"urn": r.school.urn},
    "school-services": lambda r: {"urn": r.school.urn},
    "trust-delivery": lambda r: {"trust_id": r.trust.pk},
    "trust-delivery-csv": lambda r: {"trust_id": r.trust.pk},
    "trust-spend": lambda r: {"trust_id": r.trust.pk},
    "service-delivery": lambda r: {"service_id": r.service.pk},
}
# A trust's pages: its delivery for its SEND lead; its spend for its SEND lead and its rates manager.
TRUST = {"trust-delivery", "trust-delivery-csv"}
VIEW = {
    "child-detail",
    "child-history",
    "line-detail",
    "concerns",
    "concern-detail",
    "statutory-events",
    "child-outcomes",
    "outcome-detail",
}
# A parent's letters are theirs alone: out of everyone else's sight.
LETTERS = {"letter-detail", "letter-download"}
LOG = {"session-create", "session-correct", "time-log", "progress-create"}
MANAGE = {
    "sen-summary-ctf",
    "child-disability",
    "child-move",
    "proposal-adopt",
    "plan-create",
    "plan-edit",
    "line-create",
    "plan-read",
    "statement-void",
    "line-amend",
    "line-void",
    "session-void",
    "parent-invite",
    "child-funding-edit",
    "allocation-edit",
    "allocation-end",
    "child-items",
    "child-item-void",
    "outcome-create",
    "review-create",
    "progress-void",
    "review-edit",
    "review-invite",
}
# Taking in transfer files and checking before census day are the SENCO's: the authority reaches the school but may
# not, and staff and parents do not reach it.
SCHOOL_MANAGE = {"transfer-upload", "transfer-check", "census-check"}
# A school's money is seen by its SENCO and its authority; staff and parents do not reach the school.
SCHOOL_MONEY = {"school-rates", "provision-map", "provision-map-csv", "provision-map-xlsx", "school-progress"}
# A child's funding is seen by the school, the authority and the family, not by the staff who deliver it.
# The review pack carries costs, so it follows the same reach.
FUNDING = {"child-funding", "cost-statement-pdf", "support-time", "review-detail", "review-pack"}
# Observations from home are the family's; views for a review are given by the family or taken down by the school.
OBSERVE = {"observation-create"}
REVIEW_VIEWS = {"review-views"}
RECORD = {"record-pdf", "record-csv", "record-json", "record-views"}
# A school's API tokens are managed by its SENCO alone.
TOKENS = {"api-token-revoke"}
# Routes that take no record: each shows only what the person may see, or is for signing in.
UNSCOPED = {
    "home",
    # Health for monitors: open to anyone, reading no record (tests/test_health.py).
    "healthz",
    "readyz",
    # The privacy notice, accessibility statement and security.txt (tests/test_governance.py).
    "privacy",
    "accessibility",
    "security-txt",
    "login",
    "logout",
    "la-overview",
    "register",
    "register-record",
    "alert-preferences",
    "account-close",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "invitation-accept",
    "calendar-settings",
    "calendar-feed",
    "la-rates",
    "authority-spend",
    "time-logs",
    "api-tokens",
    "two-factor-verify",
    "two-factor-setup",
    "two-factor-off",
    "la-delivery",
    "la-delivery-csv",
    "la-delivery-trend",
    "la-open-statistics",
}


def _expected_on_own(role: str, route: str) -> int:
    """The status a role gets on the record it is entitled to (the own child of school A, in North)."""
    if route in ("child-earlier", "move-void"):
        # A school's time with a child who left it, and undoing a move: the own child has not moved
        # (tests/test_moving_access.py has a child who did).
        return 404
    if route in TRUST:
        return {"trust_lead": 200, "trust_rates": 403}.get(role, 404)
    if route == "trust-spend":
        return 200 if role in ("trust_lead", "trust_rates") else 404
    if route == "service-delivery":
        return {"service_manager": 200, "practitioner": 403}.get(role, 404)
    if role == "trust_rates":
        # A trust's rates manager reaches its schools' rates, and nothing of their children.
        return 200 if route == "school-rates" else 404
    if role == "service_manager":
        return 404
    if role == "practitioner":
        # The practitioner reaches the commissioned line of a child on their caseload: read it, log its sessions.
        if route in ("line-detail", "session-create", "session-correct"):
            return 200
        return 403 if route in ("line-amend", "line-void", "session-void") else 404
    if route == "la-school-delivery":
        # The authority's pages are its officers': a SENCO reaches the school but may not read them.
        return {"la_officer": 200, "senco": 403, "trust_lead": 403}.get(role, 404)
    if route in SCHOOL_MANAGE:
        return {"senco": 200, "la_officer": 403, "trust_lead": 403}.get(role, 404)
    if route in ("school-overview", "school-services") or route in SCHOOL_MONEY:
        return 200 if role in ("senco", "la_officer", "trust_lead") else 404
    if route in VIEW:
        return 200
    if route in FUNDING:
        return 403 if role == "staff" else 200  # the trust's SEND lead reads what its schools' provision costs
    if route in LOG:
        return 200 if role in ("staff", "senco") else 403
    if route in RECORD:
        return 200 if role in ("parent", "senco") else 403
    if route in TOKENS:
        return 200 if role == "senco" else 404
    if route in LETTERS:
        return 200 if role == "parent" else 404
    if route in OBSERVE:
        return 200 if role == "parent" else 403
    if route in REVIEW_VIEWS:
        return 200 if role in ("parent", "senco") else 403
    if route == "letter-write":
        return 200 if role == "parent" else 403
    assert route in MANAGE
    return 200 if role == "senco" else 403


def _reaches(role: str, record_name: str) -> bool:
    return {
        "parent": {"own"},
        "staff": {"own"},
        "senco": {"own", "same_school"},
        "la_officer": {"own", "same_school", "other_school"},
        "trust_lead": {"own", "same_school", "other_la"},
        "trust_rates": {"own", "same_school", "other_la"},
        "service_manager": {"own", "same_school"},
        "practitioner": {"own", "same_school"},
    }[role] >= {record_name}


def _patterns(patterns) -> list[URLPattern]:
    """Every named pattern, through included URLconfs too."""
    found = []
    for p in patterns:
        if isinstance(p, URLResolver):
            found += _patterns(p.url_patterns) if not p.app_name and p.namespace is None else []
        elif isinstance(p, URLPattern):
            found.append(p)
    return found


def test_every_route_is_in_the_access_matrix():
    """The family's own record has its matrix in tests/test_family_access.py: only its keeper reaches it."""
    from tests.test_family_access import FAMILY_ROUTES, FAMILY_UNSCOPED

    named = {p.name for p in _patterns(get_resolver().url_patterns) if p.name}
    assert named == set(ROUTES) | UNSCOPED | set(FAMILY_ROUTES) | FAMILY_UNSCOPED


ROLES = ["parent", "staff", "senco", "la_officer", "trust_lead", "trust_rates", "service_manager", "practitioner"]


@pytest.mark.parametrize("role", ROLES)
def test_role_gets_its_entitlement_on_its_own_record(client, world, role):
    client.force_login(world["users"][role])
    statuses = {route: client.get(reverse(route, kwargs=kw(world["own"]))).status_code for route, kw in ROUTES.items()}
    assert statuses == {route: _expected_on_own(role, route) for route in ROUTES}


@pytest.mark.parametrize("role", ROLES)
def test_records_out_of_reach_are_not_found_on_every_route(client, world, role):
    """A parent of one child gets 404 on every route of another; a SENCO on every route of another school."""
    client.force_login(world["users"][role])
    unreachable = [name for name in ("same_school", "other_school", "other_la") if not _reaches(role, name)]
    statuses = {
        (name, route, method): getattr(client, method)(
            reverse(route, kwargs=kw(world[name])), *([{"reason": "probe"}] if method == "post" else [])
        ).status_code
        for name in unreachable
        for route, kw in ROUTES.items()
        for method in ("get", "post")
    }
    assert statuses == dict.fromkeys(statuses, 404)
    assert len(statuses) == len(unreachable) * len(ROUTES) * 2


def test_signed_out_visitor_is_sent_to_sign_in_on_every_route(client, world):
    locations = {}
    for route, kw in ROUTES.items():
        url = reverse(route, kwargs=kw(world["own"]))
        response = client.get(url)
        locations[route] = (response.status_code, response["Location"])
    assert locations == {
        route: (302, f"{reverse('login')}?next={reverse(route, kwargs=kw(world['own']))}")
        for route, kw in ROUTES.items()
    }


def test_parent_cannot_record_a_session_for_their_own_child(client, world):
    client.force_login(world["users"]["parent"])
    line = world["own"].line
    response = client.post(
        reverse("session-create", kwargs={"line_id": line.pk}), {"date": "2025-09-11", "status": "delivered"}
    )
    assert response.status_code == 403
    assert Session.objects.filter(line=line).count() == 1


def test_register_records_nothing_for_a_line_out_of_reach(client, world):
    client.force_login(world["users"]["staff"])
    target = world["same_school"].line
    client.post(reverse("register-record"), {"date": date.today().isoformat(), "line": target.pk})
    assert Session.objects.filter(line=target).count() == 1


def test_staff_reach_is_their_assigned_children_only(world):
    staff = world["users"]["staff"]
    assert list(access.children_for(staff)) == [world["own"].child]
    assert list(access.children_for(staff, Permission.MANAGE)) == []


def test_school_overview_of_a_staff_member_lists_no_other_children(client, world):
    client.force_login(world["users"]["senco"])
    response = client.get(reverse("school-overview", kwargs={"urn": world["own"].school.urn}))
    assert sorted(s.child.first_name for s in response.context["summaries"]) == ["Neighbour", "Own"]


def test_la_overview_counts_plans_in_force_by_kind_in_one_query(client, world, django_assert_num_queries):
    make_plan(make_child(world["own"].school, first_name="Maya"), world["users"]["senco"], kind="ehc_plan")
    client.force_login(world["users"]["la_officer"])
    # session, user, authenticator, scope (3), schools with their counts, overdue annual reviews
    with django_assert_num_queries(8):
        response = client.get(reverse("la-overview"))
    assert sorted((s.urn, s.ehc_plans, s.support_plans) for s in response.context["schools"]) == sorted(
        [(world["own"].school.urn, 1, 2), (world["other_school"].school.urn, 0, 1)]
    )


NEW_ROLES = ["trust_lead", "trust_rates", "service_manager", "practitioner"]
API_PATHS = {
    "/children": lambda r: {},
    "/children/{child_id}": lambda r: {"child_id": r.child.pk},
    "/children/{child_id}/plans": lambda r: {"child_id": r.child.pk},
    "/children/{child_id}/compliance": lambda r: {"child_id": r.child.pk},
    "/plans/{plan_id}": lambda r: {"plan_id": r.plan.pk},
    "/plans/{plan_id}/lines": lambda r: {"plan_id": r.plan.pk},
    "/lines/{line_id}": lambda r: {"line_id": r.line.pk},
    "/sessions/{session_id}": lambda r: {"session_id": r.session.pk},
}


@pytest.mark.parametrize("role", NEW_ROLES)
def test_trust_and_service_roles_reach_no_api_endpoint_and_issue_no_token(client, world, role):
    """The API takes a school's or an authority's token only: a signed-in trust or service role gets 401 on every
    endpoint, its reads and its writes, and may not issue a token for a school it reaches."""
    from provision_ledger.api.endpoints import api

    assert {p.removeprefix("/api/v1") for p in api.get_openapi_schema()["paths"]} == {
        *API_PATHS,
        "/sessions",
        "/sessions/batch",
    }
    user = world["users"][role]
    client.force_login(user)
    own = world["own"]
    statuses = {path: client.get(f"/api/v1{path.format(**ids(own))}").status_code for path, ids in API_PATHS.items()}
    row = {"client_key": "k", "line_id": own.line.pk, "date": "2025-09-17", "status": "delivered"}
    statuses["/sessions"] = client.post("/api/v1/sessions", row, content_type="application/json").status_code
    statuses["/sessions/batch"] = client.post(
        "/api/v1/sessions/batch", {"sessions": [row]}, content_type="application/json"
    ).status_code
    assert statuses == dict.fromkeys(statuses, 401)
    with pytest.raises(PermissionDenied):
        issue_token(by=user, name="Trust MIS", school=own.school)
    assert list(access.api_tokens_for(user)) == []
    assert Session.objects.filter(line=own.line).count() == 1


def test_a_practitioner_gets_404_on_a_commissioned_line_of_a_child_not_on_their_caseload(client, world):
    """The neighbour's line is of the same school and the same commission, but the child is not on the caseload."""
    client.force_login(world["users"]["practitioner"])
    line = world["same_school"].line
    assert line.pk not in access.scope_for(world["users"]["practitioner"]).service_line_ids
    for route in ("line-detail", "session-create", "line-amend"):
        assert client.get(reverse(route, kwargs={"line_id": line.pk})).status_code == 404
    assert client.post(reverse("register-record"), {"line": line.pk}).status_code == 404
    assert Session.objects.filter(line=line).count() == 1
