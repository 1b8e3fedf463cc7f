from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "habeas.organisation"
    label = "organisation"
