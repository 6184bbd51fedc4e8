"""Pages of this app, mounted under /accidents/ by the project URLconf. The statistics and
regional-figures pages live in urls_stats.py."""

from django.urls import path

from . import views
from .urls_stats import urlpatterns as statistics_patterns

app_name = "accidents"
urlpatterns: list = [
    path("", views.accident_list, name="list"),
    path("new/", views.accident_create, name="create"),
    path("export/", views.accident_export, name="export"),
    path("import/", views.accident_import, name="import"),
    path("import/template/", views.accident_import_template, name="import_template"),
    path("<int:pk>/", views.accident_detail, name="detail"),
    path("<int:pk>/edit/", views.accident_edit, name="edit"),
    path("<int:pk>/<slug:action>/", views.accident_action, name="action"),
    *statistics_patterns,
]
