from django.urls import path

from sendfund.core.downloads import list_paths

from . import views

app_name = "funds"
urlpatterns = [
    path("manage/funds/", views.pot, name="pot"),
    *list_paths("manage/funds/ledger/", views.ledger, "ledger"),
    path("manage/funds/allocate/", views.allocate, name="allocate"),
    path("manage/funds/adjust/", views.adjust, name="adjust"),
]
