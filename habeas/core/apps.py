from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "habeas.core"
    label = "core"

    def ready(self) -> None:
        # Registers the encryption key checks with `habeas check`; in ready(), as the
        # checks read the models, loaded after apps.py.
        from habeas.core import checks  # noqa: F401
