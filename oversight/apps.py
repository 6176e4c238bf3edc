from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = _("Oversight")

    def ready(self):
        # The petitions panel, the home page's flags and the branch page's rating register
        # themselves (loaded here, once the models are ready). The summaries follow meetings by
        # comparing timestamps (oversight.freshness): no signal.
        from members.extensions import register_organization_panel
        from members.home import register_home_panel

        from . import branch_panel, home
        from .panels import petitions

        petitions.register()
        register_organization_panel(branch_panel.BRANCH_RATING)
        register_home_panel(home.FLAGS)
