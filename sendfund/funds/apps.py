from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "sendfund.funds"
    label = "funds"
