from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "sendfund.applications"
    label = "applications"
