from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Habeas: serve, backup and restore, the key ring's command."""

    name = "habeas.ops"
    label = "ops"
