from django.urls import path

from . import views

app_name = "funds"
urlpatterns = [
    path("manage/funds/", views.pot, name="pot"),
    path("manage/funds/ledger/", views.ledger, name="ledger"),
    path("manage/funds/allocate/", views.allocate, name="allocate"),
    path("manage/funds/adjust/", views.adjust, name="adjust"),
]
