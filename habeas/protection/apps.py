from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "habeas.protection"
    label = "protection"
