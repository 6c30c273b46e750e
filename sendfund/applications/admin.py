from django.contrib import admin

from .models import Application


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read only: applications change through the service's own pages and services, never here."""

    list_display = ["__str__", "cluster", "round", "status", "submitted_at"]
    list_filter = ["status", "round"]
    search_fields = ["reference", "cluster__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
