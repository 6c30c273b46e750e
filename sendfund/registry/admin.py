from django.contrib import admin

from sendfund.core.forms import ScreenedModelForm

from .models import Cluster, Indicator, School


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    form = ScreenedModelForm
    list_display = ["name", "urn", "phase", "town", "is_open"]
    search_fields = ["name", "urn", "town", "postcode"]
    list_filter = ["phase", "is_open"]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    form = ScreenedModelForm
    list_display = ["name", "host_school", "host_name", "send_lead_name"]
    search_fields = ["name"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    form = ScreenedModelForm
    list_display = ["code", "name", "is_need", "sort_order"]
