"""API endpoints for the standards library's files: checklist and criteria imports
(all-or-nothing, with the row-by-row report; system administrators), checklist export and
the import templates, and the criteria catalogue export. Exports take the same filters as the matching list endpoints."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from anjian.core.api import ImportErrorSerializer, ImportUploadSerializer, XlsxRenderer
from anjian.core.api_fields import Serializer
from anjian.core.downloads import XLSX, xlsx_response
from anjian.core.imports import ImportReport, import_upload
from anjian.orgs.permissions import IsSystemAdmin

from . import selectors
from .exports import export_checklists, export_criteria
from .filters import ChecklistFilter, CriteriaDocumentFilter, MajorHazardCriterionFilter, active_unless_asked
from .imports import import_checklists, template_bytes
from .imports_criteria import import_criteria
from .imports_criteria import template_bytes as criteria_template_bytes
from .views_io import checklist_export_filename, criteria_export_filename

TEMPLATE_FILENAME = "checklist-import-template.xlsx"


class ChecklistImportReportSerializer(Serializer):
    ok = serializers.BooleanField()
    total_rows = serializers.IntegerField()
    checklists = serializers.IntegerField(help_text="checklists (or new versions) written")
    created = serializers.IntegerField(help_text="check items written")
    errors = ImportErrorSerializer(many=True)


def report_dict(report: ImportReport) -> dict:
    return {**report.as_dict(), "checklists": getattr(report, "checklists", 0)}


class ChecklistImportView(APIView):
    """Import checklists (or new versions of existing ones) from an xlsx/CSV file laid out like
    the template. Every row is checked first; if any row has an error nothing is written and
    the answer (400) lists every error with its row and column."""

    parser_classes = [MultiPartParser, FormParser]
    permission_classes = [permissions.IsAuthenticated, IsSystemAdmin]

    @extend_schema(
        operation_id="checklists_import",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ChecklistImportReportSerializer, 400: ChecklistImportReportSerializer,
                   403: OpenApiResponse(description="Only system administrators import checklists.")},
        tags=["standards"],
    )
    def post(self, request):
        report = import_upload(request, import_checklists)
        return Response(report_dict(report), status=status.HTTP_201_CREATED if report.ok
                        else status.HTTP_400_BAD_REQUEST)


class ChecklistExportView(GenericAPIView):
    """The checklists narrowed by the same filters as /api/checklists/, with their items, as xlsx."""

    filterset_class = ChecklistFilter
    pagination_class = None
    ordering_fields = ["code", "name", "effective_from"]
    renderer_classes = [JSONRenderer, XlsxRenderer]

    def get_queryset(self):
        return selectors.checklists()

    @extend_schema(operation_id="checklists_export", filters=True, responses={(200, XLSX): OpenApiTypes.BINARY},
                   tags=["standards"])
    def get(self, request) -> HttpResponse:
        queryset = active_unless_asked(self.filter_queryset(self.get_queryset()), request.query_params)
        return xlsx_response(export_checklists(queryset), checklist_export_filename())


class ChecklistImportTemplateView(APIView):
    """The xlsx import template, with example rows, industry codes and criterion codes."""

    renderer_classes = [JSONRenderer, XlsxRenderer]

    @extend_schema(operation_id="checklists_import_template", responses={(200, XLSX): OpenApiTypes.BINARY},
                   tags=["standards"])
    def get(self, request) -> HttpResponse:
        return xlsx_response(template_bytes(), TEMPLATE_FILENAME)


class CriteriaExportView(GenericAPIView):
    """The criteria catalogue as xlsx: documents filtered like /api/criteria-documents/
    (industry, q), their criteria like /api/major-hazard-criteria/ (industry, is_confirmed)."""

    filterset_class = CriteriaDocumentFilter
    ordering_fields = ["code", "title", "effective_from"]
    ordering = ["code"]
    pagination_class = None
    renderer_classes = [JSONRenderer, XlsxRenderer]

    def get_queryset(self):
        return selectors.criteria_documents()

    @extend_schema(operation_id="criteria_export", filters=True, responses={(200, XLSX): OpenApiTypes.BINARY},
                   tags=["standards"])
    def get(self, request) -> HttpResponse:
        params = request.query_params
        documents = active_unless_asked(self.filter_queryset(self.get_queryset()), params)
        criteria = MajorHazardCriterionFilter({k: v for k, v in params.items() if k in ("industry", "is_confirmed")},
                                              queryset=selectors.criteria()).qs
        criteria = active_unless_asked(criteria, params)
        return xlsx_response(export_criteria(documents, criteria), criteria_export_filename())


class CriteriaImportReportSerializer(Serializer):
    ok = serializers.BooleanField()
    total_rows = serializers.IntegerField()
    created = serializers.IntegerField(help_text="criteria added")
    updated = serializers.IntegerField(help_text="criteria whose text (and other filled cells) were replaced")
    errors = ImportErrorSerializer(many=True)


class CriteriaImportView(APIView):
    """Replace the texts of major-hazard criteria (e.g. with the official wording) or add
    criteria, from an xlsx/CSV file laid out like the template or the criteria export. Every
    row is checked first; if any row has an error nothing is written and the answer (400)
    lists every error with its row and column."""

    parser_classes = [MultiPartParser, FormParser]
    permission_classes = [permissions.IsAuthenticated, IsSystemAdmin]

    @extend_schema(
        operation_id="criteria_import",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={200: CriteriaImportReportSerializer, 400: CriteriaImportReportSerializer,
                   403: OpenApiResponse(description="Only system administrators import criteria.")},
        tags=["standards"],
    )
    def post(self, request):
        report = import_upload(request, import_criteria)
        body = {**report.as_dict(), "updated": getattr(report, "updated", 0)}
        return Response(body, status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST)


class CriteriaImportTemplateView(APIView):
    """The xlsx template of the criteria import, with the documents' codes."""

    renderer_classes = [JSONRenderer, XlsxRenderer]

    @extend_schema(operation_id="criteria_import_template", responses={(200, XLSX): OpenApiTypes.BINARY},
                   tags=["standards"])
    def get(self, request) -> HttpResponse:
        return xlsx_response(criteria_template_bytes(), "criteria-import-template.xlsx")
