from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "sendfund.reports"
    verbose_name = "Reports and open data"

    def ready(self):
        from sendfund.core.navigation import register

        from .permissions import can_read_forum_reports

        register(order=70, text="Schools' Forum", url_name="reports:forum-home", check=can_read_forum_reports,
                 area="manage", description="The reports issued to the Schools' Forum LDD sub-group, and the "
                                            "report's figures as they stand today.")
