"""Administrators edit the Health Check framework here: areas, statements and the scale's descriptors.

Change a framework in use by first making a new version (the action below): Health Checks already
started keep the version they were started on.
"""

from django.contrib import admin, messages

from sendfund.core.forms import ScreenedModelForm

from . import health
from .models import Area, Framework, Level, ScheduleItem


class LevelInline(admin.TabularInline):
    model = Level
    form = ScreenedModelForm
    extra = 0


class AreaInline(admin.StackedInline):
    model = Area
    form = ScreenedModelForm
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    form = ScreenedModelForm
    list_display = ["title", "version", "is_current", "created_at"]
    inlines = [LevelInline, AreaInline]
    actions = ["new_version"]

    @admin.action(description="Make a new version of the current framework to edit")
    def new_version(self, request, queryset):
        framework = health.framework_new_version(actor=request.user)
        messages.success(request, f"Version {framework.version} is now current. Edit it below.")

    def has_change_permission(self, request, obj=None):
        """A version that Health Checks use is kept as it was: make a new version instead."""
        if obj is not None and obj.health_checks.exists():
            return False
        return super().has_change_permission(request, obj)


@admin.register(ScheduleItem)
class ScheduleItemAdmin(admin.ModelAdmin):
    list_display = ["round", "kind", "months_after_acceptance", "working_days_to_submit"]
