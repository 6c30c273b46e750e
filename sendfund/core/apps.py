from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sendfund.core"
    label = "core"
    verbose_name = "Core"
