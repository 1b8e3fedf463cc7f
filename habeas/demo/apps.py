from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Fictional demo data, loaded by `habeas demo` through the services."""

    name = "habeas.demo"
    label = "demo"
