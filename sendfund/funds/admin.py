from django.contrib import admin

from .models import Fund, Round, Stream


class StreamInline(admin.TabularInline):
    model = Stream
    extra = 0


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on"]
    inlines = [StreamInline]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "fund", "opens_on", "closes_on"]
    filter_horizontal = ["streams"]
