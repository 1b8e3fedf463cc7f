from django.apps import AppConfig


class PfifConfig(AppConfig):
    name = "habeas.pfif"
    label = "pfif"
