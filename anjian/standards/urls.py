"""Pages of this app."""

app_name = "standards"
urlpatterns: list = []
