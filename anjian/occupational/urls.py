"""Pages of this app, mounted under /occupational/ by the project URLconf."""

from django.urls import path

from . import views

app_name = "occupational"
urlpatterns = [
    path("examinations/import/", views.examination_import, name="examination_import"),
    path("examinations/import/template/", views.examination_import_template, name="examination_import_template"),
    path("detections/<int:pk>/results/", views.add_result, name="detection_result"),
    *views.routes(),
]
