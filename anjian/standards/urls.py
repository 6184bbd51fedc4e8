"""Pages of this app, under /standards/."""

from django.urls import path

from . import views, views_io

app_name = "standards"
urlpatterns = [
    path("", views.checklist_list, name="list"),
    path("export.xlsx", views_io.export_xlsx, name="export"),
    path("import/", views_io.import_page, name="import"),
    path("import/template.xlsx", views_io.import_template, name="import_template"),
    path("criteria/", views.criteria_catalogue, name="criteria"),
    path("criteria/export.xlsx", views_io.criteria_export_xlsx, name="criteria_export"),
    path("criteria/import/", views_io.criteria_import_page, name="criteria_import"),
    path("criteria/import/template.xlsx", views_io.criteria_import_template, name="criteria_import_template"),
    path("<int:pk>/", views.checklist_detail, name="detail"),
    path("<int:pk>/new-version/", views.checklist_new_version, name="new_version"),
    path("<int:pk>/deactivate/", views.checklist_set_active, {"active": False}, name="deactivate"),
    path("<int:pk>/activate/", views.checklist_set_active, {"active": True}, name="activate"),
]
