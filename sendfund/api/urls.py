from django.urls import path

from . import views

app_name = "api-tokens"
urlpatterns = [
    path("account/api-tokens/", views.tokens, name="list"),
    path("account/api-tokens/<int:pk>/revoke/", views.token_revoke, name="revoke"),
    path("api/v1/docs", views.docs, name="docs"),
]
