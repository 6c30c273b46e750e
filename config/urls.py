"""URLs. Each app's urls.py holds its pages in both trees: /manage/... for the LA, /apply/... for clusters."""

from django.contrib import admin
from django.urls import include, path

from sendfund.accounts import views as account_views
from sendfund.api.api import api

admin.site.site_header = "SEND cluster funding administration"
admin.site.site_title = "SEND cluster funding"
admin.site.login_template = None

urlpatterns = [
    path("", include("sendfund.core.urls")),
    path("account/", include("sendfund.accounts.urls")),
    path("manage/", account_views.manage_home, name="manage-home"),
    path("apply/", account_views.apply_home, name="apply-home"),
    path("manage/admin/", admin.site.urls),
    path("", include("sendfund.registry.urls")),
    path("", include("sendfund.formula.urls")),
    path("", include("sendfund.funds.urls")),
    path("", include("sendfund.applications.urls")),
    path("", include("sendfund.casework.urls")),
    path("", include("sendfund.api.urls")),
    path("api/v1/", api.urls),
]

handler403 = "sendfund.core.views.error_403"
handler404 = "sendfund.core.views.error_404"
handler500 = "sendfund.core.views.error_500"
