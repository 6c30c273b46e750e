from django.urls import path

from sendfund.core.downloads import list_paths

from . import views

app_name = "registry"
urlpatterns = [
    *list_paths("manage/clusters/", views.cluster_list, "cluster-list"),
    path("manage/clusters/import/", views.membership_import, name="membership-import"),
    path("manage/clusters/carry-forward/", views.carry_forward, name="carry-forward"),
    path("manage/council/", views.council_setup, name="council-setup"),
    path("manage/council/setups/<int:pk>/", views.council_setup_detail, name="council-setup-detail"),
    path("manage/clusters/<slug:code>/", views.cluster_detail, name="cluster-detail"),
    path("manage/clusters/<slug:code>/history/", views.cluster_history, name="cluster-history"),
    *list_paths("manage/schools/", views.school_list, "school-list"),
    path("manage/schools/<int:urn>/", views.school_detail, name="school-detail"),
    path("manage/schools/<int:urn>/history/", views.school_history, name="school-history"),
    path("apply/cluster/", views.your_cluster, name="your-cluster"),
    path("apply/cluster/<slug:code>/", views.your_cluster_detail, name="your-cluster-detail"),
]
