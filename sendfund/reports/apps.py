from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "sendfund.reports"
    verbose_name = "Reports and open data"
