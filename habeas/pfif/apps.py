from django.apps import AppConfig


class PfifConfig(AppConfig):
    name = "habeas.pfif"
    label = "pfif"

    def ready(self) -> None:
        from habeas.pfif import checks  # noqa: F401  (registers the system check)
