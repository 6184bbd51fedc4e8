"""Pages of this app, mounted under /majorhazards/ by the project URLconf."""

app_name = "majorhazards"
urlpatterns: list = []
