from django.contrib import admin

from sendfund.core.forms import ScreenedModelForm

from .models import Fund, Round, Stream


class StreamInline(admin.TabularInline):
    model = Stream
    form = ScreenedModelForm
    extra = 0


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    form = ScreenedModelForm
    list_display = ["name", "starts_on", "ends_on"]
    inlines = [StreamInline]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    form = ScreenedModelForm
    list_display = ["name", "fund", "opens_on", "closes_on"]
    filter_horizontal = ["streams"]
