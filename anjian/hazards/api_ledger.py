"""The hazard ledger (台账) API: the list, a hazard's detail with the caller's available steps,
reporting and correcting a hazard, and one endpoint per step of the closed loop.

Every step accepts an optional ``version`` (the version the caller saw) and answers the updated
hazard. Enterprise systems authenticate with an API key (``auth.py``) and reach only the steps in
``HazardViewSet.key_actions``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from anjian.core import bounds
from anjian.core.api import HistoryActionMixin, ScopedRelatedFieldsMixin, ScopedViewSet, ValuesRepresentation
from anjian.core.api_fields import (
    ActionPermission,
    EnumField,
    ModelSerializer,
    UserNameField,
    VersionSerializer,
    files_field,
)
from anjian.core.models import Attachment
from anjian.core.pages import scoped_object_or_404
from anjian.core.pagination import DeferredJoinPagination
from anjian.core.services import attachments_for, events_for
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import Role
from anjian.standards.choices import HazardFactor
from anjian.standards.models import CheckItem, MajorHazardCriterion
from anjian.standards.selectors import criteria_for_industries

from . import services
from .api_common import (
    CORRECT,
    FILTER_BACKENDS,
    FIND,
    KEY_STEPS,
    LIST,
    RECHECK,
    TRANSITION,
    VOID,
    AttachmentSerializer,
    TimelineEventSerializer,
)
from .api_listings import ListingRequestSerializer
from .api_reports import (
    DualReportRecordSerializer,
    DualReportSerializer,
    RecheckRecordSerializer,
    RecheckSerializer,
)
from .auth import EnterpriseApiKeyAuthentication, is_api_key_request
from .choices import (
    ExtensionState,
    HazardGrade,
    HazardSource,
    HazardState,
    ListingLevel,
    ListingState,
    MajorConfirmation,
    MajorDefinitionCondition,
)
from .filters import HazardFilter
from .models import PLAN_FIELDS, DeadlineExtension, Hazard, ListedSupervision
from .selectors import deadline_mismatches, hazard_rows


class ExtensionSerializer(ModelSerializer):
    state = EnumField(ExtensionState, read_only=True)
    requested_by = UserNameField()
    decided_by = UserNameField()

    class Meta:
        model = DeadlineExtension
        fields = ["id", "requested_deadline", "previous_deadline", "reason", "requested_by", "requested_at",
                  "state", "decided_by", "decided_at", "decision_comment"]
        read_only_fields = fields


class ListingSummarySerializer(ModelSerializer):
    level = EnumField(ListingLevel, read_only=True)
    state = EnumField(ListingState, read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = ListedSupervision
        fields = ["id", "level", "department", "department_name", "document_number", "deadline", "state",
                  "listed_at", "delisted_at"]
        read_only_fields = fields


# --- hazards --------------------------------------------------------------------------------

class HazardSerializer(ModelSerializer):
    """A ledger row (the list); the detail adds the rectification record, the caller's available
    steps, the timeline and the files."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    township = serializers.CharField(source="enterprise.region.code", read_only=True,
                                     help_text="the enterprise's township division code")
    township_name = serializers.CharField(source="enterprise.region.name", read_only=True)
    industry = serializers.SlugRelatedField(slug_field="code", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    grid = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    criterion = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    category = EnumField(HazardFactor, read_only=True)
    grade = EnumField(HazardGrade, read_only=True)
    source = EnumField(HazardSource, read_only=True)
    state = EnumField(HazardState, read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    grade_display = serializers.CharField(source="get_grade_display", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    missing_plan_fields = serializers.ListField(child=serializers.CharField(), read_only=True,
                                                help_text="五落实 items still missing (field names)")
    missing_dual_reports = serializers.ListField(child=serializers.CharField(), read_only=True,
                                                 help_text="dual-report dates still missing (major hazards)")
    # issue #10 (h/loop1): a major grade by the general definition (16号令 第三条) and its confirmation.
    definition_condition = EnumField(MajorDefinitionCondition, read_only=True, allow_blank=True,
                                     help_text="major by the general definition: the condition met ('' otherwise)")
    major_confirmation = EnumField(MajorConfirmation, read_only=True, allow_blank=True,
                                   help_text="'pending' (待确认重大隐患) until a regulator confirms a major grade by "
                                             "the general definition; '' for a grade by a listed criterion")

    class Meta:
        model = Hazard
        fields = [
            "id", "number", "enterprise", "enterprise_name", "region_path", "township", "township_name",
            "industry", "industry_name", "grid", "location", "description", "category", "grade", "grade_display",
            "criterion", "check_item", "source", "finder_name", "found_at", "deadline", "original_deadline",
            "state", "state_display", "is_overdue", "is_listed", "version", *PLAN_FIELDS,
            "reported_to_regulator_on", "reported_to_congress_on", "missing_plan_fields", "missing_dual_reports",
            "rectified_at", "accepted_at", "closed_at", "created_at", "updated_at",
            # issue #10 (h/loop1)
            "definition_condition", "definition_justification", "major_confirmation",
        ]
        read_only_fields = fields


# --- the ledger's list, from values() -------------------------------------------------------------

#: HazardSerializer's fields that the model computes (properties and methods) rather than stores.
LIST_COMPUTED = ("state_display", "grade_display", "is_overdue", "missing_plan_fields", "missing_dual_reports")


class HazardListColumnsSerializer(HazardSerializer):
    """HazardSerializer's stored fields (and those of its joins): what the list reads by values()."""

    class Meta(HazardSerializer.Meta):
        fields = [name for name in HazardSerializer.Meta.fields if name not in LIST_COMPUTED]
        read_only_fields = fields


def _display(name: str):
    """``get_<name>_display`` as the model has it, with the choices' labels looked up once (the
    model's rebuilds its dict of choices on every call)."""
    labels = dict(Hazard._meta.get_field(name).flatchoices)

    def display(self) -> str:
        value = getattr(self, name)
        return force_str(labels.get(value, value), strings_only=True)

    return display


class _HazardRow:
    """A values() row of the list seen through the model's own properties and methods, so the
    list computes ``is_overdue``, ``missing_plan_fields``, … exactly as the detail does."""

    __slots__ = ("_row",)
    is_major = Hazard.is_major
    is_overdue = Hazard.is_overdue
    missing_plan_fields = Hazard.missing_plan_fields
    missing_dual_reports = Hazard.missing_dual_reports
    get_state_display = _display("state")
    get_grade_display = _display("grade")

    def __init__(self, row: dict):
        self._row = row

    def __getattr__(self, name: str):
        try:
            return self._row[name]
        except KeyError:
            raise AttributeError(name) from None


class HazardListRepresentation:
    """What HazardSerializer gives for a ledger row, built from its ``values()`` row: the same
    keys in the same order and the same values, so the same JSON. The stored fields go through
    ``ValuesRepresentation`` (HazardListColumnsSerializer's own field objects format them); the
    computed ones (LIST_COMPUTED) are the model's properties and methods on the row, formatted by
    HazardSerializer's fields. A field added to HazardSerializer appears here too, or fails loudly
    when it cannot be read from values() (the tests compare both for every kind of hazard).

    Why: turning the page's rows into model instances (with their enterprise, township,
    industry, grid and criterion) and walking DRF's fields over them was most of the list's
    time over its SQL (bench/README.md, "Hazard ledger at 10,000,000 hazards")."""

    def __init__(self):
        self.stored = ValuesRepresentation(HazardListColumnsSerializer)
        self._plan: tuple[list[tuple[str, str, Any]], list[str]] | None = None

    @property
    def columns(self) -> list[str]:
        """The values() columns ``represent`` reads."""
        return self.stored.columns

    def represent(self, row: dict[str, Any]) -> dict[str, Any]:
        computed, order = self._compiled()
        out = self.stored.represent(row)
        hazard = _HazardRow(row)
        for name, source, to_representation in computed:
            value = getattr(hazard, source)
            if callable(value):
                value = value()
            out[name] = None if value is None else to_representation(value)
        return {name: out[name] for name in order}

    def _compiled(self) -> tuple[list[tuple[str, str, Any]], list[str]]:
        if self._plan is None:
            fields = {f.field_name: f for f in HazardSerializer()._readable_fields}
            computed = [(name, fields[name].source, fields[name].to_representation) for name in LIST_COMPUTED]
            self._plan = (computed, list(fields))
        return self._plan


LIST_REPRESENTATION = HazardListRepresentation()


class HazardDetailSerializer(HazardSerializer):
    criterion_text = serializers.CharField(source="criterion.text", read_only=True, allow_null=True)
    accepted_by = UserNameField()
    # issue #10 (h/loop1)
    rectified_by = UserNameField(help_text="who submitted the rectification (someone else accepts it)")
    major_confirmed_by = UserNameField()
    deadline_mismatches = serializers.SerializerMethodField(
        help_text="where the rectification, 五落实 plan, notice and listing deadlines disagree (sentences)")
    available_actions = serializers.SerializerMethodField(
        help_text="the steps the caller may take now (services.available_actions)")
    timeline = serializers.SerializerMethodField(help_text="events, newest first")
    attachments = serializers.SerializerMethodField()
    extensions = serializers.SerializerMethodField()
    listings = serializers.SerializerMethodField()
    # 双报告 and 复查 (issue #10)
    dual_reports = serializers.SerializerMethodField()
    rechecks = serializers.SerializerMethodField()
    recheck_due_on = serializers.SerializerMethodField(
        help_text="the day the pending re-check is due (null: none pending)")

    class Meta(HazardSerializer.Meta):
        fields = [*HazardSerializer.Meta.fields, "criterion_text", "rectification_note", "accepted_by",
                  "available_actions", "extensions", "listings", "timeline", "attachments",
                  # issue #10 (h/loop1)
                  "rectified_by", "major_confirmed_by", "major_confirmed_at", "deadline_mismatches",
                  "recheck_required", "rechecked_at", "recheck_due_on", "dual_reports", "rechecks"]
        read_only_fields = fields

    @extend_schema_field(DualReportRecordSerializer(many=True))
    def get_dual_reports(self, obj):
        return DualReportRecordSerializer(obj.dual_reports.select_related("department", "reported_by"), many=True,
                                          context=self.context).data

    @extend_schema_field(RecheckRecordSerializer(many=True))
    def get_rechecks(self, obj):
        return RecheckRecordSerializer(obj.rechecks.select_related("department", "checked_by", "notice"), many=True,
                                       context=self.context).data

    def get_recheck_due_on(self, obj) -> datetime.date | None:
        return services.recheck_due_on(obj)

    def get_deadline_mismatches(self, obj) -> list[str]:
        return deadline_mismatches(obj)

    def get_available_actions(self, obj) -> list[str]:
        request = self.context["request"]
        actions = services.available_actions(request.user, obj)
        if is_api_key_request(request):
            actions = [a for a in actions if a in KEY_STEPS]
        return actions

    @extend_schema_field(TimelineEventSerializer(many=True))
    def get_timeline(self, obj):
        files = Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by"))
        events = events_for(obj).prefetch_related(files)
        return TimelineEventSerializer(events, many=True, context=self.context).data

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, obj):
        return AttachmentSerializer(attachments_for(obj).select_related("uploaded_by"), many=True,
                                    context=self.context).data

    @extend_schema_field(ExtensionSerializer(many=True))
    def get_extensions(self, obj):
        return ExtensionSerializer(obj.extensions.select_related("requested_by", "decided_by"), many=True).data

    @extend_schema_field(ListingSummarySerializer(many=True))
    def get_listings(self, obj):
        return ListingSummarySerializer(obj.listings.select_related("department"), many=True).data


DEFINITION_HELP = ("major without a listed criterion: the condition of the general definition met "
                   "(国家安监总局令第16号 第三条), with definition_justification; the grade then awaits a "
                   "regulator's confirmation unless a regulator reports it")


class CriterionChoiceSerializer(ModelSerializer):
    """A major-hazard criterion a hazard may name (issue #10)."""

    document_code = serializers.CharField(source="document.code", read_only=True)
    document_title = serializers.CharField(source="document.title", read_only=True)
    document_number = serializers.CharField(source="document.document_number", read_only=True)

    class Meta:
        model = MajorHazardCriterion
        fields = ["code", "document_code", "document_title", "document_number", "section", "item_no", "text",
                  "is_confirmed"]
        read_only_fields = fields


# Library check items are read by everyone and CheckItem has no for_user; the service refuses an
# item of another enterprise's own checklist (services._validate_check_item).
CHECK_ITEM_UNSCOPED = "library items are public; the service refuses another enterprise's own item"


class HazardCreateSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    """Report a found hazard. Send multipart/form-data to attach ``photos``."""

    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), required=False,
        help_text="the enterprise (an enterprise user or key may leave it out: their own)")
    criterion = serializers.SlugRelatedField(
        slug_field="code", queryset=MajorHazardCriterion.objects.filter(is_active=True), required=False,
        allow_null=True, help_text="code of the major-hazard criterion met (major hazards); one that applies to the "
                                   "enterprise's industry: GET /api/hazards/criteria/?enterprise=<id>")
    check_item = serializers.PrimaryKeyRelatedField(queryset=CheckItem.objects.all(), required=False,
                                                    allow_null=True)
    category = EnumField(HazardFactor, required=False)
    grade = EnumField(HazardGrade, required=False)
    source = EnumField(HazardSource, required=False, help_text="by default from the finder's role")
    photos = files_field("photos of the hazard")
    definition_condition = EnumField(MajorDefinitionCondition, required=False, allow_blank=True,
                                     help_text=DEFINITION_HELP)
    unscoped_fields = {"check_item": CHECK_ITEM_UNSCOPED}

    class Meta:
        model = Hazard
        fields = ["enterprise", "location", "description", "category", "grade", "criterion", "check_item", "source",
                  "finder_name", "found_at", "deadline", *PLAN_FIELDS, "photos",
                  "definition_condition", "definition_justification"]
        extra_kwargs = {"deadline": {"required": True}}

    def validate(self, attrs):
        if attrs.get("enterprise") is None:
            user = self.context["request"].user
            if user.role != Role.ENTERPRISE or user.scope_enterprise_id is None:
                raise serializers.ValidationError({"enterprise": _("This field is required.")})
            attrs["enterprise"] = user.scope_enterprise
        return attrs

    def create(self, validated_data):
        request = self.context["request"]
        data = dict(validated_data)
        enterprise = data.pop("enterprise")
        photos = data.pop("photos", [])
        source = data.pop("source", None)
        if is_api_key_request(request):
            source = HazardSource.ENTERPRISE_SYSTEM
        return services.report_hazard(actor=request.user, enterprise=enterprise, data=data, photos=photos,
                                      source=source)


class HazardUpdateSerializer(ScopedRelatedFieldsMixin, VersionSerializer, ModelSerializer):
    """Correct a reported hazard (services.update_hazard): only these fields, only while reported."""

    category = EnumField(HazardFactor, required=False)
    grade = EnumField(HazardGrade, required=False)
    criterion = serializers.SlugRelatedField(
        slug_field="code", queryset=MajorHazardCriterion.objects.filter(is_active=True), required=False,
        allow_null=True)
    check_item = serializers.PrimaryKeyRelatedField(queryset=CheckItem.objects.all(), required=False,
                                                    allow_null=True)
    definition_condition = EnumField(MajorDefinitionCondition, required=False, allow_blank=True,
                                     help_text=DEFINITION_HELP)
    unscoped_fields = {"check_item": CHECK_ITEM_UNSCOPED}

    class Meta:
        model = Hazard
        fields = sorted(services.EDITABLE_FIELDS) + ["version"]

    def update(self, instance, validated_data):
        data = dict(validated_data)
        version = data.pop("version", None)
        return services.update_hazard(instance, actor=self.context["request"].user, data=data,
                                      expected_version=version)


class VoidRequestSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=bounds.REASON_MAX)


class CommentSerializer(VersionSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class SubmitRectificationSerializer(VersionSerializer):
    note = serializers.CharField(help_text="what was done to rectify the hazard")
    evidence = files_field("rectification evidence (photos, documents)")


class AcceptSerializer(CommentSerializer):
    files = files_field("acceptance photos or documents")


class RefuseAcceptanceSerializer(VersionSerializer):
    reason = serializers.CharField()


class PlanSerializer(VersionSerializer, ModelSerializer):
    """The 五落实 plan: fields sent are set, fields left out are kept."""

    plan_funds = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False,
                                          allow_null=True, label=gettext_lazy("funds (yuan)"))

    class Meta:
        model = Hazard
        fields = [*PLAN_FIELDS, "version"]


class ExtensionRequestSerializer(VersionSerializer):
    new_deadline = serializers.DateField()
    reason = serializers.CharField()


EXT_ID = OpenApiParameter("ext_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="extension request id")


def step(request_serializer, summary: str, **kwargs):
    """The schema of one step of the loop: its input, and the updated hazard as the answer."""
    return extend_schema(request=request_serializer, responses=HazardDetailSerializer, summary=summary, **kwargs)


@extend_schema_view(
    create=extend_schema(responses={201: HazardDetailSerializer}),
    update=extend_schema(responses=HazardDetailSerializer),
    partial_update=extend_schema(responses=HazardDetailSerializer),
)
class HazardViewSet(HistoryActionMixin, ScopedViewSet):
    """The hazard ledger in the caller's jurisdiction and its closed loop
    (report → rectify → accept → close out).

    PUT/PATCH corrects a reported hazard; DELETE (or POST …/void/) voids it with a reason.
    Each step is a POST on …/{id}/<step>/ with an optional ``version``; it answers the hazard.
    """

    queryset = Hazard.objects.all()
    serializer_class = HazardSerializer
    pagination_class = DeferredJoinPagination
    filterset_class = HazardFilter
    filter_backends = FILTER_BACKENDS
    permission_classes = [ActionPermission]
    authentication_classes = [*api_settings.DEFAULT_AUTHENTICATION_CLASSES, EnterpriseApiKeyAuthentication]
    ordering_fields = ["id", "number", "found_at", "deadline", "state", "grade"]
    ordering = ["-id"]
    select_related = ("enterprise__region", "industry", "grid", "criterion")

    action_permissions = {
        "create": FIND, "update": CORRECT, "partial_update": CORRECT, "destroy": VOID, "void": VOID,
        "start_rectification": TRANSITION, "submit_rectification": TRANSITION, "accept": TRANSITION,
        "refuse_acceptance": TRANSITION, "close": TRANSITION, "plan": TRANSITION, "request_extension": TRANSITION,
        "approve_extension": TRANSITION, "refuse_extension": TRANSITION, "dual_report": TRANSITION,
        "list_for_supervision": LIST, "recheck": RECHECK,
        # issue #10 (h/loop1)
        "confirm_major": TRANSITION, "downgrade_major": TRANSITION,
    }
    # What an enterprise's own system may do with its key: push hazards, their plan and the
    # rectification (with evidence), and read its own hazards.
    key_actions = frozenset({"list", "retrieve", "create", "start_rectification", "plan", "submit_rectification",
                             "metadata", "criteria"})

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action != "list":
            qs = qs.select_related("accepted_by")
        return qs

    def list(self, request, *args, **kwargs):
        # The page of keys over the scoped, filtered ledger (COUNT and keys from the indexes; the
        # keys query leaves the joins out), then the page's rows in one query, represented as
        # HazardSerializer represents them (see HazardListRepresentation). No docstring: the
        # OpenAPI description stays the viewset's.
        queryset = self.filter_queryset(self.get_queryset())
        keys = self.paginator.paginate_keys(queryset, request, view=self) if self.paginator else None
        if keys is None:
            return super().list(request, *args, **kwargs)
        rows = hazard_rows(keys, LIST_REPRESENTATION.columns)
        return self.get_paginated_response([LIST_REPRESENTATION.represent(row) for row in rows])

    def get_serializer_class(self):
        if self.action == "create":
            return HazardCreateSerializer
        if self.action in ("update", "partial_update"):
            return HazardUpdateSerializer
        if self.action == "list":
            return HazardSerializer
        if self.action in ("history", "void"):
            return super().get_serializer_class()
        return HazardDetailSerializer

    def detail_response(self, hazard: Hazard, status_code: int = status.HTTP_200_OK) -> Response:
        """The hazard as it is now, read again through the caller's scope."""
        fresh = self.get_queryset().select_related("accepted_by").get(pk=hazard.pk)
        return Response(HazardDetailSerializer(fresh, context=self.get_serializer_context()).data,
                        status=status_code)

    def create(self, request, *args, **kwargs):
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self.detail_response(ser.save(), status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        ser = self.get_serializer(self.get_object(), data=request.data, partial=kwargs.pop("partial", False))
        ser.is_valid(raise_exception=True)
        return self.detail_response(ser.save())

    def destroy(self, request, *args, **kwargs):
        # Voids (never deletes), with the version the caller saw when it sends one.
        hazard = self.get_object()
        ser = VoidRequestSerializer(data=request.data or {"reason": request.query_params.get("reason", "")})
        ser.is_valid(raise_exception=True)
        services.void_hazard(hazard, actor=request.user, reason=ser.validated_data["reason"],
                             expected_version=ser.validated_data.get("version"))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=VoidRequestSerializer, responses={204: None},
                   summary="Void a hazard entered in error, with the reason (a closed-out one is not voided)")
    @action(detail=True, methods=["post"], serializer_class=VoidRequestSerializer)
    def void(self, request, *args, **kwargs):
        return self.destroy(request, *args, **kwargs)

    def _input(self, serializer_class, **context) -> dict:
        ser = serializer_class(data=self.request.data, context={**self.get_serializer_context(), **context})
        ser.is_valid(raise_exception=True)
        return dict(ser.validated_data)

    def _extension(self, hazard: Hazard, ext_id) -> DeadlineExtension:
        return get_object_or_404(DeadlineExtension.objects.select_related("hazard"), pk=ext_id, hazard=hazard)

    @step(CommentSerializer, "Start rectification (reported → rectifying); a major hazard needs its 五落实 plan")
    @action(detail=True, methods=["post"], url_path="start-rectification")
    def start_rectification(self, request, pk=None):
        hazard = self.get_object()
        data = self._input(CommentSerializer)
        services.start_rectification(hazard, actor=request.user, comment=data["comment"],
                                     expected_version=data.get("version"))
        return self.detail_response(hazard)

    @step(SubmitRectificationSerializer, "Submit the rectification with evidence (rectifying → rectified)")
    @action(detail=True, methods=["post"], url_path="submit-rectification")
    def submit_rectification(self, request, pk=None):
        hazard = self.get_object()
        data = self._input(SubmitRectificationSerializer)
        services.submit_rectification(hazard, actor=request.user, note=data["note"], files=data.get("evidence", []),
                                      expected_version=data.get("version"))
        return self.detail_response(hazard)

    @step(AcceptSerializer, "Accept the rectification (rectified → accepted): general hazards by the "
                            "enterprise, major hazards by the regulator")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        hazard = self.get_object()
        data = self._input(AcceptSerializer)
        services.accept_rectification(hazard, actor=request.user, comment=data["comment"],
                                      files=data.get("files", []), expected_version=data.get("version"))
        return self.detail_response(hazard)

    @step(RefuseAcceptanceSerializer, "Refuse the rectification (rectified → rectifying), with the reason")
    @action(detail=True, methods=["post"], url_path="refuse-acceptance")
    def refuse_acceptance(self, request, pk=None):
        hazard = self.get_object()
        data = self._input(RefuseAcceptanceSerializer)
        services.refuse_acceptance(hazard, actor=request.user, reason=data["reason"],
                                   expected_version=data.get("version"))
        return self.detail_response(hazard)

    @step(CommentSerializer, "Close out (销号) an accepted hazard (accepted → closed)")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        hazard = self.get_object()
        data = self._input(CommentSerializer)
        services.close_hazard(hazard, actor=request.user, comment=data["comment"],
                              expected_version=data.get("version"))
        return self.detail_response(hazard)

    @step(PlanSerializer, "Record or change the 五落实 plan (fields left out are kept)")
    @action(detail=True, methods=["put", "patch"])
    def plan(self, request, pk=None):
        hazard = self.get_object()
        data = self._input(PlanSerializer)
        version = data.pop("version", None)
        services.update_plan(hazard, actor=request.user, plan=data, expected_version=version)
        return self.detail_response(hazard)

    @step(ExtensionRequestSerializer, "Request a later rectification deadline (one pending request at a time)")
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request, pk=None):
        hazard = self.get_object()
        data = self._input(ExtensionRequestSerializer)
        services.request_extension(hazard, actor=request.user, new_deadline=data["new_deadline"],
                                   reason=data["reason"], expected_version=data.get("version"))
        return self.detail_response(hazard)

    @step(CommentSerializer, "Approve a pending extension request (the deadline moves)", parameters=[EXT_ID])
    @action(detail=True, methods=["post"], url_path=r"extensions/(?P<ext_id>[0-9]+)/approve",
            url_name="approve-extension")
    def approve_extension(self, request, pk=None, ext_id=None):
        hazard = self.get_object()
        extension = self._extension(hazard, ext_id)
        data = self._input(CommentSerializer)
        services.decide_extension(extension, actor=request.user, approve=True, comment=data["comment"],
                                  expected_version=data.get("version"))
        return self.detail_response(hazard)

    @step(CommentSerializer, "Refuse a pending extension request (the comment is the reason)", parameters=[EXT_ID])
    @action(detail=True, methods=["post"], url_path=r"extensions/(?P<ext_id>[0-9]+)/refuse",
            url_name="refuse-extension")
    def refuse_extension(self, request, pk=None, ext_id=None):
        hazard = self.get_object()
        extension = self._extension(hazard, ext_id)
        data = self._input(CommentSerializer)
        services.decide_extension(extension, actor=request.user, approve=False, comment=data["comment"],
                                  expected_version=data.get("version"))
        return self.detail_response(hazard)

    @step(DualReportSerializer, "File a report of a major hazard (双报告) to the supervising department or the "
                                "workers' congress: the hazard report, or once rectified the treatment result")
    @action(detail=True, methods=["post"], url_path="dual-report")
    def dual_report(self, request, pk=None):
        hazard = self.get_object()
        data = self._input(DualReportSerializer)
        version = data.pop("version", None)
        services.record_dual_report(hazard, actor=request.user, expected_version=version, **data)
        return self.detail_response(hazard)

    @step(RecheckSerializer, "Re-check (复查) the rectification of a hazard found by an inspection or under a "
                             "notice: passed (it can be closed out) or not passed with a new deadline")
    @action(detail=True, methods=["post"])
    def recheck(self, request, pk=None):
        hazard = self.get_object()
        data = self._input(RecheckSerializer)
        version = data.pop("version", None)
        services.record_recheck(hazard, actor=request.user, expected_version=version, **data)
        return self.detail_response(hazard)

    @step(ListingRequestSerializer, "List a major hazard for supervision (挂牌督办)")
    @action(detail=True, methods=["post"], url_path="list", url_name="list-for-supervision")
    def list_for_supervision(self, request, pk=None):
        hazard = self.get_object()
        data = self._input(ListingRequestSerializer)
        services.list_for_supervision(hazard, actor=request.user, level=data.get("level") or None,
                                      department=data.get("department"),
                                      deadline=data["deadline"], document_number=data["document_number"],
                                      requirements=data["requirements"], expected_version=data.get("version"))
        return self.detail_response(hazard)


    # --- issue #10 (h/loop1) ----------------------------------------------------------------

    @extend_schema(parameters=[OpenApiParameter("enterprise", OpenApiTypes.INT, description=(
        "the enterprise (an enterprise user or key may leave it out: their own)"))],
        responses=CriterionChoiceSerializer(many=True),
        summary="The major-hazard criteria a hazard of this enterprise may name (its industry's, and those "
                "across industries, in force today)")
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def criteria(self, request):
        raw = request.query_params.get("enterprise") or ""
        user = request.user
        if raw:
            if not raw.isdigit():
                raise serializers.ValidationError({"enterprise": _("Give the enterprise's id.")})
            enterprise = scoped_object_or_404(request, Enterprise.objects.select_related("industry"), pk=int(raw))
        elif user.role == Role.ENTERPRISE and user.scope_enterprise_id is not None:
            enterprise = Enterprise.objects.select_related("industry").get(pk=user.scope_enterprise_id)
        else:
            raise serializers.ValidationError({"enterprise": _("This field is required.")})
        rows = criteria_for_industries([enterprise.industry.code], on=timezone.localdate())
        return Response(CriterionChoiceSerializer(rows, many=True).data)

    @step(CommentSerializer, "Confirm a major grade given by the general definition (待确认 → 重大隐患)")
    @action(detail=True, methods=["post"], url_path="confirm-major")
    def confirm_major(self, request, pk=None):
        hazard = self.get_object()
        data = self._input(CommentSerializer)
        services.confirm_major(hazard, actor=request.user, comment=data["comment"],
                               expected_version=data.get("version"))
        return self.detail_response(hazard)

    @step(RefuseAcceptanceSerializer, "Downgrade a major grade given by the general definition to general, "
                                      "with the reason")
    @action(detail=True, methods=["post"], url_path="downgrade-major")
    def downgrade_major(self, request, pk=None):
        hazard = self.get_object()
        data = self._input(RefuseAcceptanceSerializer)
        services.downgrade_major(hazard, actor=request.user, reason=data["reason"],
                                 expected_version=data.get("version"))
        return self.detail_response(hazard)
