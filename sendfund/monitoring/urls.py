from django.urls import path

from sendfund.core.downloads import list_paths

from . import health_views, money_views, views

app_name = "monitoring"
R = "apply/returns/<int:pk>/"
M = "manage/monitoring/returns/<int:pk>/"
urlpatterns = [
    *list_paths("apply/returns/", views.returns, "returns"),
    path(R, views.return_detail, name="return"),
    path(R + "section/<slug:key>/", views.return_section, name="return-section"),
    path(R + "evidence/<int:doc>/", views.evidence, name="evidence"),
    path(R + "evidence/<int:doc>/remove/", views.evidence_remove, name="evidence-remove"),
    path(R + "request-sign-off/", views.request_sign_off, name="request-sign-off"),
    path(R + "sign-off/", views.sign_off, name="sign-off"),
    *list_paths("manage/monitoring/", views.manage_returns, "manage-returns"),
    path(M, views.manage_return, name="manage-return"),
    path(M + "evidence/<int:doc>/", views.manage_evidence, name="manage-evidence"),
    path(M + "underspend/", views.underspend_propose, name="underspend-propose"),
    path(M + "underspend/confirm/", views.underspend_confirm, name="underspend-confirm"),
    path("manage/monitoring/rounds/<int:round_pk>/schedule/", views.schedule, name="schedule"),
]

HC = "apply/health-checks/<int:pk>/"
MHC = "manage/health-checks/<int:pk>/"
urlpatterns += [
    path("apply/health-checks/", health_views.health_checks, name="health-checks"),
    path("apply/health-checks/download.<slug:fmt>", health_views.health_checks_download, name="health-checks-download"),
    path(HC, health_views.health_check, name="health-check"),
    path(HC + "area/<slug:code>/", health_views.health_check_area, name="health-check-area"),
    path(HC + "request-sign-off/", health_views.health_check_request_sign_off, name="health-check-request-sign-off"),
    path(HC + "sign-off/", health_views.health_check_sign_off, name="health-check-sign-off"),
    path("apply/health-checks/trend/<int:cluster_pk>/", health_views.health_trend, name="health-trend"),
    *list_paths("manage/health-checks/", health_views.manage_health_checks, "manage-health-checks"),
    path(MHC, health_views.manage_health_check, name="manage-health-check"),
    path(MHC + "area/<slug:code>/", health_views.moderate_area, name="moderate-area"),
    path(MHC + "finish/", health_views.moderation_finish, name="moderation-finish"),
    path("manage/health-checks/invite/<int:cluster_pk>/", health_views.invite_to_development, name="invite-development"),
    path("manage/health-checks/trend/<int:cluster_pk>/", health_views.manage_trend, name="manage-health-trend"),
]

urlpatterns += [
    *list_paths("manage/monitoring/money/", money_views.all_money, "all-money"),
    path("manage/monitoring/money/import/", money_views.import_lines, name="import-lines"),
    path("manage/monitoring/money/clusters/<int:cluster_pk>/", money_views.manage_cluster_money, name="cluster-money"),
    path("apply/money/<int:cluster_pk>/", money_views.apply_cluster_money, name="apply-cluster-money"),
    path("manage/monitoring/impact/<int:cluster_pk>/", money_views.manage_impact, name="impact"),
    path("apply/impact/<int:cluster_pk>/", money_views.apply_impact, name="apply-impact"),
]
