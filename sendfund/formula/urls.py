app_name = "formula"
urlpatterns: list = []
