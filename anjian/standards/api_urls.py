"""API routes of this app, mounted under /api/ by the project URLconf.

The file endpoints come before the router's, whose detail routes would otherwise read
"import" or "export" as a record id."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import (
    AccidentTypeViewSet,
    CheckItemViewSet,
    ChecklistViewSet,
    CriteriaDocumentViewSet,
    HazardFactorClassViewSet,
    MajorHazardCriterionViewSet,
)
from .api_io import (
    ChecklistExportView,
    ChecklistImportTemplateView,
    ChecklistImportView,
    CriteriaExportView,
    CriteriaImportTemplateView,
    CriteriaImportView,
)

router = SimpleRouter()
router.register("criteria-documents", CriteriaDocumentViewSet, basename="criteria-document")
router.register("major-hazard-criteria", MajorHazardCriterionViewSet, basename="major-hazard-criterion")
router.register("checklists", ChecklistViewSet, basename="checklist")
router.register("check-items", CheckItemViewSet, basename="check-item")
router.register("accident-types", AccidentTypeViewSet, basename="accident-type")
router.register("hazard-factor-classes", HazardFactorClassViewSet, basename="hazard-factor-class")

urlpatterns = [
    path("checklists/import/", ChecklistImportView.as_view(), name="api-checklist-import"),
    path("checklists/export/", ChecklistExportView.as_view(), name="api-checklist-export"),
    path("checklists/import-template/", ChecklistImportTemplateView.as_view(), name="api-checklist-import-template"),
    path("major-hazard-criteria/export/", CriteriaExportView.as_view(), name="api-criteria-export"),
    path("major-hazard-criteria/import/", CriteriaImportView.as_view(), name="api-criteria-import"),
    path("major-hazard-criteria/import-template/", CriteriaImportTemplateView.as_view(),
         name="api-criteria-import-template"),
    *router.urls,
]
