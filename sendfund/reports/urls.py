from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("open-data/", views.open_data, name="open-data"),
    path("open-data/360giving.json", views.giving_json, name="360giving-json"),
    path("open-data/360giving.xlsx", views.giving_xlsx, name="360giving-xlsx"),
]
