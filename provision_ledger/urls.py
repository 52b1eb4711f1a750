from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from provision_ledger.accounts import views as accounts
from provision_ledger.accounts.forms import LimitedPasswordResetForm
from provision_ledger.api import endpoints as api
from provision_ledger.api import views as api_tokens
from provision_ledger.census import views as census
from provision_ledger.core import views as core
from provision_ledger.delivery import views as delivery
from provision_ledger.exports import views as exports
from provision_ledger.nextsteps import views as nextsteps
from provision_ledger.ops import governance
from provision_ledger.ops import views as ops
from provision_ledger.oversight import views as oversight
from provision_ledger.parents import views as parents
from provision_ledger.people import views as people
from provision_ledger.plans import views as plans
from provision_ledger.services import views as services
from provision_ledger.wording import views as wording

urlpatterns = [
    path("", core.home, name="home"),
    path("healthz", ops.healthz, name="healthz"),
    path("readyz", ops.readyz, name="readyz"),
    path("privacy/", governance.privacy, name="privacy"),
    path("accessibility/", governance.accessibility, name="accessibility"),
    path(".well-known/security.txt", governance.security_txt, name="security-txt"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(template_name="core/sign_in.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("sign-in/code/", accounts.verify, name="two-factor-verify"),
    path("account/two-factor/", accounts.setup, name="two-factor-setup"),
    path("account/two-factor/off/", accounts.turn_off, name="two-factor-off"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="auth/password_reset.html",
            email_template_name="auth/password_reset_email.txt",
            subject_template_name="auth/password_reset_subject.txt",
            form_class=LimitedPasswordResetForm,
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="auth/password_reset_sent.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(template_name="auth/password_reset_confirm.html"),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="auth/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("invitations/<str:token>/", parents.accept_invitation, name="invitation-accept"),
    path("account/alerts/", parents.alert_preferences, name="alert-preferences"),
    path("account/close/", accounts.close_account, name="account-close"),
    path("account/calendar/", parents.calendar_settings, name="calendar-settings"),
    path("calendar/<str:token>.ics", parents.calendar_feed, name="calendar-feed"),
    path("authority/", core.la_overview, name="la-overview"),
    path("authority/delivery/", oversight.authority_delivery, name="la-delivery"),
    path("authority/delivery.csv", oversight.authority_delivery_csv, name="la-delivery-csv"),
    path("authority/delivery/by-month/", oversight.authority_trend, name="la-delivery-trend"),
    path("authority/open-statistics.zip", oversight.open_statistics_zip, name="la-open-statistics"),
    path("authority/schools/<str:urn>/", oversight.authority_school, name="la-school-delivery"),
    # /trusts/<id>/
    path("trusts/<int:trust_id>/delivery/", oversight.trust_delivery, name="trust-delivery"),
    path("trusts/<int:trust_id>/delivery.csv", oversight.trust_delivery_csv, name="trust-delivery-csv"),
    # /services/<id>/
    path("services/<int:service_id>/", services.service_delivery, name="service-delivery"),
    # /schools/<urn>/
    path("schools/<str:urn>/", core.school_detail, name="school-overview"),
    path("schools/<str:urn>/transfer/", census.transfer_upload, name="transfer-upload"),
    path("schools/<str:urn>/services/", services.school_services, name="school-services"),
    path("schools/<str:urn>/census/", census.census_check, name="census-check"),
    path("schools/<str:urn>/transfer/<int:upload_id>/", census.transfer_check, name="transfer-check"),
    # /children/<id>/
    path("children/<int:child_id>/", core.child_detail, name="child-detail"),
    path("children/<int:child_id>/history/", core.child_history, name="child-history"),
    path("children/<int:child_id>/disability/", core.child_disability, name="child-disability"),
    path("children/<int:child_id>/move/", people.child_move, name="child-move"),
    path("children/<int:child_id>/earlier/", people.child_earlier, name="child-earlier"),
    path("plan-proposals/<int:proposal_id>/adopt/", people.proposal_adopt, name="proposal-adopt"),
    path("children/<int:child_id>/views/", core.record_views, name="record-views"),
    path("children/<int:child_id>/plans/new/", plans.plan_create, name="plan-create"),
    path("children/<int:child_id>/invite/", parents.invite, name="parent-invite"),
    path("children/<int:child_id>/record.pdf", exports.record_pdf, name="record-pdf"),
    path("children/<int:child_id>/sessions.csv", exports.record_csv, name="record-csv"),
    path("children/<int:child_id>/record.json", exports.record_json, name="record-json"),
    path("children/<int:child_id>/transfer.xml", census.sen_summary_ctf, name="sen-summary-ctf"),
    path("children/<int:child_id>/concerns/", parents.concerns, name="concerns"),
    path("children/<int:child_id>/letters/<str:kind>/", nextsteps.write_letter, name="letter-write"),
    path("children/<int:child_id>/deadlines/", nextsteps.statutory_events, name="statutory-events"),
    # /letters/<id>/
    path("letters/<int:letter_id>/", nextsteps.letter_detail, name="letter-detail"),
    path("letters/<int:letter_id>/letter.<str:extension>", nextsteps.letter_download, name="letter-download"),
    # /concerns/<id>/
    path("concerns/<int:concern_id>/", parents.concern_detail, name="concern-detail"),
    # /plans/<id>/
    path("plans/<int:plan_id>/edit/", plans.plan_edit, name="plan-edit"),
    path("plans/<int:plan_id>/lines/new/", plans.line_create, name="line-create"),
    path("plans/<int:plan_id>/read/", wording.plan_read, name="plan-read"),
    # /lines/<id>/
    path("lines/<int:line_id>/", delivery.line_detail, name="line-detail"),
    path("lines/<int:line_id>/amend/", plans.line_amend, name="line-amend"),
    path("lines/<int:line_id>/void/", plans.line_void, name="line-void"),
    path("lines/<int:line_id>/sessions/new/", delivery.session_create, name="session-create"),
    # /sessions/<id>/
    path("sessions/<int:session_id>/void/", delivery.session_void, name="session-void"),
    path("sessions/<int:session_id>/correct/", delivery.session_correct, name="session-correct"),
    # /today/
    path("today/", delivery.register, name="register"),
    path("today/record/", delivery.register_record, name="register-record"),
    path("", include("provision_ledger.money.urls")),
    path("", include("provision_ledger.outcomes.urls")),
    path("", include("provision_ledger.family.urls")),
    # /api-tokens/
    path("api-tokens/", api_tokens.token_list, name="api-tokens"),
    path("api-tokens/<int:token_id>/revoke/", api_tokens.token_revoke, name="api-token-revoke"),
    path("api/v1/", api.urls()),
    path("admin/", admin.site.urls),
]
