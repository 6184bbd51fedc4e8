"""Dual reports (双报告) and re-checks (复查) in the API: the records as the hazard's detail shows
them, the input of their steps (filed on the hazard: POST /api/hazards/{id}/dual-report/ and
…/recheck/), and their read-only lists with the printable PDF."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer

from anjian.core.api import ScopedReadOnlyViewSet, ScopedRelatedFieldsMixin
from anjian.core.api_fields import (
    ActionPermission,
    EnumField,
    ModelSerializer,
    UserNameField,
    VersionSerializer,
    files_field,
)
from anjian.core.filters import INT_MAX, OUT_OF_RANGE
from anjian.core.filters import StableOrderingFilter as OrderingFilter
from anjian.core.services import attachments_for
from anjian.orgs.models import Department

from .api_common import PDF, AttachmentSerializer, PdfRenderer, absolute
from .choices import DualReportRecipient, DualReportStage, RecheckOutcome
from .documents import record_pdf
from .models import DualReport, Recheck


class _RecordSerializer(ModelSerializer):
    """A record kept on a hazard (a dual report, a re-check), with its files and the URL of its PDF
    (the route ``pdf_url_name``)."""

    files = serializers.SerializerMethodField()
    pdf_url_name = ""

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_files(self, obj):
        return AttachmentSerializer(attachments_for(obj).select_related("uploaded_by"), many=True,
                                    context=self.context).data

    def get_pdf(self, obj) -> str:
        return absolute(self.context, reverse(self.pdf_url_name, args=[obj.pk]))


class DualReportRecordSerializer(_RecordSerializer):
    """A filed dual report (read-only: reports are never changed; a correction is a new report)."""

    stage = EnumField(DualReportStage, read_only=True)
    recipient = EnumField(DualReportRecipient, read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True, allow_null=True)
    hazard_number = serializers.CharField(source="hazard.number", read_only=True)
    reported_by = UserNameField()
    pdf = serializers.SerializerMethodField(help_text="the report as a printable PDF")
    pdf_url_name = "dual-report-pdf"

    class Meta:
        model = DualReport
        fields = ["id", "hazard", "hazard_number", "stage", "recipient", "department", "department_name",
                  "recipient_name", "reported_on", "situation", "severity_analysis", "treatment_plan",
                  "treatment_result", "legacy", "reported_by", "created_at", "files", "pdf"]
        read_only_fields = fields

class RecheckRecordSerializer(_RecordSerializer):
    """A recorded re-check (复查) and its outcome."""

    outcome = EnumField(RecheckOutcome, read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True, allow_null=True)
    notice_number = serializers.CharField(source="notice.number", read_only=True, allow_null=True)
    hazard_number = serializers.CharField(source="hazard.number", read_only=True)
    checked_by = UserNameField()
    is_late = serializers.BooleanField(read_only=True)
    pdf = serializers.SerializerMethodField(help_text="the re-check opinion (整改复查意见书) as a PDF")
    pdf_url_name = "recheck-pdf"

    class Meta:
        model = Recheck
        fields = ["id", "number", "hazard", "hazard_number", "notice", "notice_number", "outcome", "checked_on",
                  "opinion", "previous_deadline", "new_deadline", "due_on", "limit_days", "is_late", "department",
                  "department_name", "inspectors", "checked_by", "created_at", "files", "pdf"]
        read_only_fields = fields

class RecheckSerializer(ScopedRelatedFieldsMixin, VersionSerializer):
    """A re-check's outcome; send multipart/form-data to attach ``files``."""

    outcome = EnumField(RecheckOutcome)
    opinion = serializers.CharField(help_text="the re-check opinion")
    checked_on = serializers.DateField(required=False, allow_null=True, help_text="by default today")
    new_deadline = serializers.DateField(required=False, allow_null=True,
                                         help_text="required when the re-check did not pass (later than today)")
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True,
        help_text="the re-checking unit; by default the caller's department")
    inspectors = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    files = files_field("photos or documents of the re-check")


class DualReportSerializer(ScopedRelatedFieldsMixin, VersionSerializer):
    """One report of a major hazard (双报告); send multipart/form-data to attach ``files``."""

    stage = EnumField(DualReportStage, required=False, default=DualReportStage.INITIAL,
                      help_text="the hazard report (when found) or the treatment result report (once rectified)")
    recipient = EnumField(DualReportRecipient, help_text="the supervising department or the workers' congress")
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True,
        help_text="the receiving department (reports to the department): one of the enterprise's township or a "
                  "region above it; by default the department on the enterprise's supervision plate")
    recipient_name = serializers.CharField(required=False, allow_blank=True, max_length=100, default="",
                                           help_text="the meeting (reports to the workers' congress)")
    reported_on = serializers.DateField()
    situation = serializers.CharField(required=False, allow_blank=True, default="",
                                      help_text="present state of the hazard and its cause (hazard report)")
    severity_analysis = serializers.CharField(required=False, allow_blank=True, default="",
                                              help_text="how serious it is and how hard to remove (hazard report)")
    treatment_plan = serializers.CharField(required=False, allow_blank=True, default="",
                                           help_text="the treatment plan (hazard report)")
    treatment_result = serializers.CharField(required=False, allow_blank=True, default="",
                                             help_text="the result of the treatment (result report)")
    files = files_field("the report's documents")
    unscoped_fields = {"department": "a report goes to a department of the enterprise's township or a region above "
                                     "it, beyond an enterprise user's scope; the service checks it "
                                     "(recipient_departments)"}


# --- the lists ------------------------------------------------------------------------------------

class _HazardRecordViewSet(ScopedReadOnlyViewSet):
    """A read-only list of one kind of record kept on hazards (dual reports, re-checks), scoped
    to the caller, narrowed by ``?hazard=<id>``, each printable at ``…/pdf/``."""

    filter_backends = [OrderingFilter]
    permission_classes = [ActionPermission]
    ordering = ["-id"]

    def get_queryset(self):
        qs = super().get_queryset()
        hazard = self.request.query_params.get("hazard", "")
        if not hazard.isdigit():
            return qs
        if int(hazard[:40]) > INT_MAX:  # beyond what the database holds: a 400, not a 500
            raise serializers.ValidationError({"hazard": [OUT_OF_RANGE]})
        return qs.filter(hazard_id=int(hazard))

    @extend_schema(responses={(200, PDF): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PdfRenderer])
    def pdf(self, request, pk=None):
        content, filename = record_pdf(self.get_object())
        response = HttpResponse(content, content_type=PDF)
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response


class DualReportViewSet(_HazardRecordViewSet):
    """Dual reports (双报告) of major hazards in the caller's jurisdiction, read-only: a report is
    filed through POST /api/hazards/{id}/dual-report/. ``…/pdf/`` gives the printable report."""

    queryset = DualReport.objects.all()
    serializer_class = DualReportRecordSerializer
    ordering_fields = ["reported_on", "id"]
    select_related = ("hazard", "department", "reported_by")


class RecheckViewSet(_HazardRecordViewSet):
    """Re-checks (复查) in the caller's jurisdiction, read-only: a re-check is recorded through
    POST /api/hazards/{id}/recheck/. ``…/pdf/`` gives the re-check opinion (整改复查意见书)."""

    queryset = Recheck.objects.all()
    serializer_class = RecheckRecordSerializer
    ordering_fields = ["checked_on", "id"]
    select_related = ("hazard", "department", "checked_by", "notice")
