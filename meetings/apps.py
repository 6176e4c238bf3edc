from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from members.home import register_home_panel

        # tasks: registered with Celery in every process (guidance publishing queues one by name,
        # also from a management command, where Celery's autodiscovery has not run).
        from . import home, tasks  # noqa: F401

        for panel in home.PANELS:
            register_home_panel(panel)
