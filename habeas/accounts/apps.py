from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "habeas.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Connects the receivers; in ready(), as they need the models, loaded after apps.py.
        from . import signals  # noqa: F401
