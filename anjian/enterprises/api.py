from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from anjian.core import dossier
from anjian.core.api import (
    AvailableActionsField,
    EventSerializer,
    HistoryActionMixin,
    ScopedRelatedFieldsMixin,
    ScopedViewSet,
    ValuesRepresentation,
)
from anjian.core.api_fields import ModelSerializer, Serializer
from anjian.core.pages import scoped_list
from anjian.core.pagination import DeferredJoinPagination
from anjian.core.services import events_for
from anjian.orgs.choices import Role
from anjian.orgs.models import Department, User
from anjian.regions.models import Grid, Region

from . import services
from .choices import OPERATING_STATUS_MACHINE, OperatingStatus
from .filters import EnterpriseFilter, SupervisionFilter
from .models import Enterprise, FeatureTag, Industry, Supervision
from .policy import policy
from .selectors import CURRENT_PLATE, LIST_RELATED, enterprise_rows, tag_codes


class IndustrySerializer(ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Industry
        fields = ["id", "code", "name", "name_en", "parent", "high_risk", "high_risk_source"]


class FeatureTagSerializer(ModelSerializer):
    class Meta:
        model = FeatureTag
        fields = ["code", "name", "description", "source", "source_confirmed", "is_active"]


def attach_figures(user, enterprises) -> None:
    """Put ``_figures`` (the values of the list columns other apps provide, core.dossier) on
    each enterprise that has none yet: one query per column for all of them."""
    missing = [e for e in enterprises if not hasattr(e, "_figures")]
    if not missing:
        return
    values = dossier.column_values(user, [e.pk for e in missing]) if user is not None else {}
    for e in missing:
        e._figures = {c.code: values[c.code][e.pk] if values else c.default for c in dossier.columns()}


class EnterpriseListSerializer(serializers.ListSerializer):
    """Many enterprises: their column values are read for all of them at once (not per row)."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        request = self.context.get("request")
        attach_figures(getattr(request, "user", None), items)
        return super().to_representation(items)


class SupervisionSummarySerializer(ModelSerializer):
    department = serializers.CharField(source="department.name")

    class Meta:
        model = Supervision
        fields = ["id", "department", "leader_name", "leader_phone", "officer_name", "officer_phone", "started_on"]


class EnterpriseSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.filter(level="township"),
                                          help_text="township division code")
    region_name = serializers.CharField(source="region.name", read_only=True)
    industry = serializers.SlugRelatedField(slug_field="code", queryset=Industry.objects.all())
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    grid = serializers.SlugRelatedField(slug_field="code", queryset=Grid.objects.all(), allow_null=True,
                                        required=False)
    # A declared nested field is built once per list; a per-row serializer would rebuild its
    # fields for every row (measured: most of the list endpoint's CPU time).
    supervision = SupervisionSummarySerializer(source="current_supervision", read_only=True, allow_null=True)
    tags = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=FeatureTag.objects.all(), required=False,
        help_text="feature-tag codes (see /api/feature-tags/); a retired tag can be kept but not newly given")
    version = serializers.IntegerField(
        required=False, min_value=1,
        help_text="The version you edited (PATCH/PUT): 409 if the enterprise changed since.")

    class Meta:
        model = Enterprise
        fields = [
            "id", "name", "credit_code", "legal_representative", "principal_name", "principal_phone",
            "safety_manager_name", "safety_manager_phone", "address", "region", "region_name", "grid",
            "longitude", "latitude", "industry", "industry_name", "above_scale", "employees", "high_risk",
            "high_risk_basis", "tags", "status", "established_on", "status_changed_on", "suspended_on", "closed_on",
            "supervision", "is_demo", "created_at", "updated_at", "version",
        ]
        read_only_fields = ["status", "status_changed_on", "suspended_on", "closed_on", "is_demo", "created_at",
                            "updated_at"]
        extra_kwargs = {
            "high_risk": {"help_text": "with high_risk_basis=industry this follows the industry and a value sent "
                                       "is ignored; sent without a basis, a value that differs (from the current "
                                       "flag; on creation, from the industry's) makes the basis manual"},
        }
        list_serializer_class = EnterpriseListSerializer

    def get_fields(self):
        # The columns other apps add to the list (core.dossier: risk_grade, open_hazards), as
        # read-only fields read from ``_figures`` (attach_figures).
        fields = super().get_fields()
        for column in dossier.columns():
            field = column.field()
            field.source = f"_figures.{column.code}"
            fields[column.code] = field
        return fields

    def to_representation(self, instance):
        request = self.context.get("request")
        attach_figures(getattr(request, "user", None), [instance])
        return super().to_representation(instance)

    def validate_credit_code(self, value: str) -> str:
        return value.strip().upper()

    def create(self, validated_data):
        validated_data.pop("version", None)
        return services.create_enterprise(actor=self.context["request"].user, data=validated_data)

    def update(self, instance, validated_data):
        version = validated_data.pop("version", None)
        return services.update_enterprise(instance, actor=self.context["request"].user, data=validated_data,
                                          expected_version=version)


class EnterpriseDetailSerializer(EnterpriseSerializer):
    """One enterprise, with the steps the caller may take on it now."""

    available_actions = AvailableActionsField(
        OPERATING_STATUS_MACHINE, policy,
        help_text="the steps the caller may take now: suspend, close, resume (operating status), updated, "
                  "supervision_assigned, void")

    class Meta(EnterpriseSerializer.Meta):
        fields = [*EnterpriseSerializer.Meta.fields, "available_actions"]


# The list page's rows straight from values() into EnterpriseSerializer's JSON (the same bytes):
# no model instances, no per-request serializer fields. Measured at 1M enterprises, this is
# most of what separates the list endpoint from its bare SQL (bench/README.md).
# The tags and the columns other apps add are not values() columns: the list supplies them per
# page (one query each) under the field's name.
LIST_REPRESENTATION = ValuesRepresentation(EnterpriseSerializer, nested={"supervision": CURRENT_PLATE},
                                           supplied=lambda: ["tags", *(c.code for c in dossier.columns())])


class StatusChangeSerializer(Serializer):
    status = serializers.ChoiceField(choices=OperatingStatus.choices)
    on = serializers.DateField(required=False, help_text="the effective date: today by default, never later")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)
    version = serializers.IntegerField(required=False, min_value=1,
                                       help_text="The enterprise version you saw: 409 if it changed since.")


class EnterpriseViewSet(HistoryActionMixin, ScopedViewSet):
    """The enterprise registry in the caller's jurisdiction.

    DELETE (or POST …/void/) voids the record with a reason; it is never erased.
    """

    queryset = Enterprise.objects.all()
    serializer_class = EnterpriseSerializer
    pagination_class = DeferredJoinPagination
    filterset_class = EnterpriseFilter
    ordering_fields = ["id", "name", "employees", "created_at"]
    ordering = ["-id"]

    search_fields = ["name", "=credit_code"]
    void_service = staticmethod(services.void_enterprise)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return EnterpriseDetailSerializer
        return super().get_serializer_class()

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "list":  # the list reads keys, then its rows itself (see list)
            return qs
        current = Supervision.objects.filter(is_current=True).select_related("department")
        return qs.select_related(*LIST_RELATED).prefetch_related(
            Prefetch("supervisions", queryset=current, to_attr="_prefetched_current"), "tags")

    def list(self, request, *args, **kwargs):
        # The page of keys over the scoped, filtered list (COUNT + keys, from the indexes), then
        # the page's rows in one query, represented as EnterpriseSerializer represents them (see
        # LIST_REPRESENTATION). No docstring: the OpenAPI description stays the viewset's.
        queryset = self.filter_queryset(self.get_queryset())
        keys = self.paginator.paginate_keys(queryset, request, view=self) if self.paginator else None
        if keys is None:
            return super().list(request, *args, **kwargs)
        rows = enterprise_rows(keys, LIST_REPRESENTATION.columns)
        tags = tag_codes(keys)
        figures = dossier.column_values(request.user, keys)
        for row in rows:
            row["tags"] = tags[row["id"]]
            for code, values in figures.items():
                row[code] = values[row["id"]]
        return self.get_paginated_response([LIST_REPRESENTATION.represent(row) for row in rows])

    @action(detail=True, methods=["post"], serializer_class=StatusChangeSerializer, url_path="status")
    def change_status(self, request, pk=None):
        enterprise = self.get_object()
        if not policy.can(request.user, "change_status", enterprise):
            return Response({"detail": _("You may not change the operating status.")},
                            status=status.HTTP_403_FORBIDDEN)
        ser = StatusChangeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        enterprise = services.change_operating_status(enterprise, actor=request.user,
                                                      expected_version=data.pop("version", None), **data)
        return Response(EnterpriseSerializer(enterprise, context={"request": request}).data)

    @extend_schema(responses={200: EventSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        enterprise = self.get_object()
        return Response(EventSerializer(events_for(enterprise)[:200], many=True).data)


class SupervisionSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    department_name = serializers.CharField(source="department.name", read_only=True)
    officer = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True).exclude(role=Role.ENTERPRISE), allow_null=True, required=False,
        help_text="an officer's user account (optional); must belong to a department in your jurisdiction")
    enterprise_version = serializers.IntegerField(
        required=False, min_value=1, write_only=True,
        help_text="The enterprise version you saw: 409 if the enterprise changed since.")

    class Meta:
        model = Supervision
        fields = ["id", "enterprise", "department", "department_name", "leader_name", "leader_phone", "officer",
                  "officer_name", "officer_phone", "started_on", "ended_on", "is_current", "note", "created_at",
                  "enterprise_version"]
        read_only_fields = ["ended_on", "is_current", "created_at"]
        extra_kwargs = {"started_on": {"required": False}}

    def validate_officer(self, value):
        if value is not None and not (
            value.department_id
            and scoped_list(self.context["request"], Department, pk=value.department_id).exists()
        ):
            raise serializers.ValidationError(_("The officer must belong to a department in your jurisdiction."))
        return value

    @transaction.atomic
    def create(self, validated_data):
        enterprise = validated_data.pop("enterprise")
        version = validated_data.pop("enterprise_version", None)
        return services.assign_supervision(enterprise, actor=self.context["request"].user,
                                           expected_version=version, **validated_data)


class SupervisionViewSet(ScopedViewSet):
    """Supervision assignments (一企一牌). POST hangs a new plate and ends the previous one;
    assignments are history and are not edited or deleted."""

    http_method_names = ["get", "post", "head", "options"]
    queryset = Supervision.objects.all()
    serializer_class = SupervisionSerializer
    filterset_class = SupervisionFilter
    select_related = ("department", "enterprise")
    ordering_fields = ["started_on", "id"]

    def void(self, request, *args, **kwargs):  # assignments are ended, never voided
        return Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)


class FeatureTagList(generics.ListAPIView):
    """The feature tags (特征标签) enterprises are tagged with: reference data edited by
    administrators, readable by any logged-in user. ``?tag=<code>`` filters the enterprise list."""

    queryset = FeatureTag.objects.order_by("sort", "code")
    serializer_class = FeatureTagSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None
    filter_backends = []
