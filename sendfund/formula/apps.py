from django.apps import AppConfig


class FormulaConfig(AppConfig):
    name = "sendfund.formula"
    label = "formula"
