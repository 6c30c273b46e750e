"""Read-only admin views: versions are changed on /manage/formula/ (validated and audited), and
runs never change once stored."""

from django.contrib import admin

from .models import FormulaFactor, FormulaRun, FormulaVersion, TargetedAmount


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


class FactorInline(_ReadOnlyInline):
    model = FormulaFactor


class TargetedInline(_ReadOnlyInline):
    model = TargetedAmount


@admin.register(FormulaVersion)
class FormulaVersionAdmin(ReadOnlyAdmin):
    list_display = ["name", "valid_from", "lump_sum_per_school", "evidence_threshold", "top_n"]
    search_fields = ["name"]
    inlines = [FactorInline, TargetedInline]


@admin.register(FormulaRun)
class FormulaRunAdmin(ReadOnlyAdmin):
    list_display = ["pk", "version", "financial_year", "academic_year", "kind", "pot", "cluster_count", "created_at"]
    list_filter = ["kind", "financial_year"]
    list_select_related = ["version"]
