"""API endpoints for the enterprise registry's files: import (all-or-nothing, with the
row-by-row report), export of the filtered list as xlsx (same filters as /api/enterprises/)
and the import template."""


from django.http import HttpResponse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from anjian.core.api import ImportReportSerializer, ImportUploadSerializer, XlsxRenderer
from anjian.core.downloads import XLSX, xlsx_response
from anjian.core.exports import api_export_response
from anjian.core.imports import import_upload

from .exports import export_enterprises
from .filters import EnterpriseFilter
from .imports import import_enterprises, template_bytes
from .selectors import enterprise_list
from .views_io import export_filename, template_filename


class CanImportEnterprises(permissions.BasePermission):
    message = gettext_lazy("You may not import enterprises.")

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.has_perm("enterprises.import_enterprise"))








class EnterpriseImportView(APIView):
    """Import enterprises from an xlsx/CSV file. Every row is checked first; if any row has an
    error nothing is written and the answer (400) lists every error with its row and column."""

    parser_classes = [MultiPartParser, FormParser]
    permission_classes = [permissions.IsAuthenticated, CanImportEnterprises]

    @extend_schema(
        operation_id="enterprises_import",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportReportSerializer, 400: ImportReportSerializer,
                   403: OpenApiResponse(description="No permission to import enterprises.")},
        tags=["enterprises"],
    )
    def post(self, request):
        report = import_upload(request, import_enterprises)
        return Response(report.as_dict(), status=status.HTTP_201_CREATED if report.ok else status.HTTP_400_BAD_REQUEST)


class EnterpriseExportView(GenericAPIView):
    """The caller's enterprises, narrowed by the same filters as /api/enterprises/, as xlsx."""

    filterset_class = EnterpriseFilter
    ordering_fields = ["id", "name", "employees", "created_at"]
    ordering = ["-id"]
    pagination_class = None
    renderer_classes = [JSONRenderer, XlsxRenderer]

    def get_queryset(self):
        return enterprise_list(self.request.user)

    @extend_schema(
        operation_id="enterprises_export",
        filters=True,
        responses={(200, XLSX): OpenApiTypes.BINARY,
                   400: OpenApiResponse(description="Invalid filter, or more rows than one export may hold.")},
        tags=["enterprises"],
    )
    def get(self, request):
        return api_export_response(lambda: export_enterprises(self.filter_queryset(self.get_queryset())),
                                   export_filename())


class EnterpriseImportTemplateView(APIView):
    """The xlsx import template, with example rows and the industry codes."""

    renderer_classes = [JSONRenderer, XlsxRenderer]

    @extend_schema(operation_id="enterprises_import_template", responses={(200, XLSX): OpenApiTypes.BINARY},
                   tags=["enterprises"])
    def get(self, request) -> HttpResponse:
        return xlsx_response(template_bytes(), template_filename())
