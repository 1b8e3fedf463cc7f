from django.apps import AppConfig


class AdvocacyConfig(AppConfig):
    name = "habeas.advocacy"
    label = "advocacy"
