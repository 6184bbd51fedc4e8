"""Rectification notices (整改通知单) in the API: the notices in the caller's jurisdiction, issuing
one, and its PDF."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from anjian.core.api import ScopedReadOnlyViewSet, ScopedRelatedFieldsMixin
from anjian.core.api_fields import ActionPermission, ModelSerializer, UserNameField
from anjian.orgs.models import Department

from . import services
from .api_common import FILTER_BACKENDS, ISSUE, PDF, PdfRenderer
from .documents import notice_pdf
from .filters import RectificationNoticeFilter
from .models import Hazard, RectificationNotice


class NoticeHazardSerializer(ModelSerializer):
    class Meta:
        model = Hazard
        fields = ["id", "number", "description", "state"]


class RectificationNoticeSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False,
        help_text="the issuing unit; by default the caller's department")
    hazards = serializers.PrimaryKeyRelatedField(queryset=Hazard.objects.all(), many=True, write_only=True,
                                                 help_text="ids of the hazards (of one enterprise) to rectify")
    hazard_list = NoticeHazardSerializer(source="hazards", many=True, read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    issued_by = UserNameField()

    class Meta:
        model = RectificationNotice
        fields = ["id", "number", "enterprise", "enterprise_name", "department", "department_name", "hazards",
                  "hazard_list", "deadline", "requirements", "issued_by", "issued_on", "region_path"]
        read_only_fields = ["number", "enterprise", "issued_on", "region_path"]

    def create(self, validated_data):
        user = self.context["request"].user
        department = validated_data.get("department") or user.department
        if department is None:
            raise serializers.ValidationError({"department": _("Choose the issuing unit.")})
        return services.issue_notice(actor=user, department=department, hazards=validated_data["hazards"],
                                     deadline=validated_data["deadline"],
                                     requirements=validated_data.get("requirements", ""))


class RectificationNoticeViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Rectification notices (整改通知单) in the caller's jurisdiction; POST issues one."""

    queryset = RectificationNotice.objects.all()
    serializer_class = RectificationNoticeSerializer
    filterset_class = RectificationNoticeFilter
    filter_backends = FILTER_BACKENDS
    permission_classes = [ActionPermission]
    action_permissions = {"create": ISSUE}
    ordering_fields = ["issued_on", "deadline", "id"]

    select_related = ("enterprise", "department", "issued_by")

    def get_queryset(self):
        return super().get_queryset().prefetch_related(Prefetch("hazards", queryset=Hazard.objects.order_by("id")))

    def create(self, request, *args, **kwargs):
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        notice = ser.save()
        fresh = self.get_queryset().get(pk=notice.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, PDF): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PdfRenderer])
    def pdf(self, request, pk=None):
        notice = self.get_object()
        response = HttpResponse(notice_pdf(notice), content_type=PDF)
        response["Content-Disposition"] = f'inline; filename="{notice.number}.pdf"'
        return response
