from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib import admin
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from accounts import signin
        from accounts.admin import gate_third_party_admins

        gate_third_party_admins(admin.site)

        user_logged_in.connect(signin.on_login, dispatch_uid="accounts.signin.on_login")
        for signal in (post_save, post_delete):
            signal.connect(signin.forget_authenticator, sender=TOTPDevice, dispatch_uid=f"accounts.signin.{signal}")
        user_locked_out.connect(signin.on_locked_out, dispatch_uid="accounts.signin.on_locked_out")
