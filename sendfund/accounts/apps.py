from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sendfund.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        from sendfund.core.navigation import register

        from .permissions import can_use_apply, can_use_manage

        register(order=1, text="Home", url_name="manage-home", check=can_use_manage, area="manage")
        register(order=1, text="Home", url_name="apply-home", check=can_use_apply, area="apply")
