from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "sendfund.casework"
    label = "casework"
