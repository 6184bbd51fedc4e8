"""Pages of this app, mounted under /monitoring/ by the project URLconf. A source's pages are keyed
by its major hazard source (a source has monitoring before its first sensor)."""

from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.wall, name="wall"),
    path("alarms/", views.alarm_list, name="alarms"),
    path("bad-input/", views.bad_input, name="bad_input"),
    path("sensors/import-template/", views.import_template, name="import_template"),
    path("sources/<int:pk>/", views.source_page, name="source"),
    path("sources/<int:pk>/live.json", views.source_live, name="source_live"),
    path("sources/<int:pk>/sensors/new/", views.sensor_create, name="sensor_create"),
    path("sources/<int:pk>/sensors/import/", views.sensor_import, name="sensor_import"),
    path("sources/<int:pk>/sensors/export/", views.sensor_export, name="sensor_export"),
    path("sources/<int:pk>/facility-type/", views.facility_type, name="facility_type"),
    path("sensors/<int:pk>/edit/", views.sensor_edit, name="sensor_edit"),
    path("sensors/<int:pk>/void/", views.sensor_void, name="sensor_void"),
    path("sensors/<int:pk>/trend.json", views.sensor_trend, name="sensor_trend"),
    path("alarms/<int:pk>/", views.alarm_detail, name="alarm"),
    path("alarms/<int:pk>/act/", views.alarm_act, name="alarm_act"),
]
