from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from members.forms.choices import choice_errors_without_value

# Before any form class is declared: app configs are imported before models, admin modules and
# forms, and a field copies its class's messages when it is created.
choice_errors_without_value()


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Organisations and members")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from members import access

        # Before accounts' receiver (INSTALLED_APPS lists members first), which reads the roles.
        user_logged_in.connect(access.on_login, dispatch_uid="members.access.on_login")
