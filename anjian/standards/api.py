"""API of the standards library: criteria documents, major-hazard criteria, checklists (with
their items nested) and check items.

Reference data: every logged-in user reads all of it (no jurisdiction scoping); only system
administrators write. Writes go through ``standards.services``; DELETE deactivates (with a
reason), it never erases, and POST …/activate/ brings a record back. Lists show active
records unless ``include_inactive=true`` (checklists: or ``status=inactive``).
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from anjian.core import bounds
from anjian.core.api import (
    EventSerializer,
    HistoryActionMixin,
    ScopedGenericViewSet,
    ScopedReadOnlyViewSet,
    ScopedRelatedFieldsMixin,
)
from anjian.core.api_fields import ModelSerializer, Serializer
from anjian.core.pagination import StandardPagination
from anjian.core.services import events_for
from anjian.enterprises.models import Industry

from . import selectors, services
from .filters import (
    CheckItemFilter,
    ChecklistFilter,
    CriteriaDocumentFilter,
    MajorHazardCriterionFilter,
    wants_inactive,
)
from .models import (
    AccidentType,
    AccidentTypeScheme,
    CheckItem,
    Checklist,
    CriteriaDocument,
    HazardFactorClass,
    MajorHazardCriterion,
)
from .policy import policy


class ReadAnyWriteSystemAdmin(permissions.BasePermission):
    """Any logged-in user reads the standards library; only those the app policy lets manage it
    (system administrators) change it."""

    message = gettext_lazy("Only system administrators may change the inspection standards.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in permissions.SAFE_METHODS or policy.can(user, "manage")


class IndustryCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Industry.objects.all())
        super().__init__(slug_field="code", **kwargs)


# --- serializers ---------------------------------------------------------------------------

class CriteriaDocumentSerializer(ModelSerializer):
    industries = IndustryCodeField(many=True, required=False, help_text="industry codes it applies to")
    certainty_display = serializers.CharField(source="get_certainty_display", read_only=True)
    criteria_count = serializers.IntegerField(read_only=True, default=0, help_text="active criteria")

    superseded_by = serializers.SlugRelatedField(
        slug_field="code", queryset=CriteriaDocument.objects.all(), allow_null=True, required=False,
        help_text="code of the document that replaced this one")

    class Meta:
        model = CriteriaDocument
        fields = ["id", "code", "title", "document_number", "issuer", "industries", "cross_industry", "effective_from",
                  "effective_to", "superseded_by", "certainty", "certainty_display", "source_note", "items_complete",
                  "provenance", "is_active", "criteria_count"]
        read_only_fields = ["is_active"]
        extra_kwargs = {"provenance": {"help_text": "where the data came from; shown to system administrators only"}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # Provenance holds research notes and addresses: for administrators, not for every reader.
        request = self.context.get("request")
        if not getattr(getattr(request, "user", None), "is_system_admin", False):
            data.pop("provenance", None)
        return data

    def create(self, validated_data):
        industries = validated_data.pop("industries", None)
        return services.create_criteria_document(actor=self.context["request"].user, data=validated_data,
                                                 industries=industries)

    def update(self, instance, validated_data):
        industries = validated_data.pop("industries", None)
        return services.update_criteria_document(instance, actor=self.context["request"].user,
                                                 data=validated_data, industries=industries)


class MajorHazardCriterionSerializer(ModelSerializer):
    document = serializers.PrimaryKeyRelatedField(queryset=CriteriaDocument.objects.all())
    document_code = serializers.CharField(source="document.code", read_only=True)
    document_title = serializers.CharField(source="document.title", read_only=True)
    industry = IndustryCodeField(allow_null=True, required=False,
                                 help_text="the one sub-sector it applies to; null: every industry of its document")

    citation = serializers.CharField(read_only=True, help_text="来源：《document》（number）article")
    industry_codes = serializers.ListField(
        child=serializers.CharField(), read_only=True,
        help_text="industries it applies to; empty when its document applies in every industry")

    class Meta:
        model = MajorHazardCriterion
        fields = ["id", "code", "document", "document_code", "document_title", "section", "item_no", "article",
                  "citation", "text", "industry", "industry_codes", "is_confirmed", "sort", "is_active"]
        read_only_fields = ["is_active"]
        extra_kwargs = {"sort": {"required": False}}

    def create(self, validated_data):
        return services.create_criterion(actor=self.context["request"].user, data=validated_data)

    def update(self, instance, validated_data):
        return services.update_criterion(instance, actor=self.context["request"].user, data=validated_data)


class CheckItemNestedSerializer(ModelSerializer):
    """A check item inside its checklist."""

    hazard_factor_display = serializers.CharField(source="get_hazard_factor_display", read_only=True)
    criterion = serializers.PrimaryKeyRelatedField(queryset=MajorHazardCriterion.objects.all(), allow_null=True,
                                                   required=False)
    criterion_code = serializers.CharField(source="criterion.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = CheckItem
        fields = ["id", "item_no", "content", "basis", "hazard_factor", "hazard_factor_display",
                  "is_major_criterion", "criterion", "criterion_code", "sort", "is_active"]
        read_only_fields = ["is_active"]
        extra_kwargs = {"sort": {"required": False}, "is_major_criterion": {"required": False}}


class CheckItemSerializer(ScopedRelatedFieldsMixin, CheckItemNestedSerializer):
    # Items are added through this API to library checklists only; an enterprise's own
    # checklist is generated by its owner's service (anjian.risks).
    checklist = serializers.PrimaryKeyRelatedField(queryset=Checklist.objects.filter(enterprise__isnull=True))
    unscoped_fields = {"checklist": "library checklists only (the queryset): reference data every user reads"}
    checklist_code = serializers.CharField(source="checklist.code", read_only=True)
    checklist_version = serializers.CharField(source="checklist.version", read_only=True)

    class Meta(CheckItemNestedSerializer.Meta):
        fields = ["id", "checklist", "checklist_code", "checklist_version", *CheckItemNestedSerializer.Meta.fields[1:]]

    def validate_checklist(self, value):
        if self.instance is not None and value != self.instance.checklist:
            raise serializers.ValidationError(_("An item cannot be moved to another checklist."))
        return value

    def create(self, validated_data):
        checklist = validated_data.pop("checklist")
        return services.add_check_item(checklist, actor=self.context["request"].user, data=validated_data)

    def update(self, instance, validated_data):
        validated_data.pop("checklist", None)
        return services.update_check_item(instance, actor=self.context["request"].user, data=validated_data)


class ChecklistSerializer(ModelSerializer):
    industry = IndustryCodeField(allow_null=True, required=False, help_text="industry code; null: general checklist")
    industry_name = serializers.CharField(source="industry.name", read_only=True, allow_null=True, default=None)
    status = serializers.SerializerMethodField(help_text="in_force, upcoming, superseded or inactive (today)")
    items = CheckItemNestedSerializer(many=True, source="active_item_list", required=False,
                                      help_text="the active items; may be given when creating a checklist")

    class Meta:
        model = Checklist
        fields = ["id", "code", "version", "name", "industry", "industry_name", "description", "source_note",
                  "effective_from", "effective_to", "is_active", "status", "created_at", "items"]
        read_only_fields = ["is_active", "created_at"]
        extra_kwargs = {"version": {"required": False}}

    @extend_schema_field(serializers.ChoiceField(choices=["in_force", "upcoming", "superseded", "inactive"]))
    def get_status(self, obj: Checklist) -> str:
        return services.version_status(obj, self.context.get("today"))

    def create(self, validated_data):
        items = validated_data.pop("active_item_list", [])
        for n, item in enumerate(items, start=1):
            item.setdefault("sort", n * 10)
            item.setdefault("item_no", str(n))
        return services.create_checklist(actor=self.context["request"].user, data=validated_data, items=items)

    def update(self, instance, validated_data):
        if "active_item_list" in validated_data:
            raise ValidationError({"items": [_("Change the items of a checklist through /api/check-items/.")]})
        return services.update_checklist(instance, actor=self.context["request"].user, data=validated_data)


class NewVersionSerializer(Serializer):
    effective_from = serializers.DateField(help_text="the day the new version takes effect")
    version = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                    help_text="version label; empty: the next number")
    name = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                 help_text="empty: the current name")
    note = serializers.CharField(required=False, allow_blank=True, help_text="why the checklist is revised")


class ReasonSerializer(Serializer):
    reason = serializers.CharField(max_length=bounds.REASON_MAX)


class ActivateSerializer(Serializer):
    reason = serializers.CharField(max_length=bounds.REASON_MAX, required=False, allow_blank=True)


# --- viewsets ------------------------------------------------------------------------------

INCLUDE_INACTIVE = OpenApiParameter("include_inactive", OpenApiTypes.BOOL,
                                    description="Also list deactivated records.")


class StandardsViewSet(HistoryActionMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                       mixins.UpdateModelMixin, mixins.ListModelMixin, ScopedGenericViewSet):
    """Read for every logged-in user, write for system administrators; DELETE deactivates."""

    permission_classes = [permissions.IsAuthenticated, ReadAnyWriteSystemAdmin]
    pagination_class = StandardPagination
    set_active = staticmethod(services.set_checklist_active)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Lists hide deactivated records unless asked; a detail still opens by its id.
        if self.action == "list" and not wants_inactive(self.request.query_params):
            queryset = queryset.filter(is_active=True)
        return queryset

    @extend_schema(parameters=[OpenApiParameter("reason", str, description="why it is deactivated")],
                   request=ReasonSerializer, responses={204: None})
    def destroy(self, request, *args, **kwargs):
        """Deactivate (nothing is deleted): the record leaves the lists and can be brought back."""
        obj = self.get_object()
        ser = ReasonSerializer(data=request.data or {"reason": request.query_params.get("reason", "")})
        ser.is_valid(raise_exception=True)
        self.set_active(obj, actor=request.user, active=False, reason=ser.validated_data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ReasonSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def deactivate(self, request, *args, **kwargs):
        """Deactivate with a reason (the same as DELETE)."""
        return self.destroy(request, *args, **kwargs)

    @extend_schema(request=ActivateSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, *args, **kwargs):
        """Bring a deactivated record back; answers the record."""
        obj = self.get_object()
        ser = ActivateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        obj = self.set_active(obj, actor=request.user, active=True, reason=ser.validated_data.get("reason", ""))
        return Response(self.get_serializer(self._reload(obj)).data)

    def _reload(self, obj):
        return self.get_queryset().get(pk=obj.pk)

    @extend_schema(responses={200: EventSerializer(many=True)})
    @action(detail=True, methods=["get"], serializer_class=EventSerializer, pagination_class=None, filter_backends=[])
    def events(self, request, *args, **kwargs):
        """What was done to the record (created, changed, versions, deactivated), newest first."""
        return Response(EventSerializer(events_for(self.get_object())[:200], many=True).data)


@extend_schema(parameters=[INCLUDE_INACTIVE], tags=["standards"])
class CriteriaDocumentViewSet(StandardsViewSet):
    """Official criteria documents (重大事故隐患判定标准), with their certainty and source note."""

    queryset = CriteriaDocument.objects.all()
    scope_exempt = "reference data: every logged-in user reads the criteria documents"
    serializer_class = CriteriaDocumentSerializer
    filterset_class = CriteriaDocumentFilter
    search_fields = ["title", "code", "document_number"]
    ordering_fields = ["code", "title", "effective_from"]
    ordering = ["code"]
    set_active = staticmethod(services.set_criteria_document_active)

    def get_queryset(self):
        return selectors.criteria_documents()


@extend_schema(parameters=[INCLUDE_INACTIVE], tags=["standards"])
class MajorHazardCriterionViewSet(StandardsViewSet):
    """Criteria that make a hazard major, filterable by document, industry and text."""

    queryset = MajorHazardCriterion.objects.all()
    scope_exempt = "reference data: every logged-in user reads the major-hazard criteria"
    serializer_class = MajorHazardCriterionSerializer
    filterset_class = MajorHazardCriterionFilter
    search_fields = ["text", "code"]
    ordering_fields = ["code", "sort"]
    set_active = staticmethod(services.set_criterion_active)

    def get_queryset(self):
        return selectors.criteria()


@extend_schema(parameters=[INCLUDE_INACTIVE], tags=["standards"])
class ChecklistViewSet(StandardsViewSet):
    """Checklist versions with their active items nested. A revision is a new version
    (POST …/new-version/); ``in-force`` finds the one that applies to an industry on a date."""

    queryset = Checklist.objects.all()
    public_rows = Q(enterprise__isnull=True)  # the library; an enterprise's own checklists are scoped
    serializer_class = ChecklistSerializer
    filterset_class = ChecklistFilter
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name", "effective_from", "id"]
    set_active = staticmethod(services.set_checklist_active)

    # Reading one checklist (and its versions, events, history) also finds an enterprise's own
    # checklist in the caller's jurisdiction; lists, writes and in-force are the library's.
    READ_ONE = frozenset({"retrieve", "versions", "events", "history"})

    def get_queryset(self):
        qs = super().get_queryset().order_by("code", "-effective_from", "-id").prefetch_related(
            selectors.active_items_prefetch())
        if self.action in self.READ_ONE:
            return qs.select_related("industry", "enterprise")
        return qs.filter(enterprise__isnull=True).select_related("industry")

    def get_serializer_context(self):
        # One date for every row of the answer, so a list read at midnight is consistent.
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(request=NewVersionSerializer, responses={201: ChecklistSerializer})
    @action(detail=True, methods=["post"], url_path="new-version", serializer_class=NewVersionSerializer)
    def new_version(self, request, *args, **kwargs):
        """Start a new version on a date: the items are copied, the version in force ends the day before."""
        checklist = self.get_object()
        ser = NewVersionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        new = services.new_checklist_version(checklist, actor=request.user, effective_from=data["effective_from"],
                                             version=data.get("version", ""), name=data.get("name", ""),
                                             note=data.get("note", ""))
        return Response(ChecklistSerializer(self._reload(new), context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: ChecklistSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def versions(self, request, *args, **kwargs):
        """Every version of this checklist's code, oldest first (deactivated ones too)."""
        checklist = self.get_object()
        rows = self.get_queryset().filter(code=checklist.code).order_by("effective_from", "id")
        return Response(ChecklistSerializer(rows, many=True, context=self.get_serializer_context()).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("industry", str, description="industry code; empty: the general checklist"),
            OpenApiParameter("date", OpenApiTypes.DATE, description="default: today"),
        ],
        responses={200: ChecklistSerializer, 404: OpenApiResponse(description="No checklist applies.")},
    )
    @action(detail=False, methods=["get"], url_path="in-force", pagination_class=None, filter_backends=[])
    def in_force(self, request, *args, **kwargs):
        """The checklist in force for an industry on a date: the industry's own, else its parent's,
        else a general one."""
        code = request.query_params.get("industry", "").strip()
        industry = get_object_or_404(Industry, code=code) if code else None
        on_date = request.query_params.get("date", "")
        try:
            on_date = serializers.DateField().to_internal_value(on_date) if on_date else timezone.localdate()
        except ValidationError as exc:
            raise ValidationError({"date": exc.detail}) from exc
        checklist = services.checklist_in_force(industry, on_date)
        if checklist is None:
            return Response({"detail": _("No checklist is in force for this industry on that date.")},
                            status=status.HTTP_404_NOT_FOUND)
        return Response(ChecklistSerializer(self._reload(checklist), context=self.get_serializer_context()).data)


@extend_schema(parameters=[INCLUDE_INACTIVE], tags=["standards"])
class CheckItemViewSet(StandardsViewSet):
    """Check items, one by one (to add, change or deactivate an item of a checklist version)."""

    queryset = CheckItem.objects.all()
    public_rows = Q(checklist__enterprise__isnull=True)  # the library's items; an enterprise's own are scoped
    serializer_class = CheckItemSerializer
    filterset_class = CheckItemFilter
    search_fields = ["content", "basis"]
    ordering_fields = ["sort", "id"]
    set_active = staticmethod(services.set_check_item_active)

    def get_queryset(self):
        qs = super().get_queryset().select_related("checklist", "criterion").order_by(
            "checklist__code", "checklist_id", "sort", "id")
        return qs if self.action in ChecklistViewSet.READ_ONE else qs.filter(checklist__enterprise__isnull=True)


class AccidentTypeSerializer(ModelSerializer):
    class Meta:
        model = AccidentType
        fields = ["id", "scheme", "code", "name", "is_code_confirmed", "sort"]


class HazardFactorClassSerializer(ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None)

    class Meta:
        model = HazardFactorClass
        fields = ["id", "code", "name", "parent_code", "top", "certainty"]


@extend_schema(tags=["standards"], parameters=[
    OpenApiParameter("scheme", str, enum=[c for c, _label in AccidentTypeScheme.choices]),
    OpenApiParameter("date", OpenApiTypes.DATE, description="The list in force on this day (GB 6441-2025 "
                                                            "from 2026-07-01, else GB 6441-1986)."),
])
class AccidentTypeViewSet(ScopedReadOnlyViewSet):
    """The GB 6441 accident-type lists (reference data; administrators edit them in the admin)."""

    permission_classes = [permissions.IsAuthenticated]
    queryset = AccidentType.objects.filter(is_active=True).order_by("scheme", "sort", "id")
    scope_exempt = "reference data: every logged-in user reads the accident types"
    serializer_class = AccidentTypeSerializer
    pagination_class = None

    def get_queryset(self):
        qs = super().get_queryset()
        params = self.request.query_params
        if params.get("date"):
            try:
                day = datetime.date.fromisoformat(params["date"])
            except ValueError:
                raise ValidationError({"date": [_("Enter a date as YYYY-MM-DD.")]}) from None
            qs = qs.filter(scheme=selectors.accident_type_scheme_for(day))
        elif params.get("scheme"):
            qs = qs.filter(scheme=params["scheme"])
        return qs


@extend_schema(tags=["standards"])
class HazardFactorClassViewSet(ScopedReadOnlyViewSet):
    """GB/T 13861 hazard-factor classes, top level and second level (reference data)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = HazardFactorClassSerializer
    pagination_class = None
    queryset = HazardFactorClass.objects.filter(is_active=True).select_related("parent").order_by("sort", "code")
    scope_exempt = "reference data: every logged-in user reads the hazard-factor classes"
