from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    # The summaries follow meetings by comparing timestamps (oversight.freshness): no signal. What
    # oversight shows on the home and organisation pages, portal asks for (portal/panels.py).
    name = "oversight"
    verbose_name = _("Oversight")
