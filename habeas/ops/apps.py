from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Habeas: serve, backup and restore, the key ring's command."""

    name = "habeas.ops"
    label = "ops"

    def ready(self) -> None:
        # Registers the check of what killed backups and restores left behind; in
        # ready(), as it imports the backup code and so the models, loaded after apps.py.
        from habeas.ops import checks  # noqa: F401
