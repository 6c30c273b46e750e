from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sendfund.api"
    label = "api"
    verbose_name = "REST API"
