"""Pages of this app."""

app_name = "inspections"
urlpatterns: list = []
