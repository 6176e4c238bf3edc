from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self):
        # Meetings does not import the dashboard: the summaries follow meetings through signals.
        # Loaded here, once the models are ready.
        from . import freshness

        freshness.connect_signals()
