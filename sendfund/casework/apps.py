from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "sendfund.casework"
    label = "casework"

    def ready(self):
        from sendfund.core.navigation import register

        from .permissions import can_manage_cases, can_view_cases, can_view_funding_decisions

        register(order=50, text="Casework", url_name="casework:queue", check=can_view_cases, area="manage",
                 description="Submitted applications and cases: who acts next, deadlines and overdue items.")
        register(order=58, text="Emails", url_name="casework:emails", check=can_manage_cases, area="manage",
                 description="What the service emailed to whom, what failed and why, and sending again.",
                 in_navigation=False)
        register(order=50, text="Requests from the council", url_name="casework:apply-requests",
                 check=can_view_funding_decisions, area="apply",
                 description="Questions the council has asked about your applications, to answer online.")
        register(order=55, text="Your funding decisions", url_name="casework:apply-cases",
                 check=can_view_funding_decisions, area="apply",
                 description="Where each submitted application is, decision letters, offers and payments.")
