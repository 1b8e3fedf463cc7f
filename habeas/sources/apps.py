from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "habeas.sources"
    label = "sources"
