"""Pages of this app, mounted under /obligations/ by the project URLconf."""

from django.urls import path

from . import views
from . import views_duties as duties

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
    path("standardisation/", duties.standardisation_list, name="standardisations"),
    path("standardisation/export/", duties.standardisation_export, name="standardisation_export"),
    path("standardisation/new/", duties.standardisation_create, name="standardisation_create"),
    path("standardisation/<int:pk>/", duties.standardisation_detail, name="standardisation"),
    path("standardisation/<int:pk>/edit/", duties.standardisation_edit, name="standardisation_edit"),
    path("standardisation/<int:pk>/step/", duties.standardisation_step, name="standardisation_step"),
    path("spot-checks/", duties.spot_check_list, name="spot_checks"),
    path("spot-checks/new/", duties.spot_check_create, name="spot_check_create"),
    path("spot-checks/<int:pk>/", duties.spot_check_detail, name="spot_check"),
    path("spot-checks/<int:pk>/step/", duties.spot_check_step, name="spot_check_step"),
    path("spot-check-entries/<int:pk>/result/", duties.spot_result, name="spot_result"),
    path("organisations/", duties.organisation_list, name="organisations"),
    path("organisations/export/", duties.organisation_export, name="organisation_export"),
    path("organisations/new/", duties.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", duties.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/edit/", duties.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/step/", duties.organisation_step, name="organisation_step"),
    path("commitments/", duties.commitment_list, name="commitments"),
    path("commitments/export/", duties.commitment_export, name="commitment_export"),
    path("commitments/new/", duties.commitment_create, name="commitment_create"),
    path("commitments/<int:pk>/", duties.commitment_detail, name="commitment"),
    path("commitments/<int:pk>/edit/", duties.commitment_edit, name="commitment_edit"),
    path("commitments/<int:pk>/step/", duties.commitment_step, name="commitment_step"),
]
