from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "habeas.alerts"
    label = "alerts"
    verbose_name = "Deadlines and alerts"
