"""The random draws API: make a draw (pool filters and numbers), read it with its entries,
re-run it from the stored seed (``…/verify/``), publish, redraw (a new record) and void."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from anjian.core.api import AvailableActionsField, ScopedReadOnlyViewSet, ScopedRelatedFieldsMixin
from anjian.core.api_fields import ActionPermission, EnumField, ModelSerializer, Serializer, UserNameField
from anjian.core.filters import BaseFilterSet
from anjian.core.pagination import StandardPagination
from anjian.orgs.models import Department

from . import services
from .api import ReasonInput, RecordViewSet, StepInput, perms, with_steps
from .choices import DRAW_MACHINE, DrawState
from .models import DrawEntry, EnforcementPlan, RandomDraw
from .policy import policy

DRAW = "randomdraw"


class DrawSerializer(ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    state = EnumField(DrawState, enum_name="EnforcementDrawStateEnum", read_only=True)
    drawn_by = UserNameField()

    class Meta:
        model = RandomDraw
        fields = ["id", "number", "department", "department_name", "plan", "title", "criteria", "n_enterprises",
                  "officers_per_enterprise", "experts_per_enterprise", "max_per_officer", "inspect_from",
                  "inspect_to", "seed", "pool_size", "digest", "short_entries", "replaces", "redraw_reason", "state",
                  "drawn_by", "drawn_at", "published_at", "version", "is_voided"]
        read_only_fields = fields


class DrawDetailSerializer(DrawSerializer):
    available_actions = AvailableActionsField(DRAW_MACHINE, policy)

    class Meta(DrawSerializer.Meta):
        fields = [*DrawSerializer.Meta.fields, "available_actions"]
        read_only_fields = fields


class DrawCreateSerializer(ScopedRelatedFieldsMixin, Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    plan = serializers.PrimaryKeyRelatedField(queryset=EnforcementPlan.objects.all(), required=False, allow_null=True)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    n_enterprises = serializers.IntegerField(min_value=1, max_value=100_000)
    officers_per_enterprise = serializers.IntegerField(min_value=1, max_value=10, default=2)
    experts_per_enterprise = serializers.IntegerField(min_value=0, max_value=5, default=0)
    max_per_officer = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    inspect_from = serializers.DateField(required=False, allow_null=True)
    inspect_to = serializers.DateField(required=False, allow_null=True)
    seed = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    region = serializers.CharField(required=False, allow_blank=True, help_text="division code of the pool")
    industry = serializers.CharField(required=False, allow_blank=True)
    tag = serializers.CharField(required=False, allow_blank=True)
    risk_level = serializers.ListField(child=serializers.ChoiceField(
        choices=["major", "high", "moderate", "low", "ungraded"]), required=False)
    high_risk = serializers.BooleanField(required=False, default=False)
    not_inspected_since = serializers.DateField(required=False, allow_null=True)
    key_only = serializers.BooleanField(required=False, default=False)
    officers_from_department = serializers.BooleanField(required=False, default=True)

    DATA = ("title", "plan", "n_enterprises", "officers_per_enterprise", "experts_per_enterprise", "max_per_officer",
            "inspect_from", "inspect_to")
    CRITERIA = ("region", "industry", "tag", "risk_level", "high_risk", "not_inspected_since", "plan", "key_only",
                "officers_from_department")

    def create(self, validated):
        data = {k: validated[k] for k in self.DATA if k in validated}
        criteria = {k: validated[k] for k in self.CRITERIA if k in validated}
        return services.make_draw(actor=self.context["request"].user, department=validated["department"], data=data,
                                  criteria=criteria, seed=validated.get("seed", ""))


class RedrawInput(ReasonInput):
    seed = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class VerifySerializer(Serializer):
    same = serializers.BooleanField(help_text="the draw run again from its stored inputs gives the result on record")
    digest = serializers.CharField()
    recomputed = serializers.CharField()
    entries_digest = serializers.CharField()
    seed = serializers.CharField()
    pool_size = serializers.IntegerField()


class DrawFilter(BaseFilterSet):
    state = django_filters.ChoiceFilter(choices=DrawState.choices)
    department = django_filters.NumberFilter(field_name="department_id")
    plan = django_filters.NumberFilter(field_name="plan_id")
    region = django_filters.CharFilter(method="filter_region")

    class Meta:
        model = RandomDraw
        fields = ["state", "department", "plan", "region"]


@with_steps({
    "publish": (StepInput, lambda o, u, d, v: services.publish_draw(o, actor=u, version=v), perms(DRAW, "change")),
})
class DrawViewSet(RecordViewSet):
    """Random draws (双随机) of the departments in the caller's jurisdiction. POST makes a draw;
    ``…/redraw/`` makes a new one replacing it (with a reason); DELETE voids an unused one."""

    http_method_names = ["get", "post", "delete", "head", "options"]
    queryset = RandomDraw.objects.all()
    serializer_class = DrawSerializer
    detail_serializer = DrawDetailSerializer
    write_serializer = DrawCreateSerializer
    basename_for_schema = "enforcement_draws"
    filterset_class = DrawFilter
    ordering_fields = ["drawn_at", "id"]
    ordering = ["-drawn_at", "-id"]
    select_related = ("department", "drawn_by")
    void_service = staticmethod(services.void_draw)
    action_permissions = {"create": perms(DRAW, "add"), "destroy": perms(DRAW, "delete"),
                          "void": perms(DRAW, "delete"), "redraw": perms(DRAW, "add")}

    @extend_schema(request=RedrawInput, responses={201: DrawDetailSerializer})
    @action(detail=True, methods=["post"])
    def redraw(self, request, pk=None):
        """Draw again (a new draw replacing this one; this one is kept, superseded)."""
        draw = self.get_object()
        ser = RedrawInput(data=request.data)
        ser.is_valid(raise_exception=True)
        new = services.redraw(draw, actor=request.user, reason=ser.validated_data["reason"],
                              seed=ser.validated_data["seed"], version=ser.validated_data.get("version"))
        return self.detail_response(new, status.HTTP_201_CREATED)

    @extend_schema(responses=VerifySerializer)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def verify(self, request, pk=None):
        """Re-run the draw from its stored inputs and seed, and compare with the record."""
        return Response(VerifySerializer(services.verify_draw(self.get_object())).data)


class DrawEntrySerializer(ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    officers = serializers.SerializerMethodField()
    experts = serializers.SerializerMethodField()

    class Meta:
        model = DrawEntry
        fields = ["id", "draw", "order", "enterprise", "enterprise_name", "officers", "experts", "short"]
        read_only_fields = fields

    def get_officers(self, obj) -> list[dict]:
        return [{"id": link.officer_id, "name": link.officer.name or link.officer.username}
                for link in obj.officer_links.all()]

    def get_experts(self, obj) -> list[dict]:
        return [{"id": link.expert_id, "name": link.expert.name} for link in obj.expert_links.all()]


class DrawEntryFilter(BaseFilterSet):
    draw = django_filters.NumberFilter(field_name="draw_id")
    enterprise = django_filters.NumberFilter(field_name="enterprise_id")

    class Meta:
        model = DrawEntry
        fields = ["draw", "enterprise"]


class DrawEntryViewSet(ScopedReadOnlyViewSet):
    """The enterprises drawn (``?draw=``), each with its officers and experts, in draw order."""

    queryset = DrawEntry.objects.all()
    serializer_class = DrawEntrySerializer
    permission_classes = [ActionPermission]
    pagination_class = StandardPagination
    filter_backends = RecordViewSet.filter_backends
    filterset_class = DrawEntryFilter
    ordering_fields = ["order", "id"]
    ordering = ["draw", "order"]
    select_related = ("enterprise",)
    prefetch_related = ("officer_links__officer", "expert_links__expert")
