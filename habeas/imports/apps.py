from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "habeas.imports"
    label = "imports"
