from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "habeas.api"
    label = "api"

    def ready(self) -> None:
        # A window of refused tokens is summed up in the audit log once it is over: at
        # the next refusal, and on the watcher's next pass (habeas.alerts, below this
        # app), so that a flood that stops is still written down within a pass.
        from habeas.alerts.watcher import register_step

        from .services import api_refusals_summarise

        register_step("api_refusals_summarised", lambda now, stop: api_refusals_summarise(now=now))
