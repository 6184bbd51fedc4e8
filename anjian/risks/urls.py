"""Pages of this app, mounted under /risks/ by the project URLconf."""

app_name = "risks"
urlpatterns: list = []
