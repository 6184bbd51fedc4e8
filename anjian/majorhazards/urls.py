"""Pages of this app, mounted under /major-hazard-sources/ by the project URLconf."""

from django.urls import path

from . import views

app_name = "majorhazards"
urlpatterns = [
    path("", views.source_list, name="list"),
    path("export/", views.export_xlsx, name="export"),
    path("new/", views.source_create, name="create"),
    path("calculator/", views.calculator, name="calculator"),
    path("tables/", views.tables, name="tables"),
    path("<int:pk>/", views.source_detail, name="detail"),
    path("<int:pk>/edit/", views.source_edit, name="edit"),
    path("<int:pk>/substances/", views.substance_add, name="substance_add"),
    path("<int:pk>/substances/<int:sub_pk>/remove/", views.substance_void, name="substance_void"),
    path("<int:pk>/persons/", views.person_appoint, name="person_appoint"),
    path("<int:pk>/checks/", views.check_add, name="check_add"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/void/", views.void, name="void"),
]
