from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Petitions")

    def ready(self):
        # meetings does not import petitions: petitions adds its panel and minutes sections to
        # meetings.extensions, and follows meetings being created or moved with a signal. Loaded
        # here, as Django advises for signal handlers, once the models are ready.
        from members.home import register_home_panel

        from . import home, panels
        from .services import reportback

        panels.register()
        reportback.connect_signals()
        register_home_panel(home.OFFICER_PANEL)
