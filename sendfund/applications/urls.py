from django.urls import path

from sendfund.core.downloads import list_paths

from . import views

app_name = "applications"
A = "apply/applications/<int:pk>/"
urlpatterns = [
    path("apply/rounds/", views.rounds, name="rounds"),
    path("apply/rounds/<int:round_pk>/start/", views.start, name="start"),
    *list_paths("apply/applications/", views.dashboard, "dashboard"),
    path(A, views.detail, name="detail"),
    path(A + "section/<slug:key>/", views.section, name="section"),
    path(A + "documents/<int:doc>/", views.document, name="document"),
    path(A + "documents/<int:doc>/remove/", views.document_remove, name="document-remove"),
    path(A + "check/", views.check, name="check"),
    path(A + "request-sign-off/", views.request_sign_off, name="request-sign-off"),
    path(A + "withdraw/", views.withdraw, name="withdraw"),
    path(A + "sign-off/", views.sign_off, name="sign-off"),
    path(A + "confirmation/", views.confirmation, name="confirmation"),
    path(A + "list/<slug:kind>/", views.items, name="items"),
    path(A + "list/<slug:kind>/add/", views.item_add, name="item-add"),
    path(A + "list/<slug:kind>/<int:item>/", views.item_edit, name="item-edit"),
    path(A + "list/<slug:kind>/<int:item>/remove/", views.item_remove, name="item-remove"),
    *list_paths("manage/applications/", views.manage_list, "manage-list"),
    path("manage/applications/<int:pk>/", views.manage_detail, name="manage-detail"),
    path("manage/applications/<int:pk>/documents/<int:doc>/", views.manage_document, name="manage-document"),
]
