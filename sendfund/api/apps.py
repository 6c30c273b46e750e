from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sendfund.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self):
        from sendfund.accounts.permissions import can_use_apply, can_use_manage
        from sendfund.core.navigation import register

        for area, check in (("manage", can_use_manage), ("apply", can_use_apply)):
            register(order=95, text="API tokens", url_name="api-tokens:list", check=check, area=area,
                     in_navigation=False, description="Personal tokens for another system to read this service's "
                                                      "data through its API, and revoking them.")
