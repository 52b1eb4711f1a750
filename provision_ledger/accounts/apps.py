from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "provision_ledger.accounts"
    label = "accounts"
    verbose_name = "Signing in"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from provision_ledger.accounts.middleware import note_sign_in

        user_logged_in.connect(note_sign_in, dispatch_uid="accounts.note_sign_in")
