from django.contrib.auth import views as auth_views
from django.urls import path

from provision_ledger.accounts import views
from provision_ledger.accounts.forms import LimitedPasswordResetForm

urlpatterns = [
    path(
        "sign-in/",
        auth_views.LoginView.as_view(template_name="core/sign_in.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("sign-in/code/", views.verify, name="two-factor-verify"),
    path("account/two-factor/", views.setup, name="two-factor-setup"),
    path("account/two-factor/off/", views.turn_off, name="two-factor-off"),
    path("account/close/", views.close_account, name="account-close"),
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
]
