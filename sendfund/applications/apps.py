from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "sendfund.applications"
    label = "applications"
    verbose_name = "Applications"

    def ready(self):
        from sendfund.core.navigation import register

        from .permissions import can_list_submitted_applications, can_use_applications

        register(order=30, text="Apply for funding", url_name="applications:rounds", check=can_use_applications,
                 area="apply", description="Open funding rounds, what each kind of funding is for, and how to apply.")
        register(order=31, text="Your applications", url_name="applications:dashboard", check=can_use_applications,
                 area="apply", description="Your cluster's applications: drafts, sign-off, submitted, and their history.")
        register(order=30, text="Applications", url_name="applications:manage-list",
                 check=can_list_submitted_applications, area="manage",
                 description="Applications clusters have submitted, read only.")
