from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        # tasks: registered with Celery in every process (guidance publishing queues one by name,
        # also from a management command, where Celery's autodiscovery has not run).
        from . import tasks  # noqa: F401
