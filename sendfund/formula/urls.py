from django.urls import path

from sendfund.core.downloads import list_paths

from . import views

app_name = "formula"
urlpatterns = [
    *list_paths("manage/formula/", views.index, "index"),
    path("manage/formula/versions/new/", views.version_create, name="version-create"),
    path("manage/formula/versions/<int:pk>/", views.version_detail, name="version-detail"),
    path("manage/formula/versions/<int:pk>/edit/", views.version_edit, name="version-edit"),
    path("manage/formula/versions/<int:pk>/version.json", views.version_download, name="version-download"),
    path("manage/formula/runs/new/", views.run_create, name="run-create"),
    path("manage/formula/runs/<int:pk>/", views.run_detail, name="run-detail"),
    path("manage/formula/runs/<int:pk>/gap/", views.run_gap, name="run-gap"),
    path("manage/formula/runs/<int:pk>/compare/", views.run_compare, name="run-compare"),
    path("manage/formula/runs/<int:pk>/verify/", views.run_verify, name="run-verify"),
    path("manage/formula/runs/<int:pk>/charts/<slug:name>.svg", views.run_chart, name="run-chart"),
    path("manage/formula/runs/<int:pk>/download.<slug:fmt>", views.run_download, name="run-download"),
    path("apply/formula/", views.your_allocation, name="your-allocation"),
    path("apply/formula/<slug:code>/", views.your_allocation_detail, name="your-allocation-detail"),
]
