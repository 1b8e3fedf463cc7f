from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "habeas.core"
    label = "core"

    def ready(self) -> None:
        # Registers the encryption key checks with `habeas check`.
        from habeas.core import checks  # noqa: F401
