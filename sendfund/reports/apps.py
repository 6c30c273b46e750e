from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "sendfund.reports"
    verbose_name = "Reports and open data"

    def ready(self):
        from sendfund.core.navigation import register, register_panel

        from . import dashboard
        from .permissions import can_read_forum_reports

        register(order=70, text="Schools' Forum", url_name="reports:forum-home", check=can_read_forum_reports,
                 area="manage", description="The reports issued to the Schools' Forum LDD sub-group, and the "
                                            "report's figures as they stand today.")
        register_panel(order=10, template="reports/_dashboard.html", context=dashboard.dashboard_context,
                       check=dashboard.shows_dashboard)
