from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = _("Oversight")

    def ready(self):
        # Meetings does not import the dashboard: the summaries follow meetings through signals,
        # and the petitions panel registers itself. Loaded here, once the models are ready.
        from members.extensions import register_organization_panel
        from members.home import register_home_panel

        from . import branch_panel, freshness, home
        from .panels import petitions

        freshness.connect_signals()
        petitions.register()
        register_organization_panel(branch_panel.BRANCH_RATING)
        register_home_panel(home.FLAGS)
