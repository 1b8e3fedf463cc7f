from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "habeas.protection"
    label = "protection"

    def ready(self) -> None:
        # The watcher (habeas.alerts, below this app) cannot import the ladder; the
        # ladder rides its loop instead: every pass, after alerts are raised and
        # before delivery, so what a stage hands to the outbox leaves in that pass.
        from habeas.alerts.watcher import register_step

        from . import checkin, ladder

        register_step("protection", ladder.watch_step)
        # Duress check-ins whose escalation was lost between the answer and its hand-off.
        register_step("protection.duress", checkin.watch_step)
