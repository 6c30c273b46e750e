from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "sendfund.monitoring"
    label = "monitoring"

    def ready(self):
        from sendfund.casework.workflow import after_offer_accepted
        from sendfund.core.navigation import register

        from . import services
        from .money import can_view_all_money
        from .permissions import (
            can_use_health_checks,
            can_use_returns,
            can_view_health_checks,
            can_view_returns,
        )

        # Casework sits below monitoring, so it cannot import it: the accept step calls the steps
        # registered here, explicitly and in its own transaction (docs/adr/0032-one-collection-engine.md).
        after_offer_accepted(services.returns_create_for_case)
        register(order=60, text="Monitoring", url_name="monitoring:manage-returns", check=can_view_returns,
                 area="manage", description="Monitoring returns: what is due, overdue and waiting for review; "
                                            "underspend and clawback.")
        register(order=62, text="Health Checks", url_name="monitoring:manage-health-checks",
                 check=can_view_health_checks, area="manage",
                 description="The SEND Cluster Health Check: moderation, the LA-wide heat-map and trends.")
        register(order=64, text="All SEND money", url_name="monitoring:all-money", check=can_view_all_money,
                 area="manage", description="Formula allocations, this fund's awards and other SEND funding, per "
                                            "cluster and year.")
        register(order=60, text="Monitoring returns", url_name="monitoring:returns", check=can_use_returns,
                 area="apply", description="Tell the council how your funded work is going and what you have spent.")
        register(order=62, text="Health Check", url_name="monitoring:health-checks", check=can_use_health_checks,
                 area="apply", description="Your cluster's yearly SEND Cluster Health Check.")
