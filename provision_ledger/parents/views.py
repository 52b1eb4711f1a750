from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from provision_ledger.accounts.passwords import right_for_any_account
from provision_ledger.core import access
from provision_ledger.core.access import Permission
from provision_ledger.kit.forms import show_refusal
from provision_ledger.kit.params import whole_number
from provision_ledger.parents import actions
from provision_ledger.parents.calendar_feed import feed_for
from provision_ledger.parents.forms import (
    AcceptInvitationForm,
    AlertPreferenceForm,
    ConcernForm,
    InviteForm,
    MessageForm,
)
from provision_ledger.parents.models import (
    CalendarFeed,
    ConcernMessage,
    hash_token,
)
from provision_ledger.plans.queries import current_plan, live_lines


@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, child_id: int) -> HttpResponse:
    user = access.signed_in(request)
    child = access.get_child(user, child_id, Permission.MANAGE)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.invite_parent(child=child, by=user, base_url=request.build_absolute_uri("/")[:-1], **form.cleaned_data)
        messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
        return redirect("child-detail", child_id=child.pk)
    invitations = child.invitations.order_by("-created_at")
    return render(
        request,
        "parents/invite.html",
        {
            "form": form,
            "child": child,
            "invitations": invitations,
            "title": f"Invite a parent to see {child.first_name}'s record",
        },
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = actions.find_invitation(token)
    except ValidationError as error:
        return render(request, "parents/invitation_refused.html", {"reason": error.messages[0]}, status=410)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # An invitation to an address that has an account asks for its password, counted as a sign-in attempt is;
        # past the limit django-axes answers with its lockout page.
        if not right_for_any_account(request, invitation.email, form.cleaned_data["password"]):
            form.add_error("password", "You already have an account: enter its password to add this child.")
            return render(request, "parents/accept.html", {"form": form, "invitation": invitation})
        try:
            user = actions.accept_invitation(
                token=token,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("child-detail", child_id=invitation.child_id)
    return render(request, "parents/accept.html", {"form": form, "invitation": invitation})


def concerns(request: HttpRequest, child_id: int) -> HttpResponse:
    """A child's concerns, and the form to raise one (for the child's parents)."""
    user = access.signed_in(request)
    child = access.get_child(user, child_id, reading="the concerns raised")
    can_raise = access.allows(user, child, Permission.RAISE)
    plan = current_plan(child)
    lines = [(line.pk, str(line)) for line in live_lines([plan])] if plan else []
    form = ConcernForm(request.POST or None, lines=lines, initial={"line": request.GET.get("line")})
    session = None
    session_id = whole_number(request, "session")
    if session_id is not None:
        session = access.get_session(user, session_id)
        if session.child_id != child.pk:
            session = None
    if request.method == "POST":
        access.get_child(user, child_id, Permission.RAISE)  # 403 for anyone but the child's parents
        if form.is_valid():
            line = access.get_line(user, form.cleaned_data["line"]) if form.cleaned_data["line"] else None
            try:
                concern = actions.raise_concern(
                    child=child,
                    by=user,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    line=line,
                    session=session,
                )
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(request, "Your concern has been sent to the school.")
                return redirect("concern-detail", concern_id=concern.pk)
    return render(
        request,
        "parents/concerns.html",
        {
            "child": child,
            "form": form,
            "can_raise": can_raise,
            "session": session,
            "concerns": access.concerns_for(user).filter(child=child).prefetch_related("messages"),
        },
    )


@require_http_methods(["GET", "POST"])
def concern_detail(request: HttpRequest, concern_id: int) -> HttpResponse:
    user = access.signed_in(request)
    concern = access.get_concern(user, concern_id, reading="a concern and its replies")
    child = concern.child
    from_school = access.allows(user, child, Permission.MANAGE)
    may_write = from_school or access.allows(user, child, Permission.RAISE)
    form = MessageForm(request.POST or None)
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.add_message(concern=concern, by=user, from_school=from_school, body=form.cleaned_data["body"])
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(request, "Message sent.")
                return redirect("concern-detail", concern_id=concern.pk)
    thread = ConcernMessage.objects.filter(concern=concern).select_related("author")
    return render(
        request,
        "parents/concern_detail.html",
        {
            "concern": concern,
            "child": child,
            "thread": thread,
            "form": form,
            "may_write": may_write,
            "from_school": from_school,
        },
    )


@require_http_methods(["GET", "POST"])
def alert_preferences(request: HttpRequest) -> HttpResponse:
    user = access.signed_in(request)
    form = AlertPreferenceForm(request.POST or None, initial={"frequency": actions.alert_frequency(user)})
    if request.method == "POST" and form.is_valid():
        actions.set_alert_frequency(user=user, frequency=form.cleaned_data["frequency"])
        messages.success(request, "Your email choice is saved.")
        return redirect("alert-preferences")
    return render(request, "parents/alert_preferences.html", {"form": form})


@require_http_methods(["GET", "POST"])
def calendar_settings(request: HttpRequest) -> HttpResponse:
    """Make, renew or stop the private calendar link of a parent's own children. The link is shown once: only its
    hash is kept. Staff have none (see `make_calendar_link`), and are told why."""
    user = access.signed_in(request)
    if not access.is_parent(user):
        return render(request, "parents/calendar_staff.html", status=403)
    new_link = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            token = actions.make_calendar_link(user=user)
            new_link = request.build_absolute_uri(reverse("calendar-feed", kwargs={"token": token}))
        elif action == "renew" and actions.renew_calendar_link(user=user):
            messages.success(
                request, f"Your calendar link will keep working for {settings.CALENDAR_LINK_DAYS} days from today."
            )
        else:
            actions.stop_calendar_links(user=user)
            messages.success(request, "Your calendar link no longer works.")
    active = actions.working_calendar_link(user)
    # webcal: asks the device's calendar app to subscribe, rather than the browser to download the file once.
    subscribe_link = "webcal:" + new_link.split(":", 1)[1] if new_link else None
    return render(
        request,
        "parents/calendar.html",
        {
            "active": active,
            "new_link": new_link,
            "subscribe_link": subscribe_link,
            "link_days": settings.CALENDAR_LINK_DAYS,
        },
    )


@login_not_required
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = (
        CalendarFeed.objects.filter(
            token_hash=hash_token(token), revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("user")
        .first()
    )
    if feed is None or not feed.user.is_active:
        raise Http404("No such calendar")
    children = access.calendar_children(feed.user)
    response = HttpResponse(feed_for(children, timezone.localdate()), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
