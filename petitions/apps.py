from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Petitions")

    def ready(self):
        # meetings does not import petitions: petitions adds its minutes sections to
        # meetings.extensions, and follows meetings being created or moved with a signal. Loaded
        # here, as Django advises for signal handlers, once the models are ready. (The meeting
        # page's panel is portal's to show: portal/panels.py.)
        from . import panels
        from .services import reportback

        panels.register_minutes_sections()
        reportback.connect_signals()
