from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (``manage.py seed_demo``), built through the apps' services; never used in production."""

    name = "demo"
