"""The accident API: grading, the ledger with CRUD, casualty updates (补报), follow-up reports
(续报) and the situation-stable step, the reporting chain, reporting flags, the investigation
with its report deadline (and extension), rectifications, accountability and the timeline.

Every write goes through ``anjian.accidents.services`` (lock, right, state, version, event);
the views parse input and answer. A service ValidationError → 400 naming the field;
PermissionDenied → 403; ConflictError → 409; accidents outside the caller's jurisdiction → 404.
"""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response
from rest_framework.views import APIView

from anjian.core import bounds
from anjian.core.api import EventSerializer, HistoryActionMixin, ScopedRelatedFieldsMixin, ScopedViewSet
from anjian.core.api_fields import (
    ActionPermission,
    EnumField,
    ModelSerializer,
    Serializer,
    UserNameField,
    user_name,
)
from anjian.core.pagination import DeferredJoinPagination
from anjian.core.services import attachments_for, events_for
from anjian.enterprises.models import Enterprise, Industry
from anjian.regions.models import Region
from anjian.standards.models import AccidentType

from . import services
from .choices import (
    FLAG_DEFINITIONS,
    AccidentCategory,
    AccidentGrade,
    AccidentState,
    AccountabilityMeasure,
    FlagKind,
    FlagState,
    InvestigatingLevel,
    ListingLevel,
    RectificationState,
    ReportingLevel,
)
from .filters import AccidentFilter
from .grading import NoThresholds, grade_for
from .models import (
    Accident,
    AccidentRectification,
    Accountability,
    CasualtyUpdate,
    FollowUpReport,
    Investigation,
    ReportingFlag,
    ReportingStep,
)
from .policy import available_actions
from .regulations import counted_deaths, missing_counted_as_deaths
from .selectors import followup_status, report_deadline, reporting_chain, update_window_end

REPORT = ("accidents.add_accident",)
CHANGE = ("accidents.change_accident",)
VOID = ("accidents.delete_accident",)
INVESTIGATE = ("accidents.investigate_accident",)


class StrictCountField(serializers.IntegerField):
    """A head count: a JSON integer (or a string of digits), never a fraction, a float or a boolean."""

    default_error_messages = {"invalid": gettext_lazy("Give a whole number of persons (0 or more).")}

    def to_internal_value(self, data):
        if isinstance(data, bool | float):
            self.fail("invalid")
        if isinstance(data, str) and not data.strip().isdigit():
            self.fail("invalid")
        return super().to_internal_value(data)


# A bound far above any accident on record, so that no count overflows a column or a sum.
MAX_CASUALTIES = 100_000


def count_field(**kwargs) -> StrictCountField:
    return StrictCountField(min_value=0, max_value=MAX_CASUALTIES, **kwargs)


def loss_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=2, min_value=Decimal(0), **kwargs)


# --- grading -------------------------------------------------------------------------------

class AccidentGradeRequestSerializer(Serializer):
    deaths = count_field()
    missing = count_field(required=False, default=0,
                          help_text="missing persons (失踪): counted with the deaths unless the setting counts them "
                                    "apart")
    serious_injuries = count_field(help_text="including acute industrial poisoning")
    direct_loss_yuan = loss_field(help_text="direct economic loss in yuan (1000万 = 10000000)")
    on = serializers.DateField(required=False, help_text="the accident's date (default today): which "
                                                          "thresholds apply")


def grade_field(**kwargs) -> EnumField:
    return EnumField(AccidentGrade, enum_name="AccidentGradeEnum", **kwargs)


class AccidentGradeBySerializer(Serializer):
    deaths = grade_field()
    serious_injuries = grade_field()
    direct_loss = grade_field()


class AccidentGradeResponseSerializer(Serializer):
    grade = grade_field()
    by = AccidentGradeBySerializer()
    counted_deaths = serializers.IntegerField(help_text="the deaths as graded: with the missing persons unless the "
                                                        "setting counts them apart")
    missing_counted_as_deaths = serializers.BooleanField()


class GradeView(APIView):
    """The grade (条例 Art. 3) of an accident with these figures: each criterion on its own, the
    highest wins. Negative or non-integer counts are a 400 naming the field."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=AccidentGradeRequestSerializer, responses=AccidentGradeResponseSerializer)
    def post(self, request):
        ser = AccidentGradeRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        try:
            grade, by = grade_for(deaths=data["deaths"], missing=data["missing"],
                                  serious_injuries=data["serious_injuries"],
                                  direct_loss_yuan=data["direct_loss_yuan"], on=data.get("on"))
        except NoThresholds as exc:
            if exc.first is None:
                raise
            raise serializers.ValidationError({"on": [gettext_lazy("No grading rule is in force on this date; the earliest "
                                                        "applies from %(first)s.") % {"first": exc.first}]}) from exc
        return Response({"grade": grade, "by": by, "counted_deaths": counted_deaths(data["deaths"], data["missing"]),
                         "missing_counted_as_deaths": missing_counted_as_deaths()})


# --- read serializers -------------------------------------------------------------------------

class AccidentSerializer(ModelSerializer):
    """A ledger row."""

    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, allow_null=True,
                                            default=None)
    industry = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True, allow_null=True, default=None)
    accident_type_name = serializers.CharField(source="accident_type.name", read_only=True)
    accident_type_scheme = serializers.CharField(source="accident_type.scheme", read_only=True)
    category = EnumField(AccidentCategory, enum_name="AccidentCategoryEnum", read_only=True)
    grade = grade_field(read_only=True)
    state = EnumField(AccidentState, enum_name="AccidentStateEnum", read_only=True)
    grade_display = serializers.CharField(source="get_grade_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    counted_deaths = serializers.SerializerMethodField(
        help_text="deaths as graded and counted (死亡（含失踪）): deaths + missing unless the setting counts the "
                  "missing apart")

    class Meta:
        model = Accident
        fields = ["id", "number", "occurred_at", "region", "region_name", "region_path", "address", "longitude",
                  "latitude", "enterprise", "enterprise_name", "industry", "industry_name", "category",
                  "category_display", "accident_type", "accident_type_name", "accident_type_scheme", "deaths",
                  "missing", "counted_deaths", "serious_injuries", "minor_injuries", "direct_loss_yuan", "grade",
                  "grade_display", "state", "state_display", "version", "is_demo", "created_at"]
        read_only_fields = fields

    def get_counted_deaths(self, obj) -> int:
        return counted_deaths(obj.deaths, obj.missing)


class AccidentReportingStepSerializer(ModelSerializer):
    level = EnumField(ReportingLevel, enum_name="AccidentReportingLevelEnum", read_only=True)
    recorded_by = UserNameField()

    class Meta:
        model = ReportingStep
        fields = ["id", "level", "received_at", "passed_on_at", "department", "handled_by", "note", "recorded_by",
                  "recorded_at"]
        read_only_fields = ["id", "recorded_by", "recorded_at"]


class AccidentCasualtyUpdateSerializer(ModelSerializer):
    grade_before = grade_field(read_only=True)
    grade_after = grade_field(read_only=True)
    recorded_by = UserNameField()

    class Meta:
        model = CasualtyUpdate
        fields = ["id", "as_of", "deaths_before", "missing_before", "serious_injuries_before",
                  "minor_injuries_before", "direct_loss_yuan_before", "deaths", "missing", "serious_injuries",
                  "minor_injuries", "direct_loss_yuan", "grade_before", "grade_after", "within_window", "counted",
                  "note", "recorded_by", "recorded_at"]
        read_only_fields = fields


class AccidentFollowUpSerializer(ModelSerializer):
    recorded_by = UserNameField()
    casualty_update = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True,
                                                         help_text="the casualty update (补报) this report made "
                                                                   "when its figures changed")

    class Meta:
        model = FollowUpReport
        fields = ["id", "reported_at", "reported_by", "text", "deaths", "missing", "serious_injuries",
                  "minor_injuries", "casualty_update", "recorded_by", "recorded_at"]
        read_only_fields = fields


class AccidentFollowUpStatusSerializer(Serializer):
    required = serializers.BooleanField(help_text="false for imported accidents and those entered before follow-up "
                                                  "reports were tracked")
    per_day = serializers.IntegerField(allow_null=True, help_text="at least this many follow-up reports a day")
    source = serializers.CharField(source="source_note")
    last_report_at = serializers.DateTimeField(allow_null=True)
    next_due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    stable_at = serializers.DateTimeField(allow_null=True)
    stable_note = serializers.CharField()


class AccidentReportDeadlineSerializer(Serializer):
    due_on = serializers.DateField()
    base_days = serializers.IntegerField()
    extension_days = serializers.IntegerField()
    extension_reason = serializers.CharField()
    max_extension_days = serializers.IntegerField()
    submitted_on = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    submitted_late = serializers.BooleanField()
    source = serializers.CharField(source="source_note")


class AccidentFlagSerializer(ModelSerializer):
    kind = EnumField(FlagKind, enum_name="AccidentFlagKindEnum", read_only=True)
    state = EnumField(FlagState, enum_name="AccidentFlagStateEnum", read_only=True)
    recorded_by = UserNameField()
    decided_by = UserNameField()
    definition = serializers.SerializerMethodField()

    class Meta:
        model = ReportingFlag
        fields = ["id", "kind", "definition", "state", "is_automatic", "note", "recorded_by", "recorded_at",
                  "decided_by", "decided_at", "decision_comment"]
        read_only_fields = fields

    def get_definition(self, obj) -> str:
        return str(FLAG_DEFINITIONS[FlagKind(obj.kind)])


class AccidentInvestigationSerializer(ModelSerializer):
    responsible_level = EnumField(InvestigatingLevel, enum_name="AccidentInvestigatingLevelEnum", read_only=True)
    approval_deadline = serializers.DateField(read_only=True, allow_null=True)
    is_approval_overdue = serializers.BooleanField(read_only=True)
    report_due_on = serializers.DateField(read_only=True, allow_null=True)
    is_report_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Investigation
        fields = ["id", "responsible_level", "leader", "members", "departments", "started_on", "report_due_on",
                  "report_extension_days", "report_extension_reason", "is_report_overdue",
                  "report_submitted_on", "approval_deadline", "extension_days", "extension_reason", "approved_on",
                  "is_approval_overdue", "cause", "nature", "conclusion"]
        read_only_fields = fields


class AccidentRectificationSerializer(ModelSerializer):
    state = EnumField(RectificationState, enum_name="AccidentRectificationStateEnum", read_only=True)
    listing_level = serializers.CharField(read_only=True, help_text="province / city / county / township, or "
                                                                    "empty when not listed")
    verified_by = UserNameField()
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = AccidentRectification
        fields = ["id", "problem", "measures", "responsible_unit", "deadline", "state", "is_overdue",
                  "listing_level", "listing_unit", "listed_at", "rectified_note", "rectified_at", "verified_by",
                  "verified_at", "version"]
        read_only_fields = fields


class AccidentAccountabilitySerializer(ModelSerializer):
    measure = EnumField(AccountabilityMeasure, enum_name="AccidentAccountabilityMeasureEnum", read_only=True)

    class Meta:
        model = Accountability
        fields = ["id", "person_name", "position", "unit", "measure", "detail", "fine_yuan", "decided_on",
                  "decided_by_unit", "recorded_at"]
        read_only_fields = fields


class AccidentChainLinkSerializer(Serializer):
    level = serializers.CharField()
    label = serializers.CharField()
    received_at = serializers.DateTimeField(allow_null=True)
    passed_on_at = serializers.DateTimeField(allow_null=True)
    elapsed_minutes = serializers.IntegerField(allow_null=True)
    limit_minutes = serializers.SerializerMethodField()
    must_pass_on = serializers.BooleanField()
    late = serializers.BooleanField()
    overdue_now = serializers.BooleanField()
    department = serializers.CharField()
    handled_by = serializers.CharField()

    def get_limit_minutes(self, link) -> int | None:
        return None if link.limit is None else int(link.limit.total_seconds() // 60)


class AccidentChainSerializer(Serializer):
    required_top_level = serializers.CharField()
    is_late = serializers.BooleanField()
    reached_top = serializers.BooleanField()
    links = AccidentChainLinkSerializer(many=True)


class AccidentAttachmentSerializer(Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.CharField(source="get_absolute_url")


class AccidentDetailSerializer(AccidentSerializer):
    grade_by = serializers.SerializerMethodField(help_text="the grade each criterion reaches on its own")
    reporting_chain = serializers.SerializerMethodField()
    update_window_end = serializers.SerializerMethodField()
    casualty_updates = AccidentCasualtyUpdateSerializer(many=True, read_only=True)
    followups = AccidentFollowUpSerializer(many=True, read_only=True)
    followup_status = serializers.SerializerMethodField()
    report_deadline = serializers.SerializerMethodField(help_text="the investigation report's deadline (条例 Art. 29), "
                                                                  "running from the accident even before the "
                                                                  "investigation starts")
    missing_counted_as_deaths = serializers.SerializerMethodField()
    flags = AccidentFlagSerializer(many=True, read_only=True)
    investigation = serializers.SerializerMethodField()
    rectifications = serializers.SerializerMethodField()
    accountabilities = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()

    class Meta(AccidentSerializer.Meta):
        fields = [*AccidentSerializer.Meta.fields, "summary", "preliminary_cause", "learned_at",
                  "reported_to_government_at", "reported_to_department", "reporter_name", "grade_by",
                  "reporting_chain", "update_window_end", "casualty_updates", "followups", "followup_status",
                  "situation_stable_at", "report_deadline", "missing_counted_as_deaths", "flags", "investigation",
                  "rectifications", "accountabilities", "available_actions", "attachments", "is_voided"]
        read_only_fields = fields

    @extend_schema_field(AccidentGradeBySerializer)
    def get_grade_by(self, obj) -> dict:
        return grade_for(deaths=obj.deaths, missing=obj.missing, serious_injuries=obj.serious_injuries,
                         direct_loss_yuan=obj.direct_loss_yuan, on=services._local_date(obj.occurred_at))[1]

    @extend_schema_field(AccidentChainSerializer)
    def get_reporting_chain(self, obj):
        return AccidentChainSerializer(reporting_chain(obj)).data

    @extend_schema_field(AccidentFollowUpStatusSerializer)
    def get_followup_status(self, obj):
        return AccidentFollowUpStatusSerializer(followup_status(obj, list(obj.followups.all()))).data

    @staticmethod
    def _investigation(obj) -> Investigation | None:
        """The accident's investigation, read once for the fields that show it."""
        if not hasattr(obj, "_investigation_row"):
            obj._investigation_row = Investigation.objects.filter(accident=obj).select_related("accident").first()
        return obj._investigation_row

    @extend_schema_field(AccidentReportDeadlineSerializer)
    def get_report_deadline(self, obj):
        return AccidentReportDeadlineSerializer(report_deadline(obj, self._investigation(obj))).data

    def get_missing_counted_as_deaths(self, obj) -> bool:
        return missing_counted_as_deaths()

    def get_update_window_end(self, obj) -> str:
        return serializers.DateTimeField().to_representation(update_window_end(obj))

    @extend_schema_field(AccidentInvestigationSerializer(allow_null=True))
    def get_investigation(self, obj):
        inv = self._investigation(obj)
        return None if inv is None else AccidentInvestigationSerializer(inv).data

    @extend_schema_field(AccidentRectificationSerializer(many=True))
    def get_rectifications(self, obj):
        return AccidentRectificationSerializer(obj.rectifications.filter(is_voided=False).select_related("verified_by"),
                                       many=True).data

    @extend_schema_field(AccidentAccountabilitySerializer(many=True))
    def get_accountabilities(self, obj):
        return AccidentAccountabilitySerializer(obj.accountabilities.filter(is_voided=False), many=True).data

    def get_available_actions(self, obj) -> list[str]:
        return available_actions(self.context["request"].user, obj)

    @extend_schema_field(AccidentAttachmentSerializer(many=True))
    def get_attachments(self, obj):
        return AccidentAttachmentSerializer(attachments_for(obj), many=True).data


# --- write serializers -------------------------------------------------------------------------

class AccidentWriteSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    """Report an accident (POST) or correct it (PATCH, with ``reason`` and optional ``version``)."""

    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.filter(is_voided=False),
                                          required=False, help_text="division code of the place's region "
                                                                    "(default: the enterprise's township)")
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False,
                                                    allow_null=True)
    industry = serializers.SlugRelatedField(slug_field="code", queryset=Industry.objects.all(), required=False,
                                            allow_null=True)
    accident_type = serializers.PrimaryKeyRelatedField(queryset=AccidentType.objects.all())
    category = EnumField(AccidentCategory, enum_name="AccidentCategoryEnum", required=False)
    deaths = count_field(required=False)
    missing = count_field(required=False)
    serious_injuries = count_field(required=False)
    minor_injuries = count_field(required=False)
    direct_loss_yuan = loss_field(required=False)
    reason = serializers.CharField(required=False, write_only=True, help_text="why it is corrected (PATCH)")
    version = serializers.IntegerField(required=False, min_value=1, write_only=True)

    class Meta:
        model = Accident
        fields = ["occurred_at", "region", "address", "longitude", "latitude", "enterprise", "industry", "category",
                  "accident_type", "deaths", "missing", "serious_injuries", "minor_injuries", "direct_loss_yuan",
                  "summary", "preliminary_cause", "learned_at", "reported_to_government_at",
                  "reported_to_department", "reporter_name", "reason", "version"]

    def create(self, validated_data):
        data = dict(validated_data)
        data.pop("reason", None)
        data.pop("version", None)
        return services.report_accident(actor=self.context["request"].user, data=data)

    def update(self, instance, validated_data):
        data = dict(validated_data)
        reason = data.pop("reason", "")
        version = data.pop("version", None)
        return services.update_accident(instance, actor=self.context["request"].user, data=data, reason=reason,
                                        expected_version=version)


class AccidentCasualtyUpdateWriteSerializer(Serializer):
    as_of = serializers.DateTimeField()
    deaths = count_field(required=False)
    missing = count_field(required=False)
    serious_injuries = count_field(required=False)
    minor_injuries = count_field(required=False)
    direct_loss_yuan = loss_field(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, min_value=1)


class AccidentFollowUpWriteSerializer(Serializer):
    reported_at = serializers.DateTimeField()
    reported_by = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    text = serializers.CharField(help_text="the situation reported")
    deaths = count_field(required=False, help_text="default: the accident's current figure (not counting the "
                                                   "missing)")
    missing = count_field(required=False)
    serious_injuries = count_field(required=False)
    minor_injuries = count_field(required=False)
    version = serializers.IntegerField(required=False, min_value=1)


class AccidentSituationStableSerializer(Serializer):
    stable_at = serializers.DateTimeField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, min_value=1)


class AccidentExtendReportSerializer(Serializer):
    days = serializers.IntegerField(min_value=1, help_text="at most the longest extension of the time limit in force "
                                                          "(60)")
    reason = serializers.CharField(max_length=bounds.REASON_MAX, help_text="why, and who approved it")
    version = serializers.IntegerField(required=False, min_value=1)


class AccidentStepWriteSerializer(Serializer):
    level = EnumField(ReportingLevel, enum_name="AccidentReportingLevelEnum",
                      help_text="a government level (unit_head is refused: it is on the accident)")
    received_at = serializers.DateTimeField()
    passed_on_at = serializers.DateTimeField(required=False, allow_null=True)
    department = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    handled_by = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    version = serializers.IntegerField(required=False, min_value=1)


class AccidentFlagWriteSerializer(Serializer):
    kind = EnumField(FlagKind, enum_name="AccidentFlagKindEnum")
    note = serializers.CharField()
    files = serializers.ListField(child=serializers.FileField(), required=False)
    version = serializers.IntegerField(required=False, min_value=1)


class AccidentFlagDecisionSerializer(Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, min_value=1, help_text="the accident's version")


class AccidentInvestigationWriteSerializer(Serializer):
    leader = serializers.CharField(required=False, allow_blank=True, max_length=50)
    members = serializers.CharField(required=False, allow_blank=True)
    departments = serializers.CharField(required=False, allow_blank=True)
    started_on = serializers.DateField(required=False)
    cause = serializers.CharField(required=False, allow_blank=True)
    nature = serializers.CharField(required=False, allow_blank=True, max_length=100)
    conclusion = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1)


class AccidentSubmitReportSerializer(AccidentInvestigationWriteSerializer):
    submitted_on = serializers.DateField()
    files = serializers.ListField(child=serializers.FileField(), required=False)


class AccidentExtendApprovalSerializer(Serializer):
    days = serializers.IntegerField(min_value=1, max_value=30)
    reason = serializers.CharField(max_length=bounds.REASON_MAX)
    version = serializers.IntegerField(required=False, min_value=1)


class AccidentApproveReportSerializer(Serializer):
    approved_on = serializers.DateField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, min_value=1)


class AccidentRectificationWriteSerializer(Serializer):
    problem = serializers.CharField()
    measures = serializers.CharField(required=False, allow_blank=True, default="")
    responsible_unit = serializers.CharField(max_length=100)
    deadline = serializers.DateField()
    listing_level = EnumField(ListingLevel, enum_name="AccidentListingLevelEnum", required=False, allow_blank=True,
                              default="")
    listing_unit = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    version = serializers.IntegerField(required=False, min_value=1, help_text="the accident's version")


class AccidentRectifySerializer(Serializer):
    note = serializers.CharField()
    files = serializers.ListField(child=serializers.FileField(), required=False)
    version = serializers.IntegerField(required=False, min_value=1)


class AccidentVerifySerializer(Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, min_value=1)


class AccidentAccountabilityWriteSerializer(Serializer):
    person_name = serializers.CharField(max_length=100)
    position = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    unit = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    measure = EnumField(AccountabilityMeasure, enum_name="AccidentAccountabilityMeasureEnum")
    detail = serializers.CharField(required=False, allow_blank=True, default="")
    fine_yuan = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0), required=False,
                                         allow_null=True)
    decided_on = serializers.DateField(required=False, allow_null=True)
    decided_by_unit = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    version = serializers.IntegerField(required=False, min_value=1, help_text="the accident's version")


# --- the viewset ------------------------------------------------------------------------------

class AccidentViewSet(HistoryActionMixin, ScopedViewSet):
    """The accident ledger in the caller's jurisdiction, with its casualty updates, reporting
    chain, flags, investigation, rectifications and accountability. DELETE (or POST …/void/) voids."""

    queryset = Accident.objects.all()
    serializer_class = AccidentSerializer
    pagination_class = DeferredJoinPagination
    filterset_class = AccidentFilter
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["occurred_at", "id", "deaths", "direct_loss_yuan"]
    ordering = ["-occurred_at", "-id"]
    permission_classes = [ActionPermission]
    select_related = ("region", "enterprise", "industry", "accident_type")
    void_service = staticmethod(services.void_accident)
    action_permissions = {
        "create": REPORT, "update": CHANGE, "partial_update": CHANGE, "destroy": VOID, "void": VOID,
        "casualty_updates": CHANGE, "followups": CHANGE, "situation_stable": CHANGE, "extend_report": INVESTIGATE,
        "steps": CHANGE, "flags": INVESTIGATE, "decide_flag": INVESTIGATE,
        "investigation": INVESTIGATE, "submit_report": INVESTIGATE, "extend_approval": INVESTIGATE,
        "approve_report": INVESTIGATE, "rectifications": INVESTIGATE, "rectify": CHANGE,
        "verify_rectification": INVESTIGATE, "accountability": INVESTIGATE,
    }

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return AccidentWriteSerializer
        if self.action == "list":
            return AccidentSerializer
        if self.action in ("history", "void"):
            return super().get_serializer_class()
        return AccidentDetailSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related("casualty_updates__recorded_by", "flags__recorded_by", "flags__decided_by",
                                     "followups__recorded_by")
        return qs

    def detail_response(self, accident: Accident, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = (self.get_queryset()
                 .prefetch_related("casualty_updates__recorded_by", "flags__recorded_by", "flags__decided_by",
                                   "followups__recorded_by")
                 .get(pk=accident.pk))
        return Response(AccidentDetailSerializer(fresh, context=self.get_serializer_context()).data,
                        status=status_code)

    @extend_schema(responses={201: AccidentDetailSerializer})
    def create(self, request, *args, **kwargs):
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self.detail_response(ser.save(), status.HTTP_201_CREATED)

    @extend_schema(responses=AccidentDetailSerializer)
    def update(self, request, *args, **kwargs):
        ser = self.get_serializer(self.get_object(), data=request.data, partial=kwargs.pop("partial", False))
        ser.is_valid(raise_exception=True)
        return self.detail_response(ser.save())

    def _input(self, serializer_class) -> dict:
        ser = serializer_class(data=self.request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        return dict(ser.validated_data)

    @extend_schema(request=AccidentCasualtyUpdateWriteSerializer, responses=AccidentCasualtyUpdateSerializer(many=True))
    @action(detail=True, methods=["get", "post"], url_path="casualty-updates", url_name="casualty-updates")
    def casualty_updates(self, request, pk=None):
        """GET: the history of the figures (every update with before/after). POST: a 补报."""
        accident = self.get_object()
        if request.method == "POST":
            data = self._input(AccidentCasualtyUpdateWriteSerializer)
            version, as_of, note = data.pop("version", None), data.pop("as_of"), data.pop("note", "")
            services.record_casualty_update(accident, actor=request.user, as_of=as_of, figures=data, note=note,
                                            expected_version=version)
            return self.detail_response(accident, status.HTTP_201_CREATED)
        updates = accident.casualty_updates.select_related("recorded_by")
        return Response(AccidentCasualtyUpdateSerializer(updates, many=True).data)

    @extend_schema(request=AccidentFollowUpWriteSerializer, responses=AccidentFollowUpSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def followups(self, request, pk=None):
        """GET: the follow-up reports (续报). POST: record one; changed figures are recorded as a
        casualty update (补报) in the same step."""
        accident = self.get_object()
        if request.method == "POST":
            data = self._input(AccidentFollowUpWriteSerializer)
            figures = {n: data[n] for n in services.HEAD_COUNTS if n in data}
            services.record_followup(accident, actor=request.user, reported_at=data["reported_at"], text=data["text"],
                                     reported_by=data["reported_by"], figures=figures,
                                     expected_version=data.get("version"))
            return self.detail_response(accident, status.HTTP_201_CREATED)
        return Response(AccidentFollowUpSerializer(accident.followups.select_related("recorded_by"), many=True).data)

    @extend_schema(request=AccidentSituationStableSerializer, responses=AccidentDetailSerializer)
    @action(detail=True, methods=["post"], url_path="situation-stable", url_name="situation-stable")
    def situation_stable(self, request, pk=None):
        """Declare the situation stable: the follow-up reports owed end (regulators in scope)."""
        accident = self.get_object()
        data = self._input(AccidentSituationStableSerializer)
        services.declare_situation_stable(accident, actor=request.user, stable_at=data["stable_at"],
                                          note=data["note"], expected_version=data.get("version"))
        return self.detail_response(accident)

    @extend_schema(request=AccidentStepWriteSerializer, responses=AccidentChainSerializer)
    @action(detail=True, methods=["get", "post"])
    def steps(self, request, pk=None):
        """GET: the reporting chain with lateness. POST: record (or correct) one level's step."""
        accident = self.get_object()
        if request.method == "POST":
            data = self._input(AccidentStepWriteSerializer)
            version = data.pop("version", None)
            services.record_reporting_step(accident, actor=request.user, expected_version=version, **data)
            return self.detail_response(accident, status.HTTP_201_CREATED)
        return Response(AccidentChainSerializer(reporting_chain(accident)).data)

    @extend_schema(request=AccidentFlagWriteSerializer, responses=AccidentFlagSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def flags(self, request, pk=None):
        """GET: the reporting flags. POST: record one (investigators)."""
        accident = self.get_object()
        if request.method == "POST":
            data = self._input(AccidentFlagWriteSerializer)
            services.record_flag(accident, actor=request.user, kind=data["kind"], note=data["note"],
                                 files=data.get("files", []), expected_version=data.get("version"))
            return self.detail_response(accident, status.HTTP_201_CREATED)
        return Response(AccidentFlagSerializer(accident.flags.select_related("recorded_by", "decided_by"), many=True).data)

    @extend_schema(request=AccidentFlagDecisionSerializer, responses=AccidentDetailSerializer,
                   operation_id="accidents_flags_decide")
    @action(detail=True, methods=["post"], url_path=r"flags/(?P<flag_id>[0-9]+)/(?P<decision>confirm|retract)",
            url_name="decide-flag")
    def decide_flag(self, request, pk=None, flag_id=None, decision=None):
        """Confirm or retract a recorded flag."""
        accident = self.get_object()
        flag = get_object_or_404(ReportingFlag, pk=flag_id, accident=accident)
        data = self._input(AccidentFlagDecisionSerializer)
        services.decide_flag(flag, actor=request.user, confirm=decision == "confirm", comment=data["comment"],
                             expected_version=data.get("version"))
        return self.detail_response(accident)

    @extend_schema(request=AccidentInvestigationWriteSerializer, responses=AccidentInvestigationSerializer)
    @action(detail=True, methods=["get", "post", "patch"])
    def investigation(self, request, pk=None):
        """GET: the investigation (404 before it starts). POST: start it (reported → investigating).
        PATCH: change the team, causes, nature, conclusion."""
        accident = self.get_object()
        if request.method == "GET":
            inv = get_object_or_404(Investigation.objects.select_related("accident"), accident=accident)
            return Response(AccidentInvestigationSerializer(inv).data)
        data = self._input(AccidentInvestigationWriteSerializer)
        version = data.pop("version", None)
        if request.method == "POST":
            services.start_investigation(accident, actor=request.user, data=data, expected_version=version)
            return self.detail_response(accident, status.HTTP_201_CREATED)
        services.update_investigation(accident, actor=request.user, data=data, expected_version=version)
        return self.detail_response(accident)

    @extend_schema(request=AccidentSubmitReportSerializer, responses=AccidentDetailSerializer)
    @action(detail=True, methods=["post"], url_path="submit-report", url_name="submit-report")
    def submit_report(self, request, pk=None):
        """investigating → report_submitted; the approval deadline starts to run."""
        accident = self.get_object()
        data = self._input(AccidentSubmitReportSerializer)
        version, submitted_on, files = data.pop("version", None), data.pop("submitted_on"), data.pop("files", [])
        services.submit_investigation_report(accident, actor=request.user, submitted_on=submitted_on, data=data,
                                             files=files, expected_version=version)
        return self.detail_response(accident)

    @extend_schema(request=AccidentExtendReportSerializer, responses=AccidentDetailSerializer)
    @action(detail=True, methods=["post"], url_path="extend-report", url_name="extend-report")
    def extend_report(self, request, pk=None):
        """Extend the investigation report's deadline once (条例 Art. 29: at most 60 days)."""
        accident = self.get_object()
        data = self._input(AccidentExtendReportSerializer)
        services.extend_report_deadline(accident, actor=request.user, days=data["days"], reason=data["reason"],
                                        expected_version=data.get("version"))
        return self.detail_response(accident)

    @extend_schema(request=AccidentExtendApprovalSerializer, responses=AccidentDetailSerializer)
    @action(detail=True, methods=["post"], url_path="extend-approval", url_name="extend-approval")
    def extend_approval(self, request, pk=None):
        """Extend a 特别重大 accident's approval deadline once, by at most 30 days."""
        accident = self.get_object()
        data = self._input(AccidentExtendApprovalSerializer)
        services.extend_approval(accident, actor=request.user, days=data["days"], reason=data["reason"],
                                 expected_version=data.get("version"))
        return self.detail_response(accident)

    @extend_schema(request=AccidentApproveReportSerializer, responses=AccidentDetailSerializer)
    @action(detail=True, methods=["post"], url_path="approve-report", url_name="approve-report")
    def approve_report(self, request, pk=None):
        """report_submitted → closed."""
        accident = self.get_object()
        data = self._input(AccidentApproveReportSerializer)
        services.approve_investigation_report(accident, actor=request.user, approved_on=data["approved_on"],
                                              comment=data["comment"], expected_version=data.get("version"))
        return self.detail_response(accident)

    @extend_schema(request=AccidentRectificationWriteSerializer, responses=AccidentRectificationSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def rectifications(self, request, pk=None):
        """GET: the problems exposed and their rectification. POST: add one."""
        accident = self.get_object()
        if request.method == "POST":
            data = self._input(AccidentRectificationWriteSerializer)
            version = data.pop("version", None)
            services.add_rectification(accident, actor=request.user, data=data, expected_version=version)
            return self.detail_response(accident, status.HTTP_201_CREATED)
        rows = accident.rectifications.filter(is_voided=False).select_related("verified_by")
        return Response(AccidentRectificationSerializer(rows, many=True).data)

    def _rectification(self, accident, rect_id) -> AccidentRectification:
        return get_object_or_404(AccidentRectification, pk=rect_id, accident=accident, is_voided=False)

    @extend_schema(request=AccidentRectifySerializer, responses=AccidentDetailSerializer)
    @action(detail=True, methods=["post"], url_path=r"rectifications/(?P<rect_id>[0-9]+)/rectify",
            url_name="rectify")
    def rectify(self, request, pk=None, rect_id=None):
        accident = self.get_object()
        data = self._input(AccidentRectifySerializer)
        services.rectify(self._rectification(accident, rect_id), actor=request.user, note=data["note"],
                         files=data.get("files", []), expected_version=data.get("version"))
        return self.detail_response(accident)

    @extend_schema(request=AccidentVerifySerializer, responses=AccidentDetailSerializer)
    @action(detail=True, methods=["post"], url_path=r"rectifications/(?P<rect_id>[0-9]+)/verify",
            url_name="verify-rectification")
    def verify_rectification(self, request, pk=None, rect_id=None):
        accident = self.get_object()
        data = self._input(AccidentVerifySerializer)
        services.verify_rectification(self._rectification(accident, rect_id), actor=request.user,
                                      comment=data["comment"], expected_version=data.get("version"))
        return self.detail_response(accident)

    @extend_schema(request=AccidentAccountabilityWriteSerializer, responses=AccidentAccountabilitySerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def accountability(self, request, pk=None):
        """GET: the accountability records. POST: add one."""
        accident = self.get_object()
        if request.method == "POST":
            data = self._input(AccidentAccountabilityWriteSerializer)
            version = data.pop("version", None)
            services.add_accountability(accident, actor=request.user, data=data, expected_version=version)
            return self.detail_response(accident, status.HTTP_201_CREATED)
        return Response(AccidentAccountabilitySerializer(accident.accountabilities.filter(is_voided=False), many=True).data)

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        """The accident's timeline, newest first."""
        accident = self.get_object()
        rows = [{"action": e.action, "at": e.at, "actor": user_name(e.actor), "from_state": e.from_state,
                 "to_state": e.to_state, "comment": e.comment, "data": e.data} for e in events_for(accident)]
        return Response(EventSerializer(rows, many=True).data)

