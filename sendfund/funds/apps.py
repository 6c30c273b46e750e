from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "sendfund.funds"
    label = "funds"

    def ready(self):
        from sendfund.core.navigation import register

        from .permissions import can_view_pot

        register(order=60, text="The pot", url_name="funds:pot", check=can_view_pot, area="manage",
                 description="What each stream has allocated, committed, paid and left, by financial year.")
