from django.urls import path

from . import forum_views, views

app_name = "reports"
urlpatterns = [
    path("open-data/", views.open_data, name="open-data"),
    path("open-data/360giving.json", views.giving_json, name="360giving-json"),
    path("open-data/360giving.xlsx", views.giving_xlsx, name="360giving-xlsx"),
    path("manage/forum/", forum_views.forum_home, name="forum-home"),
    path("manage/forum/report/", forum_views.forum_report, name="forum-report"),
    path("manage/forum/issue/", forum_views.forum_issue, name="forum-issue"),
    path("manage/forum/issued/<int:pk>/", forum_views.forum_issued, name="forum-issued"),
    path("manage/forum/issued/<int:pk>/pdf", forum_views.forum_issued_pdf, name="forum-issued-pdf"),
]
