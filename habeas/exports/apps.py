from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "habeas.exports"
    label = "exports"
