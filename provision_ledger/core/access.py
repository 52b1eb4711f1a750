"""Who may see and change what. Every view reaches a record only through the functions here.

A parent sees only their own children, read only. A member of staff sees the children assigned to them and
logs their sessions. A SENCO or head sees and manages every child of their school. A local authority officer
sees every child in the schools of their authority, read only. A trust's SEND lead sees every child of the trust's
schools, read only, whichever authorities they sit in; its rates manager reaches those schools' rates and nothing of
their children. A practitioner of a service reaches only the lines their service is commissioned to deliver, for the
children on their caseload: they read those lines and log their sessions. An API token reaches what its school or
authority role would, and never more than the person who made it still reaches. Anything out of reach is a 404, so its
existence is not revealed; a record in reach but not to be changed by this person is a 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import TypeAlias, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import IntegerField, Min, Model, Prefetch, Q, QuerySet, Value
from django.http import Http404, HttpRequest
from django.utils import timezone

from provision_ledger.api.models import ApiToken
from provision_ledger.audit.actions import record_view
from provision_ledger.audit.models import RecordView
from provision_ledger.census.models import CtfUpload
from provision_ledger.delivery.models import Session
from provision_ledger.family.models import (
    EntryShare,
    FamilyChild,
    FamilyEntry,
    FamilyLetter,
    RecordsRequest,
    SchoolLink,
)
from provision_ledger.money.models import Allocation, ChildItem
from provision_ledger.nextsteps.models import Letter
from provision_ledger.outcomes.models import Outcome, ProgressEntry, Review
from provision_ledger.parents.models import Concern
from provision_ledger.people.models import Child, Enrolment, LocalAuthority, Role, School, User
from provision_ledger.plans.models import LineVersion, Plan, PlanProposal, ProvisionLine
from provision_ledger.services.models import Service, ServiceRole
from provision_ledger.services.queries import practitioner_line_ids
from provision_ledger.trusts.models import Trust, TrustRole
from provision_ledger.trusts.queries import current_school_ids
from provision_ledger.wording.models import PlanStatement

M = TypeVar("M", bound=Model)
# Who is asking: a person signed in, or another system holding an API token.
Principal: TypeAlias = User | ApiToken
# A finder and who it is asked for: a person's finder takes a User, a finder open to tokens takes either.
W = TypeVar("W", bound=Principal)


class Permission(Enum):
    VIEW = "view"
    LOG = "log"  # record sessions
    MANAGE = "manage"  # write plans and lines, void entries, answer concerns, invite parents
    RAISE = "raise"  # raise a concern
    EXPORT = "export"  # take the whole record away: what a subject access request would return
    FUNDING = "funding"  # see what the child's provision costs, how it is funded and where support time went
    FAMILY_SHARED = "family_shared"  # read the entries a family chose to share from its own record
    CLOCK_DATES = "clock_dates"  # record a date that starts a statutory clock: the parent or the school
    REVIEW_VIEWS = "review_views"  # give the parent's and the child's views for a review, or take them down
    STAFF_TIME = "staff_time"  # see which member of staff logged which support time (a parent sees the totals)
    # Read what happened while the child was at the person's school, up to their last day there: never the rest.
    EARLIER = "earlier"


class Reach(Enum):
    """The ways a person reaches a child."""

    AUTHORITY = "authority"  # an officer of the child's local authority
    SCHOOL = "school"  # the SENCO or head of the child's school
    ASSIGNED = "assigned"  # staff assigned to work with the child
    FAMILY = "family"  # the child's parent or carer
    TRUST = "trust"  # the SEND lead of the trust that runs the child's school
    SERVICE = "service"  # a practitioner, for a line their service is commissioned to deliver (lines, not the child)
    # A child who moved school: the SENCO of a school they left, the staff assigned to them there when they left, and
    # the officers of that school's authority. These reach only the child's time at that school
    # (`earlier_stays_for`), never the child's present record.
    EARLIER_SCHOOL = "earlier_school"
    EARLIER_STAFF = "earlier_staff"
    EARLIER_AUTHORITY = "earlier_authority"


EARLIER_REACHES = frozenset({Reach.EARLIER_SCHOOL, Reach.EARLIER_STAFF, Reach.EARLIER_AUTHORITY})
# The ways that reach a child's present record.
PRESENT = frozenset(Reach) - EARLIER_REACHES


# Who may do what: the one table every check below reads.
GRANTS: dict[Permission, frozenset[Reach]] = {
    Permission.VIEW: PRESENT,
    Permission.LOG: frozenset({Reach.SCHOOL, Reach.ASSIGNED, Reach.SERVICE}),
    Permission.MANAGE: frozenset({Reach.SCHOOL}),
    Permission.RAISE: frozenset({Reach.FAMILY}),
    Permission.EXPORT: frozenset({Reach.SCHOOL, Reach.FAMILY}),
    Permission.FUNDING: frozenset({Reach.AUTHORITY, Reach.SCHOOL, Reach.FAMILY, Reach.TRUST}),
    # The school's SENCO alone, and only for a child whose school record the parent confirmed as theirs: never the
    # authority, staff or a token (the family's own record is reached by its keeper only: `family_children_for`).
    Permission.FAMILY_SHARED: frozenset({Reach.SCHOOL}),
    # A school the child left reads its own time with them, read only: it logs, manages and records nothing more.
    Permission.CLOCK_DATES: frozenset({Reach.SCHOOL, Reach.FAMILY}),
    Permission.REVIEW_VIEWS: frozenset({Reach.SCHOOL, Reach.FAMILY}),
    Permission.STAFF_TIME: frozenset({Reach.SCHOOL, Reach.AUTHORITY}),
    Permission.EARLIER: EARLIER_REACHES,
}


@dataclass(frozen=True)
class Scope:
    la_ids: frozenset[int]
    senco_school_ids: frozenset[int]
    assigned_child_ids: frozenset[int]
    own_child_ids: frozenset[int]
    # Trusts the person has a role in; the schools they read as a trust's SEND lead, and those whose rates they
    # manage for a trust.
    trust_ids: frozenset[int] = frozenset()
    lead_trust_ids: frozenset[int] = frozenset()
    trust_school_ids: frozenset[int] = frozenset()
    rate_school_ids: frozenset[int] = frozenset()
    # Services the person manages or works for as a practitioner, and the lines they log as one.
    managed_service_ids: frozenset[int] = frozenset()
    practitioner_service_ids: frozenset[int] = frozenset()
    service_line_ids: frozenset[int] = frozenset()

    @property
    def is_staff_member(self) -> bool:
        return bool(
            self.la_ids
            or self.senco_school_ids
            or self.assigned_child_ids
            or self.trust_ids
            or self.managed_service_ids
            or self.practitioner_service_ids
        )


NO_REACH = Scope(frozenset(), frozenset(), frozenset(), frozenset())


def signed_in(request: HttpRequest) -> User:
    """The person a signed-in page is for; the sign-in middleware has already turned everyone else away."""
    assert isinstance(request.user, User)
    return request.user


def scope_for(who: Principal) -> Scope:
    """The reach of a person or a token, read once per request and kept on the object."""
    cached: Scope | None = getattr(who, "_ledger_scope", None)
    if cached is not None:
        return cached
    if isinstance(who, ApiToken):
        scope = _token_scope(who)
    elif not who.is_authenticated or not who.is_active:
        scope = NO_REACH
    else:
        scope = _person_scope(who)
    who._ledger_scope = scope  # type: ignore[union-attr]
    return scope


def _person_scope(who: User) -> Scope:
    """Three queries for most people (roles, assignments, guardianships); one more for a trust role, and a few more
    for a practitioner (their caseload and their service's commissions)."""
    none = Value(None, output_field=IntegerField())
    roles = list(
        who.memberships.values_list("role", "local_authority_id", "school_id").union(
            TrustRole.objects.filter(user=who).values_list("role", "trust_id", none),
            ServiceRole.objects.filter(user=who).values_list("role", "service_id", none),
            all=True,
        )
    )
    trust_roles = [(role, trust) for role, trust, _ in roles if role in TrustRole.Role.values]
    trust_schools = current_school_ids({trust for _, trust in trust_roles}) if trust_roles else {}

    def schools_as(trust_role: str) -> frozenset[int]:
        return frozenset(s for role, trust in trust_roles if role == trust_role for s in trust_schools[trust])

    practising = frozenset(service for role, service, _ in roles if role == ServiceRole.Role.PRACTITIONER)
    return Scope(
        la_ids=frozenset(la for role, la, _ in roles if role == Role.LA_OFFICER),
        senco_school_ids=frozenset(school for role, _, school in roles if role == Role.SENCO),
        assigned_child_ids=frozenset(who.assignments.values_list("child_id", flat=True)),
        own_child_ids=frozenset(who.guardianships.values_list("child_id", flat=True)),
        trust_ids=frozenset(trust for _, trust in trust_roles),
        lead_trust_ids=frozenset(trust for role, trust in trust_roles if role == TrustRole.Role.SEND_LEAD),
        trust_school_ids=schools_as(TrustRole.Role.SEND_LEAD),
        rate_school_ids=schools_as(TrustRole.Role.RATES),
        managed_service_ids=frozenset(service for role, service, _ in roles if role == ServiceRole.Role.MANAGER),
        practitioner_service_ids=practising,
        service_line_ids=practitioner_line_ids(who.pk, practising, timezone.localdate()) if practising else frozenset(),
    )


def _token_scope(token: ApiToken) -> Scope:
    """A school token acts as the school's SENCO, an authority token as its officer: within the maker's reach."""
    maker = token.created_by
    if token.revoked_at is not None or not maker.is_active:
        return NO_REACH
    # Only the maker's roles a token acts in, as `_person_scope` reads them: one query, not the whole of their reach.
    roles = list(
        maker.memberships.filter(role__in=(Role.LA_OFFICER, Role.SENCO)).values_list(
            "role", "local_authority_id", "school_id"
        )
    )
    return Scope(
        la_ids=frozenset(la for role, la, _ in roles if role == Role.LA_OFFICER and la == token.local_authority_id),
        senco_school_ids=frozenset(
            school for role, _, school in roles if role == Role.SENCO and school == token.school_id
        ),
        assigned_child_ids=frozenset(),
        own_child_ids=frozenset(),
    )


def _child_filter(scope: Scope, permission: Permission, prefix: str = "") -> Q:
    """The children a scope reaches for a permission, as a filter along a path to Child (e.g. "plan__child__")."""
    grants = GRANTS[permission]
    reach = Q(pk__in=[])
    if Reach.AUTHORITY in grants and scope.la_ids:
        reach |= Q(**{f"{prefix}local_authority_id__in": scope.la_ids})
    if Reach.SCHOOL in grants and scope.senco_school_ids:
        reach |= Q(**{f"{prefix}school_id__in": scope.senco_school_ids})
    if Reach.ASSIGNED in grants and scope.assigned_child_ids:
        reach |= Q(**{f"{prefix}id__in": scope.assigned_child_ids})
    if Reach.FAMILY in grants and scope.own_child_ids:
        reach |= Q(**{f"{prefix}id__in": scope.own_child_ids})
    if Reach.TRUST in grants and scope.trust_school_ids:
        reach |= Q(**{f"{prefix}school_id__in": scope.trust_school_ids})
    return reach


def _line_filter(scope: Scope, permission: Permission, child: str = "plan__child__", line_id: str = "id") -> Q:
    """The lines (or their sessions) a scope reaches for a permission: every line of the children it reaches, along the
    path `child`, and a practitioner's commissioned lines, by the field `line_id`."""
    reach = _child_filter(scope, permission, child)
    if Reach.SERVICE in GRANTS[permission] and scope.service_line_ids:
        reach |= Q(**{f"{line_id}__in": scope.service_line_ids})
    return reach


def allows(user: Principal, child: Child, permission: Permission) -> bool:
    """Whether the user has the permission for a child already fetched through `get_*` (to show links)."""
    scope = scope_for(user)
    reaches = {
        Reach.AUTHORITY: child.local_authority_id in scope.la_ids,
        Reach.SCHOOL: child.school_id in scope.senco_school_ids,
        Reach.ASSIGNED: child.pk in scope.assigned_child_ids,
        Reach.FAMILY: child.pk in scope.own_child_ids,
        Reach.TRUST: child.school_id in scope.trust_school_ids,
        Reach.SERVICE: False,  # a practitioner reaches lines, never the whole child: see `allows_line`
        # A school the child left reaches only its own time with them: see `earlier_stays_for`.
        Reach.EARLIER_SCHOOL: False,
        Reach.EARLIER_STAFF: False,
        Reach.EARLIER_AUTHORITY: False,
    }
    return any(reaches[reach] for reach in GRANTS[permission])


def allows_line(user: Principal, line: ProvisionLine, permission: Permission) -> bool:
    """Whether the user has the permission for a line already fetched through `get_line` (to show links)."""
    if allows(user, line.plan.child, permission):
        return True
    return Reach.SERVICE in GRANTS[permission] and line.pk in scope_for(user).service_line_ids


def children_for(user: Principal, permission: Permission = Permission.VIEW) -> QuerySet[Child]:
    return Child.objects.filter(_child_filter(scope_for(user), permission)).select_related("school")


def _reach(finder: Callable[[W, Permission], QuerySet[M]], user: W, pk: object, permission: Permission, what: str) -> M:
    """Fetch through the user's view reach (404 outside it), then check the permission (403 if not met)."""
    obj = finder(user, Permission.VIEW).filter(pk=pk).first()
    if obj is None:
        raise Http404(f"No such {what}")
    if permission is not Permission.VIEW and not finder(user, permission).filter(pk=pk).exists():
        raise PermissionDenied
    return obj


def note_reading(user: Principal, child: Child, what: str) -> None:
    """Log a read of a child's record by anyone but the child's own family: who, when, what.

    Views say what they show through the `reading` argument of the `get_*` functions below; this is the one
    place the log is written.
    """
    if not what:
        return
    if isinstance(user, ApiToken):
        # Another system read it with a token: logged under the person who made the token, naming the token.
        record_view(viewer=user.created_by, child=child, what=f"{what} through the API ({user.name})"[:100])
    elif child.pk not in scope_for(user).own_child_ids:
        record_view(viewer=user, child=child, what=what)


def is_family(user: Principal, child: Child) -> bool:
    """Whether the person is one of the child's own parents or carers: what is the family's is shown to them only."""
    return isinstance(user, User) and child.pk in scope_for(user).own_child_ids


FEED_READING = "the calendar (private link)"


def calendar_children(user: User) -> list[Child]:
    """What a private calendar link reaches: the owner's own children, never the rest of their reach as staff.

    The link works without signing in, so whoever holds it reads those children's dates: each fetch is logged for
    the family (at most once an hour for each child, as calendar apps fetch every few minutes)."""
    children = list(Child.objects.filter(guardians__user=user).select_related("school").order_by("first_name", "pk"))
    recent = set(
        RecordView.objects.filter(
            viewer=user, what=FEED_READING, at__gte=timezone.now() - timedelta(hours=1), child__in=children
        ).values_list("child_id", flat=True)
    )
    for child in children:
        if child.pk not in recent:
            record_view(viewer=user, child=child, what=FEED_READING)
    return children


def get_child(user: Principal, child_id: int, permission: Permission = Permission.VIEW, *, reading: str = "") -> Child:
    """The child, if the user reaches them for the permission; `reading` names what a page shows, for the read log."""
    child = _reach(children_for, user, child_id, permission, "child")
    note_reading(user, child, reading)
    return child


def schools_for(user: User) -> QuerySet[School]:
    scope = scope_for(user)
    return School.objects.filter(
        Q(local_authority_id__in=scope.la_ids) | Q(id__in=scope.senco_school_ids | scope.trust_school_ids)
    ).select_related("local_authority")


def get_school(user: User, urn: str) -> School:
    school = schools_for(user).filter(urn=urn).first()
    if school is None:
        raise Http404("No such school")
    return school


def authority_schools(user: User) -> QuerySet[School]:
    """The schools of the authorities the person is an officer of: none for anyone else."""
    return School.objects.filter(local_authority_id__in=scope_for(user).la_ids).select_related("local_authority")


def is_officer(user: User) -> bool:
    """Whether the person is an officer of at least one authority: the authority's pages are theirs."""
    return bool(scope_for(user).la_ids)


def officer_authority_ids(user: User) -> frozenset[int]:
    """The ids of the authorities the person is an officer of, from the scope already read for the request."""
    return scope_for(user).la_ids


def officer_authorities(user: User) -> QuerySet[LocalAuthority]:
    return LocalAuthority.objects.filter(pk__in=officer_authority_ids(user)).order_by("name")


def managed_schools(user: User) -> QuerySet[School]:
    """The schools the person runs as SENCO or head."""
    return School.objects.filter(pk__in=scope_for(user).senco_school_ids).order_by("name")


def is_parent(user: User) -> bool:
    """Whether the person is a parent or carer of a child whose school keeps a record on the ledger."""
    return bool(scope_for(user).own_child_ids)


def plans_for(user: Principal, permission: Permission = Permission.VIEW) -> QuerySet[Plan]:
    return Plan.objects.filter(_child_filter(scope_for(user), permission, "child__")).select_related("child__school")


def get_plan(user: Principal, plan_id: int, permission: Permission = Permission.VIEW, *, reading: str = "") -> Plan:
    plan = _reach(plans_for, user, plan_id, permission, "plan")
    note_reading(user, plan.child, reading)
    return plan


def plan_statements_for(user: Principal, permission: Permission = Permission.VIEW) -> QuerySet[PlanStatement]:
    return PlanStatement.objects.filter(_child_filter(scope_for(user), permission, "plan__child__")).select_related(
        "plan__child__school"
    )


def get_plan_statement(user: Principal, statement_id: int, permission: Permission = Permission.VIEW) -> PlanStatement:
    return _reach(plan_statements_for, user, statement_id, permission, "statement")


def lines_for(user: Principal, permission: Permission = Permission.VIEW) -> QuerySet[ProvisionLine]:
    return (
        ProvisionLine.objects.filter(_line_filter(scope_for(user), permission))
        .select_related("plan__child__school")
        .prefetch_related("versions")
    )


def get_line(
    user: Principal, line_id: int, permission: Permission = Permission.VIEW, *, reading: str = ""
) -> ProvisionLine:
    line = _reach(lines_for, user, line_id, permission, "provision line")
    note_reading(user, line.plan.child, reading)
    return line


# What recording a session reads of a line, its plan, child and school, and of the line's versions.
_RECORDED_WITH = (
    "id",
    "local_authority",
    "voided_at",
    "plan",
    "plan__end_date",
    "plan__child",
    "plan__child__local_authority",
    "plan__child__school",
    "plan__child__school__local_authority",
    "plan__child__school__name",
    "plan__child__school__school_day_minutes",
)
_TERMS = (
    "id",
    "line",
    "effective_from",
    "description",
    "sessions",
    "period",
    "minutes_per_session",
    "weekly_minutes",
    "weekdays",
    "start_date",
    "end_date",
)


def get_lines(user: Principal, line_ids: Iterable[int], permission: Permission) -> dict[int, ProvisionLine]:
    """The lines of these ids the user has the permission for, in two queries, with their versions; others are absent.

    For batches of sessions: a line out of reach is left out, as if it did not exist, and the caller names its row.
    Only what recording reads is fetched (any other field is read when first used), and the versions are kept as a
    list: a batch reads hundreds of lines, and building them whole cost more than checking all its sessions.
    """
    versions = Prefetch("versions", LineVersion.objects.only(*_TERMS), to_attr=ProvisionLine.READ_VERSIONS)
    lines = lines_for(user, permission).filter(pk__in=set(line_ids)).only(*_RECORDED_WITH)
    return {line.pk: line for line in lines.prefetch_related(None).prefetch_related(versions)}


def sessions_for(user: Principal, permission: Permission = Permission.VIEW) -> QuerySet[Session]:
    return Session.objects.filter(_line_filter(scope_for(user), permission, "child__", "line_id")).select_related(
        "line__plan", "child__school"
    )


def get_session(
    user: Principal, session_id: int, permission: Permission = Permission.VIEW, *, reading: str = ""
) -> Session:
    session = _reach(sessions_for, user, session_id, permission, "session")
    note_reading(user, session.child, reading)
    return session


def concerns_for(user: User, permission: Permission = Permission.VIEW) -> QuerySet[Concern]:
    return Concern.objects.filter(_child_filter(scope_for(user), permission, "child__")).select_related(
        "child__school", "line", "session"
    )


def get_concern(user: User, concern_id: int, permission: Permission = Permission.VIEW, *, reading: str = "") -> Concern:
    concern = _reach(concerns_for, user, concern_id, permission, "concern")
    note_reading(user, concern.child, reading)
    return concern


def letters_for(user: User) -> QuerySet[Letter]:
    """A parent's letters are theirs: the school and the authority do not see them here."""
    return Letter.objects.filter(_child_filter(scope_for(user), Permission.RAISE, "child__")).select_related(
        "child__school"
    )


def get_letter(user: User, letter_id: int) -> Letter:
    return _reach(lambda u, _need: letters_for(u), user, letter_id, Permission.VIEW, "letter")


def authorities_for(user: User) -> QuerySet[LocalAuthority]:
    """The authorities the person is an officer of, by name."""
    return LocalAuthority.objects.filter(pk__in=scope_for(user).la_ids).order_by("name", "pk")


def get_authority(user: User, code: str) -> LocalAuthority:
    """One of the person's own authorities by its code; the first by name when no code is given."""
    authorities = authorities_for(user)
    found = authorities.filter(code=code).first() if code else authorities.first()
    if found is None:
        raise Http404("No such local authority")
    return found


def manages_school(user: User, school: School) -> bool:
    """Whether the user is the SENCO or head of a school already fetched through `get_school`."""
    return school.pk in scope_for(user).senco_school_ids


def rate_schools_for(user: User) -> QuerySet[School]:
    """The schools whose rates the person reads: those they reach, and those whose rates they manage for a trust."""
    scope = scope_for(user)
    return School.objects.filter(
        Q(local_authority_id__in=scope.la_ids)
        | Q(id__in=scope.senco_school_ids | scope.trust_school_ids | scope.rate_school_ids)
    ).select_related("local_authority")


def get_rate_school(user: User, urn: str) -> School:
    school = rate_schools_for(user).filter(urn=urn).first()
    if school is None:
        raise Http404("No such school")
    return school


def manages_rates(user: User, school: School) -> bool:
    """Whether the person sets a school's own rates: its SENCO or head, or its trust's rates manager."""
    scope = scope_for(user)
    return school.pk in scope.senco_school_ids or school.pk in scope.rate_school_ids


def trusts_for(user: User) -> QuerySet[Trust]:
    return Trust.objects.filter(pk__in=scope_for(user).trust_ids)


def get_trust(user: User, trust_id: int) -> Trust:
    trust = trusts_for(user).filter(pk=trust_id).first()
    if trust is None:
        raise Http404("No such trust")
    return trust


def leads_trust(user: User, trust: Trust) -> bool:
    """Whether the person is the SEND lead of a trust already fetched through `get_trust`: they read its delivery."""
    return trust.pk in scope_for(user).lead_trust_ids


def trust_schools(user: User, trust: Trust) -> QuerySet[School]:
    """The schools a trust runs now, as far as the person's role in it reaches them (a rates manager's, for money)."""
    scope = scope_for(user)
    reached = scope.trust_school_ids | scope.rate_school_ids
    return (
        School.objects.filter(trust_links__trust=trust, trust_links__left_on__isnull=True, pk__in=reached)
        .select_related("local_authority")
        .order_by("name")
    )


def services_for(user: User) -> QuerySet[Service]:
    scope = scope_for(user)
    return Service.objects.filter(pk__in=scope.managed_service_ids | scope.practitioner_service_ids)


def get_service(user: User, service_id: int) -> Service:
    service = services_for(user).filter(pk=service_id).first()
    if service is None:
        raise Http404("No such service")
    return service


def manages_service(user: User, service: Service) -> bool:
    """Whether the person manages a service already fetched through `get_service`: they read its delivery figures."""
    return service.pk in scope_for(user).managed_service_ids


def ctf_uploads_for(user: User) -> QuerySet[CtfUpload]:
    """Transfer files uploaded to the schools the person manages (SENCO or head)."""
    return CtfUpload.objects.filter(school_id__in=scope_for(user).senco_school_ids).select_related("school")


def get_ctf_upload(user: User, upload_id: int) -> CtfUpload:
    upload = ctf_uploads_for(user).filter(pk=upload_id).first()
    if upload is None:
        raise Http404("No such file")
    return upload


def allocations_for(user: User, permission: Permission = Permission.VIEW) -> QuerySet[Allocation]:
    return Allocation.objects.filter(_child_filter(scope_for(user), permission, "child__")).select_related(
        "child__school", "staff"
    )


def get_allocation(user: User, allocation_id: int, permission: Permission = Permission.VIEW) -> Allocation:
    return _reach(allocations_for, user, allocation_id, permission, "allocation")


def child_items_for(user: User, permission: Permission = Permission.VIEW) -> QuerySet[ChildItem]:
    return ChildItem.objects.filter(_child_filter(scope_for(user), permission, "child__")).select_related(
        "child__school"
    )


def get_child_item(user: User, item_id: int, permission: Permission = Permission.VIEW) -> ChildItem:
    return _reach(child_items_for, user, item_id, permission, "item")


def own_allocations(user: User) -> QuerySet[Allocation]:
    """The allocations a member of staff logs time against: their own, for children they may log for."""
    return allocations_for(user, Permission.LOG).filter(staff=user)


def api_tokens_for(user: User) -> QuerySet[ApiToken]:
    """The tokens a person manages: their schools' as SENCO, their authorities' as officer."""
    scope = scope_for(user)
    return ApiToken.objects.filter(
        Q(school_id__in=scope.senco_school_ids) | Q(local_authority_id__in=scope.la_ids)
    ).select_related("school", "local_authority", "created_by", "revoked_by")


def get_api_token(user: User, token_id: int) -> ApiToken:
    token = api_tokens_for(user).filter(pk=token_id).first()
    if token is None:
        raise Http404("No such API token")
    return token


def outcomes_for(user: User, permission: Permission = Permission.VIEW) -> QuerySet[Outcome]:
    return Outcome.objects.filter(_child_filter(scope_for(user), permission, "child__")).select_related(
        "child__school", "plan"
    )


def get_outcome(user: User, outcome_id: int, permission: Permission = Permission.VIEW) -> Outcome:
    return _reach(outcomes_for, user, outcome_id, permission, "outcome")


def progress_for(user: User, permission: Permission = Permission.VIEW) -> QuerySet[ProgressEntry]:
    return ProgressEntry.objects.filter(_child_filter(scope_for(user), permission, "child__")).select_related(
        "child__school", "outcome"
    )


def get_progress_entry(user: User, entry_id: int, permission: Permission = Permission.VIEW) -> ProgressEntry:
    return _reach(progress_for, user, entry_id, permission, "progress entry")


def reviews_for(user: User, permission: Permission = Permission.VIEW) -> QuerySet[Review]:
    return Review.objects.filter(_child_filter(scope_for(user), permission, "child__")).select_related(
        "child__school", "plan"
    )


def get_review(user: User, review_id: int, permission: Permission = Permission.VIEW) -> Review:
    return _reach(reviews_for, user, review_id, permission, "review")


def school_by_urn(urn: str) -> School | None:
    """A school that uses the ledger, by the URN the register of schools gives it, for naming where a child moved:
    its name and URN are public. Reaching the school is not reaching any of its children."""
    return School.objects.filter(urn=urn).select_related("local_authority").first()


def proposals_for(user: User, permission: Permission = Permission.VIEW) -> QuerySet[PlanProposal]:
    return PlanProposal.objects.filter(_child_filter(scope_for(user), permission, "child__")).select_related(
        "child__school", "plan", "school"
    )


def get_proposal(user: User, proposal_id: int, permission: Permission = Permission.VIEW) -> PlanProposal:
    return _reach(proposals_for, user, proposal_id, permission, "plan")


# A child who moved school, as a school they left sees them: its own time with the child, to their last day there.


def earlier_stays_for(user: User) -> QuerySet[Enrolment]:
    """The enrolments, now ended, of children at the person's schools (as SENCO), of children they worked with when
    they left (as staff assigned to them then), or at the schools of their authority (as its officer): the time the
    person's school or authority had with each child.

    A child who came back is reached as a pupil again (`children_for`); this reaches the earlier stays only.
    """
    scope = scope_for(user)
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return Enrolment.objects.none()
    reach = Q(pk__in=[])
    if Reach.EARLIER_SCHOOL in GRANTS[Permission.EARLIER] and scope.senco_school_ids:
        reach |= Q(school_id__in=scope.senco_school_ids)
    if Reach.EARLIER_STAFF in GRANTS[Permission.EARLIER]:
        reach |= Q(staff=user)
    if Reach.EARLIER_AUTHORITY in GRANTS[Permission.EARLIER] and scope.la_ids:
        reach |= Q(local_authority_id__in=scope.la_ids)
    return (
        Enrolment.objects.filter(reach, ended_on__isnull=False)
        .select_related("child", "school")
        .order_by("-ended_on", "-pk")
        .distinct()
    )


def get_earlier_child(user: User, child_id: int, *, reading: str = "") -> tuple[Child, list[Enrolment]]:
    """A child who left the person's school, with the stays there the person reaches (oldest first); 404 otherwise."""
    stays = list(earlier_stays_for(user).filter(child_id=child_id).order_by("started_on", "pk"))
    if not stays:
        raise Http404("No such child")
    child = stays[0].child
    note_reading(user, child, reading)
    return child, stays


def earlier_lines_at(user: User, school: School, line_ids: Iterable[int]) -> dict[int, tuple[LineVersion, Enrolment]]:
    """Of these lines, those of children who left the school that the person reaches as the school's (its SENCO, the
    staff assigned then, its authority's officers: `earlier_stays_for`), each as its terms stood on the child's last
    day there, with that stay (the latest, if the child left twice). A line with no terms by then was never the
    school's and is left out."""
    line_ids = set(line_ids)
    children = ProvisionLine.objects.filter(pk__in=line_ids).values("plan__child_id")
    stays: dict[int, Enrolment] = {}
    for stay in earlier_stays_for(user).filter(school=school, child_id__in=children):
        stays.setdefault(stay.child_id, stay)  # latest first
    found: dict[int, tuple[LineVersion, Enrolment]] = {}
    lines = ProvisionLine.objects.filter(pk__in=line_ids, plan__child_id__in=list(stays)).select_related("plan")
    for line in lines.prefetch_related("versions"):
        stay = stays[line.plan.child_id]
        assert stay.ended_on is not None, "an earlier stay has ended"
        versions = [v for v in line.versions_in_order if v.effective_from <= stay.ended_on]
        if versions:
            found[line.pk] = (versions[-1], stay)
    return found


def get_move_to_undo(user: User, child_id: int) -> tuple[Enrolment, Enrolment]:
    """The child's latest move (their arrival, and the stay it ended), for the SENCO of the school they joined or of
    the school they left: either may find it was recorded in error. 404 otherwise."""
    senco_of = scope_for(user).senco_school_ids if isinstance(user, User) and user.is_authenticated else set()
    stays = list(Enrolment.objects.filter(child_id=child_id).select_related("child", "school").order_by("-started_on"))
    if len(stays) < 2 or stays[0].ended_on is not None or not {stays[0].school_id, stays[1].school_id} & senco_of:
        raise Http404("No such move")
    return stays[0], stays[1]


def _bounds(stays: Iterable[Enrolment]) -> list[tuple[int, date | None, date]]:
    """(child, first day, last day) of each stay; no first day for a child's first enrolment, which also holds what
    the record has from before it (people.models.Enrolment)."""
    stays = list(stays)
    firsts = dict(
        Enrolment.objects.filter(child_id__in={s.child_id for s in stays})
        .values("child_id")
        .annotate(first=Min("started_on"))
        .values_list("child_id", "first")
        .order_by()
    )
    bounds = []
    for stay in stays:
        assert stay.ended_on is not None, "an earlier stay has ended"
        bounds.append((stay.child_id, None if stay.started_on <= firsts[stay.child_id] else stay.started_on,
                       stay.ended_on))  # fmt: skip
    return bounds


def _within(stays: Iterable[Enrolment], field: str) -> Q:
    """Rows of the child dated (by `field`) within these stays."""
    found = Q(pk__in=[])
    for child_id, first, last in _bounds(stays):
        dated = Q(child_id=child_id, **{f"{field}__lte": last})
        found |= dated & Q(**{f"{field}__gte": first}) if first else dated
    return found


def earlier_sessions(stays: list[Enrolment]) -> QuerySet[Session]:
    """The sessions recorded for days the child was at the school, from stays fetched by `get_earlier_child`."""
    return Session.objects.filter(_within(stays, "date")).select_related("line", "recorded_by").order_by("-date", "-id")


def earlier_plans(stays: list[Enrolment]) -> QuerySet[Plan]:
    """The plans in force while the child was at the school: begun by their last day there, not ended before."""
    in_force = Q(pk__in=[])
    for child_id, first, last in _bounds(stays):
        plan = Q(child_id=child_id, start_date__lte=last)
        in_force |= plan & (Q(end_date__isnull=True) | Q(end_date__gte=first)) if first else plan
    return Plan.objects.filter(in_force).order_by("-start_date", "-id")


def earlier_concerns(stays: list[Enrolment]) -> QuerySet[Concern]:
    """The concerns raised while the child was at the school."""
    return Concern.objects.filter(_within(stays, "raised_at__date")).order_by("-raised_at", "-id")


# The family's own record: its keeper's alone. No other reach (school, staff, authority, token) leads to it; a school
# reads only what the family shares, through `shared_family_entries`.


def family_children_for(user: Principal) -> QuerySet[FamilyChild]:
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return FamilyChild.objects.none()
    return FamilyChild.objects.filter(keeper=user).select_related("school")


def get_family_child(user: Principal, family_child_id: int) -> FamilyChild:
    family_child = family_children_for(user).filter(pk=family_child_id).first()
    if family_child is None:
        raise Http404("No such child")
    return family_child


def get_family_entry(user: Principal, entry_id: int) -> FamilyEntry:
    entry = (
        FamilyEntry.objects.filter(family_child__in=family_children_for(user), pk=entry_id)
        .select_related("family_child__school", "line")
        .first()
    )
    if entry is None:
        raise Http404("No such entry")
    return entry


def get_records_request(user: Principal, request_id: int) -> RecordsRequest:
    request = (
        RecordsRequest.objects.filter(family_child__in=family_children_for(user), pk=request_id)
        .select_related("family_child__school__local_authority")
        .first()
    )
    if request is None:
        raise Http404("No such letter")
    return request


def get_family_letter(user: Principal, letter_id: int) -> FamilyLetter:
    letter = (
        FamilyLetter.objects.filter(family_child__in=family_children_for(user), pk=letter_id)
        .select_related("family_child__school")
        .first()
    )
    if letter is None:
        raise Http404("No such letter")
    return letter


def get_school_link(user: Principal, family_child: FamilyChild) -> SchoolLink | None:
    """The school's claim on a family-kept child, for the keeper to see and confirm (the child is fetched already)."""
    if family_child.keeper_id != getattr(user, "pk", None):
        raise Http404("No such child")
    return SchoolLink.objects.filter(family_child=family_child).select_related("child__school", "claimed_by").first()


def shared_family_entries(user: Principal, child: Child) -> list[FamilyEntry]:
    """The family's entries shared with the school, for a child already fetched through `get_child`: open shares
    only, and only once the parent has confirmed the school's record is of their child."""
    if not allows(user, child, Permission.FAMILY_SHARED):
        return []
    shared = EntryShare.objects.filter(revoked_at__isnull=True).values("entry_id")
    return list(
        FamilyEntry.objects.filter(
            pk__in=shared,
            voided_at__isnull=True,
            family_child__school_link__child=child,
            family_child__school_link__confirmed_at__isnull=False,
        )
        .select_related("line")
        .order_by("-happened_on", "-pk")
    )
