"""The plans API: annual enforcement plans with their progress, adding enterprises by the
enterprise list's filters, and the plan entries (one enterprise's planned and done visits)."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from anjian.core.api import AvailableActionsField, ScopedReadOnlyViewSet, ScopedRelatedFieldsMixin
from anjian.core.api_fields import ActionPermission, EnumField, ModelSerializer, Serializer, UserNameField
from anjian.core.filters import BaseFilterSet, in_industry, in_region
from anjian.core.pages import scoped_list
from anjian.core.pagination import StandardPagination
from anjian.enterprises.models import Enterprise
from anjian.orgs.models import Department

from . import selectors, services
from .api import CommentInput, ReasonInput, RecordViewSet, StepInput, VersionField, perms, with_steps
from .choices import PLAN_MACHINE, PlanState
from .models import EnforcementPlan, PlanEntry
from .policy import policy
from .rules import behind_schedule

PLAN = "enforcementplan"


class PlanProgressSerializer(Serializer):
    entries = serializers.IntegerField()
    key = serializers.IntegerField(help_text="key enterprises (重点监管)")
    planned = serializers.IntegerField(help_text="visits planned this year")
    done = serializers.IntegerField(help_text="visits done (completed inspections linked to the plan)")
    done_rate = serializers.FloatField(allow_null=True)
    key_covered = serializers.IntegerField(help_text="key enterprises visited at least once")
    coverage = serializers.FloatField(allow_null=True, help_text="key_covered / key, in %")
    coverage_target = serializers.IntegerField()
    coverage_met = serializers.BooleanField()
    random_planned = serializers.IntegerField()
    random_done = serializers.IntegerField()
    behind = serializers.IntegerField(help_text="entries behind schedule today")


class PlanSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    department_name = serializers.CharField(source="department.name", read_only=True)
    state = EnumField(PlanState, enum_name="EnforcementPlanStateEnum", read_only=True)
    approved_by = UserNameField()
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    class Meta:
        model = EnforcementPlan
        fields = ["id", "department", "department_name", "year", "title", "random_share", "coverage_target", "note",
                  "state", "approved_at", "approved_by", "version", "is_voided", "created_at"]
        read_only_fields = ["id", "state", "approved_at", "approved_by", "version", "is_voided", "created_at"]


class PlanDetailSerializer(PlanSerializer):
    progress = serializers.SerializerMethodField()
    available_actions = AvailableActionsField(PLAN_MACHINE, policy)

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "progress", "available_actions"]
        read_only_fields = fields

    @extend_schema(responses=PlanProgressSerializer)
    def get_progress(self, obj) -> dict:
        return PlanProgressSerializer(selectors.plan_progress(obj)).data


class PlanWriteSerializer(PlanSerializer):
    version = VersionField()

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "version"]

    def create(self, validated):
        validated.pop("version", None)
        department, year = validated.pop("department"), validated.pop("year")
        return services.create_plan(actor=self.context["request"].user, department=department, year=year,
                                    data=validated)

    def update(self, instance, validated):
        version = validated.pop("version", None)
        for name in ("department", "year"):
            if name in validated and getattr(instance, name) != validated[name]:
                raise serializers.ValidationError({name: [_("This field cannot be changed here.")]})
            validated.pop(name, None)
        return services.update_plan(instance, actor=self.context["request"].user, data=validated, version=version)


class AddEnterprisesInput(StepInput):
    region = serializers.CharField(required=False, allow_blank=True, help_text="division code (with the regions "
                                                                                "below it)")
    industry = serializers.CharField(required=False, allow_blank=True, help_text="industry code (with sub-sectors)")
    tag = serializers.CharField(required=False, allow_blank=True, help_text="feature-tag code")
    high_risk = serializers.BooleanField(required=False, default=False)
    risk_level = serializers.ListField(child=serializers.ChoiceField(choices=["major", "high", "moderate", "low",
                                                                             "ungraded"]), required=False)
    enterprises = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False,
                                        help_text="these enterprise ids (instead of, or within, the filters)")
    is_key = serializers.BooleanField(required=False, default=True)


def _add(plan, user, data, version):
    from django.db.models import Q

    qs = scoped_list(user, Enterprise)
    if data.get("region"):
        qs = in_region(qs, data["region"])
    if data.get("industry"):
        qs = in_industry(qs, data["industry"])
    if data.get("tag"):
        qs = qs.filter(tag_links__tag__code=data["tag"])
    if data.get("high_risk"):
        qs = qs.filter(high_risk=True)
    if data.get("enterprises"):
        qs = qs.filter(pk__in=data["enterprises"])
    levels = data.get("risk_level") or []
    if levels:
        cond = Q(risk_grade__level__in=[lv for lv in levels if lv != "ungraded"])
        if "ungraded" in levels:
            cond |= Q(risk_grade__isnull=True) | Q(risk_grade__level="")
        qs = qs.filter(cond)
    return services.add_enterprises(plan, actor=user, enterprises=qs, is_key=data["is_key"], version=version)


class PlanFilter(BaseFilterSet):
    year = django_filters.NumberFilter(field_name="year")
    state = django_filters.ChoiceFilter(choices=PlanState.choices)
    department = django_filters.NumberFilter(field_name="department_id")
    region = django_filters.CharFilter(method="filter_region")

    class Meta:
        model = EnforcementPlan
        fields = ["year", "state", "department", "region"]


@with_steps({
    "add_enterprises": (AddEnterprisesInput, _add, perms(PLAN, "change")),
    "refresh": (StepInput, lambda o, u, d, v: services.refresh_plan(o, actor=u, version=v), perms(PLAN, "change")),
    "approve": (CommentInput, lambda o, u, d, v: services.approve_plan(o, actor=u, comment=d["comment"], version=v),
                perms(PLAN, "approve")),
    "revise": (ReasonInput, lambda o, u, d, v: services.revise_plan(o, actor=u, reason=d["reason"], version=v),
               perms(PLAN, "approve")),
    "close": (CommentInput, lambda o, u, d, v: services.close_plan(o, actor=u, comment=d["comment"], version=v),
              perms(PLAN, "approve")),
})
class PlanViewSet(RecordViewSet):
    """Annual enforcement plans (执法计划) of the departments in the caller's jurisdiction, with
    their progress. DELETE (or POST …/void/) voids a draft."""

    queryset = EnforcementPlan.objects.all()
    serializer_class = PlanSerializer
    detail_serializer = PlanDetailSerializer
    write_serializer = PlanWriteSerializer
    basename_for_schema = "enforcement_plans"
    filterset_class = PlanFilter
    ordering_fields = ["year", "id"]
    ordering = ["-year", "id"]
    select_related = ("department",)
    void_service = staticmethod(services.void_plan)
    action_permissions = {"create": perms(PLAN, "add"), "update": perms(PLAN, "change"),
                          "partial_update": perms(PLAN, "change"), "destroy": perms(PLAN, "delete"),
                          "void": perms(PLAN, "delete")}


# --- entries ------------------------------------------------------------------------------------

class PlanEntrySerializer(ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    behind = serializers.SerializerMethodField()
    expected_by_today = serializers.SerializerMethodField()

    class Meta:
        model = PlanEntry
        fields = ["id", "plan", "enterprise", "enterprise_name", "is_key", "risk_level", "open_major_hazards",
                  "accident_last_year", "case_last_year", "base_visits", "computed_visits", "planned_visits",
                  "override_reason", "done_visits", "expected_by_today", "behind", "last_inspected_on"]
        read_only_fields = fields

    def get_behind(self, obj) -> bool:
        return obj.plan.state == PlanState.APPROVED and obj.is_behind(timezone.localdate())

    def get_expected_by_today(self, obj) -> int:
        return obj.expected_by(timezone.localdate())


class PlanEntryFilter(BaseFilterSet):
    plan = django_filters.NumberFilter(field_name="plan_id")
    enterprise = django_filters.NumberFilter(field_name="enterprise_id")
    is_key = django_filters.BooleanFilter(field_name="is_key")
    behind = django_filters.BooleanFilter(method="filter_behind", help_text="behind schedule today")
    region = django_filters.CharFilter(method="filter_region")
    industry = django_filters.CharFilter(method="filter_industry")

    class Meta:
        model = PlanEntry
        fields = ["plan", "enterprise", "is_key", "behind", "region", "industry"]

    def filter_behind(self, queryset, name, value):
        if value is None:
            return queryset
        behind = behind_schedule(queryset.filter(plan__state=PlanState.APPROVED), timezone.localdate())
        return behind if value else queryset.exclude(pk__in=behind.values("pk"))


class SetVisitsInput(StepInput):
    planned_visits = serializers.IntegerField(min_value=0, max_value=366)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    is_key = serializers.BooleanField(required=False, allow_null=True, default=None)
    version = VersionField(help_text="the plan's version the client saw")


class RemoveInput(ReasonInput):
    version = VersionField(help_text="the plan's version the client saw")


class PlanEntryViewSet(ScopedReadOnlyViewSet):
    """The enterprises of the plans in the caller's jurisdiction (``?plan=``), each with its planned
    and done visits; ``…/set-visits/`` and ``…/remove/`` change a draft plan (the version is the plan's)."""

    queryset = PlanEntry.objects.all()
    serializer_class = PlanEntrySerializer
    permission_classes = [ActionPermission]
    pagination_class = StandardPagination
    filter_backends = RecordViewSet.filter_backends
    filterset_class = PlanEntryFilter
    ordering_fields = ["planned_visits", "done_visits", "id"]
    ordering = ["-is_key", "-planned_visits", "id"]
    select_related = ("enterprise", "plan")
    action_permissions = {"set_visits": perms(PLAN, "change"), "remove": perms(PLAN, "change")}

    def _input(self, serializer_class) -> dict:
        ser = serializer_class(data=self.request.data)
        ser.is_valid(raise_exception=True)
        return dict(ser.validated_data)

    def _answer(self, entry):
        from rest_framework.response import Response

        fresh = PlanEntry.objects.select_related("enterprise", "plan").get(pk=entry.pk)
        return Response(PlanEntrySerializer(fresh).data)

    @extend_schema(request=SetVisitsInput, responses=PlanEntrySerializer)
    @action(detail=True, methods=["post"], url_path="set-visits", url_name="set-visits")
    def set_visits(self, request, pk=None):
        entry = self.get_object()
        data = self._input(SetVisitsInput)
        services.set_visits(entry, actor=request.user, planned_visits=data["planned_visits"], reason=data["reason"],
                            is_key=data["is_key"], version=data.get("version"))
        return self._answer(entry)

    @extend_schema(request=RemoveInput, responses=PlanEntrySerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        entry = self.get_object()
        data = self._input(RemoveInput)
        services.remove_entries(entry.plan, actor=request.user, entry_ids=[entry.pk], reason=data["reason"],
                                version=data.get("version"))
        return self._answer(entry)


