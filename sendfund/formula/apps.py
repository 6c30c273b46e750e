from django.apps import AppConfig


class FormulaConfig(AppConfig):
    name = "sendfund.formula"
    label = "formula"
    verbose_name = "Formula and capacity gap"

    def ready(self):
        from sendfund.core.navigation import register

        from .permissions import can_view_formula, can_view_own_allocation

        register(order=30, text="Formula", url_name="formula:index", check=can_view_formula, area="manage",
                 description="Formula versions, allocation runs, the capacity-gap ranking and scenarios.")
        register(order=30, text="Your allocation", url_name="formula:your-allocation", check=can_view_own_allocation,
                 area="apply", description="Your cluster's formula allocation explained, and your need against funding.")
