"""Pages of this app, mounted under /obligations/ by the project URLconf."""

from django.urls import path

from . import views

app_name = "obligations"
urlpatterns = [
    path("licences/", views.licence_list, name="licences"),
    path("licences/export/", views.licence_export, name="licence_export"),
    path("licences/new/", views.licence_create, name="licence_create"),
    path("licences/<int:pk>/", views.licence_detail, name="licence"),
    path("licences/<int:pk>/edit/", views.licence_edit, name="licence_edit"),
    path("licences/<int:pk>/step/", views.licence_step, name="licence_step"),
    path("persons/", views.person_list, name="persons"),
    path("persons/export/", views.person_export, name="person_export"),
    path("persons/new/", views.person_create, name="person_create"),
    path("persons/import/", views.person_import, name="person_import"),
    path("persons/import/template/", views.person_import_template, name="person_import_template"),
    path("persons/<int:pk>/", views.person_detail, name="person"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:pk>/step/", views.person_step, name="person_step"),
    path("persons/<int:pk>/certificates/new/", views.certificate_add, name="certificate_add"),
    path("certificates/<int:pk>/edit/", views.certificate_edit, name="certificate_edit"),
    path("certificates/<int:pk>/step/", views.certificate_step, name="certificate_step"),
]
