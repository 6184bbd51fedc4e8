"""Listed supervision (挂牌督办) in the API: listing a hazard's input (POST /api/hazards/{id}/list/),
the listings in the caller's jurisdiction, progress reports and delisting."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from anjian.core.api import ScopedReadOnlyViewSet, ScopedRelatedFieldsMixin
from anjian.core.api_fields import (
    ActionPermission,
    EnumField,
    ModelSerializer,
    Serializer,
    UserNameField,
    VersionSerializer,
)
from anjian.orgs.models import Department

from . import services
from .api_common import FILTER_BACKENDS, LIST, TRANSITION
from .choices import ListingLevel, ListingState
from .filters import ListedSupervisionFilter
from .models import ListedSupervision


class ListingRequestSerializer(ScopedRelatedFieldsMixin, VersionSerializer):
    level = EnumField(ListingLevel, required=False, allow_blank=True,
                      help_text="the supervising unit's region level (by default that level; another is refused)")
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False,
        help_text="the supervising unit; by default the caller's department")
    deadline = serializers.DateField()
    document_number = serializers.CharField(required=False, allow_blank=True, max_length=60, default="")
    requirements = serializers.CharField(required=False, allow_blank=True, default="")


# --- listed supervision -----------------------------------------------------------------------

class ListingProgressSerializer(Serializer):
    id = serializers.IntegerField()
    content = serializers.CharField()
    reported_by = UserNameField()
    reported_at = serializers.DateTimeField()


class ListedSupervisionSerializer(ModelSerializer):
    hazard_number = serializers.CharField(source="hazard.number", read_only=True)
    hazard_state = serializers.CharField(source="hazard.state", read_only=True)
    hazard_description = serializers.CharField(source="hazard.description", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    level = EnumField(ListingLevel, read_only=True)
    state = EnumField(ListingState, read_only=True)
    is_overdue = serializers.SerializerMethodField()
    listed_by = UserNameField()
    delisted_by = UserNameField()

    class Meta:
        model = ListedSupervision
        fields = ["id", "hazard", "hazard_number", "hazard_state", "hazard_description", "enterprise",
                  "enterprise_name", "region_path", "level", "department", "department_name", "document_number",
                  "requirements", "deadline", "state", "is_overdue", "listed_by", "listed_at", "delisted_by",
                  "delisted_at", "delist_comment"]
        read_only_fields = fields

    def get_is_overdue(self, obj) -> bool:
        return obj.state == ListingState.LISTED and obj.deadline < timezone.localdate()


class ListedSupervisionDetailSerializer(ListedSupervisionSerializer):
    progress = serializers.SerializerMethodField()

    class Meta(ListedSupervisionSerializer.Meta):
        fields = [*ListedSupervisionSerializer.Meta.fields, "progress"]
        read_only_fields = fields

    @extend_schema_field(ListingProgressSerializer(many=True))
    def get_progress(self, obj):
        return ListingProgressSerializer(obj.progress.select_related("reported_by"), many=True).data


class ProgressSerializer(Serializer):
    content = serializers.CharField()


class DelistSerializer(VersionSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ListedSupervisionViewSet(ScopedReadOnlyViewSet):
    """Listed supervisions (挂牌督办) in the caller's jurisdiction. A hazard is listed through
    POST /api/hazards/{id}/list/; here: progress reports and delisting (only after close-out)."""

    queryset = ListedSupervision.objects.all()
    serializer_class = ListedSupervisionSerializer
    filterset_class = ListedSupervisionFilter
    filter_backends = FILTER_BACKENDS
    permission_classes = [ActionPermission]
    action_permissions = {"progress": TRANSITION, "delist": LIST}
    ordering_fields = ["listed_at", "deadline", "id"]

    select_related = ("hazard", "enterprise", "department", "listed_by", "delisted_by")

    def get_serializer_class(self):
        return ListedSupervisionSerializer if self.action == "list" else ListedSupervisionDetailSerializer

    def _answer(self, listing: ListedSupervision) -> Response:
        fresh = self.get_queryset().get(pk=listing.pk)
        return Response(ListedSupervisionDetailSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=ProgressSerializer, responses=ListedSupervisionDetailSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        listing = self.get_object()
        ser = ProgressSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.report_listing_progress(listing, actor=request.user, content=ser.validated_data["content"])
        return self._answer(listing)

    @extend_schema(request=DelistSerializer, responses=ListedSupervisionDetailSerializer)
    @action(detail=True, methods=["post"])
    def delist(self, request, pk=None):
        listing = self.get_object()
        ser = DelistSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.delist(listing, actor=request.user, comment=ser.validated_data["comment"],
                        expected_version=ser.validated_data.get("version"))
        return self._answer(listing)
