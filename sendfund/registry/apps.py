from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "sendfund.registry"
    label = "registry"
    verbose_name = "Schools and clusters"

    def ready(self):
        from sendfund.accounts.permissions import can_administer, can_use_apply, can_view_registry
        from sendfund.core.navigation import register

        register(order=20, text="Clusters", url_name="registry:cluster-list", check=can_view_registry, area="manage",
                 description="Every cluster, its schools and their census figures by year.")
        register(order=25, text="Schools", url_name="registry:school-list", check=can_view_registry, area="manage",
                 description="Search the council's schools by name, town, postcode or URN.")
        register(order=90, text="Council set-up", url_name="registry:council-setup", check=can_administer,
                 area="manage", description="Set the site up for a council: its schools, census years and clusters.",
                 in_navigation=False)
        register(order=20, text="Your cluster", url_name="registry:your-cluster", check=can_use_apply, area="apply",
                 description="Your cluster's schools and their census figures.")
