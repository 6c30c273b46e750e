from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "sendfund.reports"
    verbose_name = "Reports and open data"

    def ready(self):
        from sendfund.core.navigation import register_panel

        from . import dashboard

        register_panel(order=10, template="reports/_dashboard.html", context=dashboard.dashboard_context,
                       check=dashboard.shows_dashboard)
