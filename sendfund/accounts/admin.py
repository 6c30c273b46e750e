from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from sendfund.core.forms import PrivacyScreen, ScreenedModelForm

from .models import Membership, Organisation, User


class ScreenedUserChangeForm(PrivacyScreen, UserChangeForm):
    pass


class ScreenedUserCreationForm(PrivacyScreen, UserCreationForm):
    pass


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = ScreenedUserChangeForm
    add_form = ScreenedUserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    search_fields = ["email", "full_name"]
    fieldsets = [(None, {"fields": ["email", "full_name", "password"]}),
                 ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
                 ("Dates", {"fields": ["last_login", "date_joined"]})]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]
    inlines = [MembershipInline]
    filter_horizontal = []
    list_filter = ["is_active", "is_staff"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = ScreenedModelForm
    list_display = ["name", "kind"]
    list_filter = ["kind"]
