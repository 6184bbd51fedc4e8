"""The committee office's API (under /api/steering/): responsible units, monthly reports,
inspection tours and their findings.

Every collection is the caller's rows (``core.api`` Scoped* viewsets); every related field a
client sends is narrowed to what the caller may name; every write goes through
``anjian.steering.services`` (lock, version → 409, the actor's right, the machine, history,
event). A refused step is a 400 naming the field, a stale version a 409."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from anjian.accidents.models import Accident
from anjian.core.api import (
    EventSerializer,
    HistoryActionMixin,
    ImportReportSerializer,
    ScopedReadOnlyViewSet,
    ScopedRelatedFieldsMixin,
    ScopedViewSet,
    scope_serializer,
)
from anjian.core.api_fields import (
    ActionPermission,
    EnumField,
    ModelSerializer,
    Serializer,
    UserNameField,
    VersionSerializer,
    files_field,
)
from anjian.core.models import Attachment
from anjian.core.services import attachments_for, events_for
from anjian.core.workflow import available_steps
from anjian.enterprises.models import FeatureTag, Industry
from anjian.hazards.models import Hazard
from anjian.orgs.models import Department
from anjian.regions.models import Region
from anjian.standards.models import Checklist

from . import selectors, services
from .choices import (
    CAMPAIGN_MACHINE,
    FINDING_MACHINE,
    SUMMONS_MACHINE,
    TASK_MACHINE,
    TOUR_MACHINE,
    AssignmentRole,
    CampaignState,
    CheckKind,
    DutyHolder,
    FindingCategory,
    FindingState,
    LeaderRole,
    MeetingKind,
    PlanKind,
    ProgressKind,
    ReportState,
    SummonsGround,
    SummonsState,
    TaskState,
    TourState,
    UnitKind,
)
from .filters import (
    AssignmentFilter,
    CampaignFilter,
    DutyFilter,
    FindingFilter,
    MonthlyReportFilter,
    PlanFilter,
    ProgressFilter,
    SummonsFilter,
    TaskFilter,
    TourFilter,
    UnitFilter,
)
from .models import (
    Campaign,
    Duty,
    LeaderCheck,
    MonthlyReport,
    Plan,
    PlanPhase,
    PlanTask,
    ProgressReport,
    ReportMeeting,
    Summons,
    TaskAssignment,
    Tour,
    TourFinding,
    Unit,
)


class FileSerializer(ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "url", "uploaded_at"]


def files_of(obj) -> list[dict]:
    return FileSerializer(attachments_for(obj), many=True).data


def events_of(obj) -> list[dict]:
    rows = [{"action": e.action, "at": e.at, "actor": (e.actor.name or e.actor.get_username()) if e.actor else None,
             "from_state": e.from_state, "to_state": e.to_state, "comment": e.comment, "data": e.data}
            for e in events_for(obj).select_related("actor")]
    return EventSerializer(rows, many=True).data


class EventsActionMixin:
    """GET …/{id}/events/: the record's timeline (who did what, when, from which state to which)."""

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, *args, **kwargs):
        return Response(events_of(self.get_object()))


def pop_fixed_keys(instance, data: dict, keys: tuple[tuple[str, str], ...], message: str) -> None:
    """Take out of an update's ``data`` the keys a record was planned with (its committee, its
    unit or region): the same value is ignored, another one is a 400 naming the field."""
    for name, field in keys:
        value = data.pop(name, None)
        if value is not None and value.pk != getattr(instance, f"{name}_id"):
            raise serializers.ValidationError({field: [message]})


class SteeringStepSerializer(VersionSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class SteeringReasonSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=200)


# --- units -----------------------------------------------------------------------------------------------

class UnitSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    committee = serializers.SlugRelatedField(source="committee_region", slug_field="code",
                                             queryset=Region.objects.all())
    committee_name = serializers.CharField(source="committee_region.name", read_only=True)
    kind = EnumField(UnitKind, enum_name="SteeringUnitKindEnum")
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), required=False,
                                          allow_null=True)
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False,
                                                    allow_null=True)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Unit
        fields = ["id", "committee", "committee_name", "kind", "name", "region", "department", "enterprise_unit",
                  "is_member", "files_monthly_report", "contact", "phone", "sort", "version", "is_voided",
                  "created_at"]
        read_only_fields = ["is_voided", "created_at"]


class UnitViewSet(EventsActionMixin, HistoryActionMixin, ScopedViewSet):
    """The responsible units of the committees in the caller's jurisdiction. The committee office
    adds, corrects and voids its own committee's units."""

    queryset = Unit.objects.all()
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    ordering_fields = ["id", "name", "sort"]
    ordering = ["committee_region_id", "sort", "name", "id"]
    select_related = ("committee_region", "region")
    permission_classes = [ActionPermission]
    action_permissions = {"create": ["steering.add_unit"], "update": ["steering.change_unit"],
                          "partial_update": ["steering.change_unit"], "destroy": ["steering.delete_unit"],
                          "void": ["steering.delete_unit"]}
    void_service = staticmethod(services.void_unit)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        committee = data.pop("committee_region")
        data.pop("version", None)
        serializer.instance = services.create_unit(actor=self.request.user, committee_region=committee, data=data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        committee = data.pop("committee_region", None)
        if committee is not None and committee.pk != serializer.instance.committee_region_id:
            raise serializers.ValidationError({"committee": [_("A unit cannot move to another committee.")]})
        serializer.instance = services.update_unit(serializer.instance, actor=self.request.user, data=data,
                                                   version=version)


# --- monthly reports ---------------------------------------------------------------------------------------

class MeetingSerializer(ModelSerializer):
    kind = EnumField(MeetingKind, enum_name="SteeringMeetingKindEnum")
    minutes = files_field("The minutes: one or more files (multipart/form-data).")
    version = serializers.IntegerField(required=False, write_only=True,
                                       help_text="The report's version the client saw (409 if it changed).")

    class Meta:
        model = ReportMeeting
        fields = ["id", "held_on", "kind", "title", "chaired_by", "decisions", "minutes", "version"]


class SteeringCheckSerializer(ModelSerializer):
    kind = EnumField(CheckKind, enum_name="SteeringCheckKindEnum")
    photos = files_field("Photos of the check (multipart/form-data).")
    version = serializers.IntegerField(required=False, write_only=True,
                                       help_text="The report's version the client saw (409 if it changed).")

    class Meta:
        model = LeaderCheck
        fields = ["id", "checked_on", "kind", "leader_name", "leader_position", "places", "hazards_found",
                  "fixed_on_the_spot", "note", "photos", "version"]


class ReportSerializer(ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    committee = serializers.CharField(source="committee_region.code", read_only=True)
    state = EnumField(ReportState, enum_name="SteeringReportStateEnum", read_only=True)
    submitted_by = UserNameField()
    reviewed_by = UserNameField()
    overdue = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False)

    class Meta:
        model = MonthlyReport
        fields = ["id", "unit", "unit_name", "committee", "period", "due_on", "state", "summary", "hazard_work",
                  "hazards_found", "hazards_found_major", "hazards_rectified", "hazards_rectified_major",
                  "hazards_overdue", "figures_at", "meetings_held", "min_meetings", "first_submitted_at",
                  "submitted_at", "submitted_by", "late", "overdue", "reviewed_at", "reviewed_by", "review_comment",
                  "version", "is_voided"]
        read_only_fields = [f for f in fields if f not in ("summary", "hazard_work", "version")]

    def get_overdue(self, obj) -> bool:
        from django.utils import timezone

        return obj.state == ReportState.PENDING and obj.due_on < timezone.localdate()


class ReportDetailSerializer(ReportSerializer):
    meetings = serializers.SerializerMethodField()
    checks = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "meetings", "checks", "files", "available_actions"]

    @extend_schema_field(MeetingSerializer(many=True))
    def get_meetings(self, obj):
        return [{**MeetingSerializer(m).data, "minutes": files_of(m)} for m in obj.meetings.all() if not m.is_voided]

    @extend_schema_field(SteeringCheckSerializer(many=True))
    def get_checks(self, obj):
        return [{**SteeringCheckSerializer(c).data, "photos": files_of(c)} for c in obj.checks.all() if not c.is_voided]

    @extend_schema_field(FileSerializer(many=True))
    def get_files(self, obj):
        return files_of(obj)

    def get_available_actions(self, obj) -> list[str]:
        return services.available_report_actions(self.context["request"].user, obj)


class ReviewSerializer(SteeringStepSerializer):
    decision = serializers.ChoiceField(choices=["accept", "return"])


REPORT_FILE = ["steering.change_monthlyreport"]


class MonthlyReportViewSet(EventsActionMixin, HistoryActionMixin, mixins.UpdateModelMixin, ScopedReadOnlyViewSet):
    """两议一报: the monthly reports of the units in the caller's jurisdiction. Reports are opened
    for every filing unit each month (``anjian open_monthly_reports``, the daily job); a unit's
    own people (or its committee office) fill them in (PATCH the texts, POST meetings and checks)
    and submit them; the office accepts or returns them."""

    queryset = MonthlyReport.objects.all()
    serializer_class = ReportSerializer
    filterset_class = MonthlyReportFilter
    ordering_fields = ["id", "period", "due_on"]
    ordering = ["-period", "id"]
    select_related = ("unit", "committee_region", "submitted_by", "reviewed_by")
    permission_classes = [ActionPermission]
    action_permissions = {
        "update": REPORT_FILE, "partial_update": REPORT_FILE, "meetings": REPORT_FILE, "remove_meeting": REPORT_FILE,
        "checks": REPORT_FILE, "remove_check": REPORT_FILE, "submit": REPORT_FILE,
        "review": ["steering.review_monthlyreport"], "void": ["steering.delete_monthlyreport"],
        "destroy": ["steering.delete_monthlyreport"],
    }
    http_method_names = ["get", "patch", "post", "delete", "head", "options"]

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action != "list":
            qs = qs.prefetch_related(Prefetch("meetings", queryset=ReportMeeting.objects.order_by("held_on", "id")),
                                     Prefetch("checks", queryset=LeaderCheck.objects.order_by("checked_on", "id")))
        return qs

    def get_serializer_class(self):
        return ReportSerializer if self.action == "list" else ReportDetailSerializer

    def _answer(self, report, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=report.pk)
        return Response(ReportDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def update(self, request, *args, **kwargs):
        report = self.get_object()
        ser = ReportSerializer(report, data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        version = data.pop("version", None)
        services.edit_report(report, actor=request.user, data=data, version=version)
        return self._answer(report)

    def _add(self, request, serializer_class, files: str, service):
        """POST a child row (a meeting with its minutes, a check with its photos) onto the report."""
        report = self.get_object()
        ser = serializer_class(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        attached, version = data.pop(files, []), data.pop("version", None)
        service(report, actor=request.user, data=data, version=version, **{files: attached})
        return self._answer(report, status.HTTP_201_CREATED)

    def _remove(self, request, model, key, service):
        """Remove (void) a child row of the report, with the reason."""
        report = self.get_object()
        ser = SteeringReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        row = model.objects.filter(report=report, is_voided=False, pk=key).first()
        if row is None:
            return Response({"detail": _("No such row on this report.")}, status=status.HTTP_404_NOT_FOUND)
        service(row, actor=request.user, reason=ser.validated_data["reason"], version=ser.validated_data.get("version"))
        return self._answer(report)

    @extend_schema(request=MeetingSerializer, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def meetings(self, request, pk=None):
        return self._add(request, MeetingSerializer, "minutes", services.add_meeting)

    @extend_schema(request=SteeringReasonSerializer, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"], url_path=r"meetings/(?P<meeting_id>\d+)/remove")
    def remove_meeting(self, request, pk=None, meeting_id=None):
        return self._remove(request, ReportMeeting, meeting_id, services.remove_meeting)

    @extend_schema(request=SteeringCheckSerializer, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def checks(self, request, pk=None):
        return self._add(request, SteeringCheckSerializer, "photos", services.add_check)

    @extend_schema(request=SteeringReasonSerializer, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"], url_path=r"checks/(?P<check_id>\d+)/remove")
    def remove_check(self, request, pk=None, check_id=None):
        return self._remove(request, LeaderCheck, check_id, services.remove_check)

    @extend_schema(request=VersionSerializer, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self.get_object()
        ser = VersionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.submit_report(report, actor=request.user, version=ser.validated_data.get("version"))
        return self._answer(report)

    @extend_schema(request=ReviewSerializer, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        report = self.get_object()
        ser = ReviewSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.review_report(report, actor=request.user, accept=ser.validated_data["decision"] == "accept",
                               comment=ser.validated_data["comment"], version=ser.validated_data.get("version"))
        return self._answer(report)

    @extend_schema(request=SteeringReasonSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        return self.destroy(request)

    def destroy(self, request, *args, **kwargs):
        report = self.get_object()
        ser = SteeringReasonSerializer(data=request.data or {"reason": request.query_params.get("reason", "")})
        ser.is_valid(raise_exception=True)
        services.void_report(report, actor=request.user, reason=ser.validated_data["reason"],
                             version=ser.validated_data.get("version"))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=inline_serializer("SteeringReportFigures", {
        name: serializers.IntegerField() for name in ("found", "found_major", "rectified", "rectified_major", "overdue")}))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def figures(self, request, pk=None):
        """The hazard figures the system knows now for the report's unit and month (null: the unit
        has no jurisdiction of its own)."""
        return Response(services.report_figures(self.get_object()))



# --- inspection tours (巡查督导) -------------------------------------------------------------------------

class AvailableActionsMixin:
    """``available_actions``: the steps of the record's machine the caller may take now."""

    machine = None

    def get_available_actions(self, obj) -> list[str]:
        from .policy import policy

        return available_steps(self.machine, policy, self.context["request"].user, obj)


class TourSerializer(ScopedRelatedFieldsMixin, AvailableActionsMixin, ModelSerializer):
    machine = TOUR_MACHINE
    committee = serializers.SlugRelatedField(source="committee_region", slug_field="code",
                                             queryset=Region.objects.all())
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    state = EnumField(TourState, enum_name="SteeringTourStateEnum", read_only=True)
    available_actions = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Tour
        fields = ["id", "number", "committee", "unit", "unit_name", "title", "basis", "starts_on", "ends_on",
                  "team_leader", "team_members", "summary", "state", "feedback_on", "completed_on", "version",
                  "is_voided", "available_actions"]
        read_only_fields = ["number", "state", "feedback_on", "completed_on", "is_voided"]


class FindingSerializer(ScopedRelatedFieldsMixin, AvailableActionsMixin, ModelSerializer):
    machine = FINDING_MACHINE
    tour_number = serializers.CharField(source="tour.number", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    category = EnumField(FindingCategory, enum_name="SteeringFindingCategoryEnum")
    state = EnumField(FindingState, enum_name="SteeringFindingStateEnum", read_only=True)
    hazard = serializers.PrimaryKeyRelatedField(queryset=Hazard.objects.all(), required=False, allow_null=True)
    hazard_number = serializers.CharField(source="hazard.number", read_only=True, default=None)
    reported_by = UserNameField()
    closed_by = UserNameField()
    files = files_field("Photos or documents of the finding (multipart/form-data).")
    overdue = serializers.BooleanField(read_only=True)
    available_actions = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False)

    class Meta:
        model = TourFinding
        fields = ["id", "tour", "tour_number", "unit", "unit_name", "seq", "category", "description", "requirement",
                  "deadline", "hazard", "hazard_number", "state", "overdue", "rectification_note", "reported_on",
                  "reported_by", "closed_at", "closed_by", "office_comment", "files", "version", "is_voided",
                  "available_actions"]
        read_only_fields = ["tour", "unit", "seq", "state", "rectification_note", "reported_on", "closed_at",
                            "office_comment", "is_voided"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["files"] = files_of(instance)
        return data


class FeedbackSerializer(SteeringStepSerializer):
    feedback_on = serializers.DateField(required=False, allow_null=True)


class RectificationSerializer(VersionSerializer):
    note = serializers.CharField(max_length=2000)
    files = files_field("Evidence of the rectification (multipart/form-data).")


class VerifySerializer(SteeringStepSerializer):
    decision = serializers.ChoiceField(choices=["close", "return"])


class TourViewSet(EventsActionMixin, HistoryActionMixin, ScopedViewSet):
    """巡查督导: tours of lower governments and departments by the committee office. The office
    plans a tour (POST), records its findings (POST …/findings/), gives feedback (…/feedback/: the
    unit then owes each required rectification by its deadline) and completes it once every
    rectification is closed."""

    queryset = Tour.objects.all()
    serializer_class = TourSerializer
    filterset_class = TourFilter
    ordering_fields = ["id", "starts_on", "number"]
    ordering = ["-starts_on", "-id"]
    select_related = ("unit", "committee_region")
    permission_classes = [ActionPermission]
    action_permissions = {"create": ["steering.add_tour"], "update": ["steering.change_tour"],
                          "partial_update": ["steering.change_tour"], "findings": ["steering.add_tourfinding"],
                          "feedback": ["steering.change_tour"], "complete": ["steering.change_tour"],
                          "destroy": ["steering.delete_tour"], "void": ["steering.delete_tour"]}
    void_service = staticmethod(services.void_tour)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        committee, unit = data.pop("committee_region"), data.pop("unit")
        data.pop("version", None)
        serializer.instance = services.create_tour(actor=self.request.user, committee_region=committee, unit=unit,
                                                   data=data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        pop_fixed_keys(serializer.instance, data, (("committee_region", "committee"), ("unit", "unit")),
                       _("This cannot change after the tour is planned."))
        serializer.instance = services.update_tour(serializer.instance, actor=self.request.user, data=data,
                                                   version=version)

    def _answer(self, tour, code=status.HTTP_200_OK):
        return Response(TourSerializer(Tour.objects.get(pk=tour.pk), context=self.get_serializer_context()).data,
                        status=code)

    @extend_schema(request=FindingSerializer, responses=FindingSerializer)
    @action(detail=True, methods=["post"])
    def findings(self, request, pk=None):
        tour = self.get_object()
        ser = FindingSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        files, version = data.pop("files", []), data.pop("version", None)
        finding = services.add_finding(tour, actor=request.user, data=data, files=files, version=version)
        return Response(FindingSerializer(finding, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=FeedbackSerializer, responses=TourSerializer)
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        tour = self.get_object()
        ser = FeedbackSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.give_feedback(tour, actor=request.user, on=ser.validated_data.get("feedback_on"),
                               comment=ser.validated_data["comment"], version=ser.validated_data.get("version"))
        return self._answer(tour)

    @extend_schema(request=SteeringStepSerializer, responses=TourSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        tour = self.get_object()
        ser = SteeringStepSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.complete_tour(tour, actor=request.user, comment=ser.validated_data["comment"],
                               version=ser.validated_data.get("version"))
        return self._answer(tour)


FINDING_CHANGE = ["steering.change_tourfinding"]


class TourFindingViewSet(EventsActionMixin, HistoryActionMixin, mixins.UpdateModelMixin, ScopedReadOnlyViewSet):
    """The findings of the tours and the rectifications they require. The toured unit reports a
    rectification done (…/report/, with evidence); the office verifies it (…/verify/: close or
    return). ``?overdue=true`` lists the rectifications past their deadline."""

    queryset = TourFinding.objects.all()
    serializer_class = FindingSerializer
    filterset_class = FindingFilter
    ordering_fields = ["id", "deadline", "seq"]
    ordering = ["deadline", "id"]
    select_related = ("tour", "unit", "hazard", "reported_by", "closed_by")
    permission_classes = [ActionPermission]
    action_permissions = {"update": FINDING_CHANGE, "partial_update": FINDING_CHANGE, "report": FINDING_CHANGE,
                          "verify": ["steering.close_tourfinding"], "destroy": ["steering.delete_tourfinding"],
                          "void": ["steering.delete_tourfinding"]}
    http_method_names = ["get", "patch", "post", "delete", "head", "options"]

    def _answer(self, finding):
        fresh = self.get_queryset().get(pk=finding.pk)
        return Response(FindingSerializer(fresh, context=self.get_serializer_context()).data)

    def update(self, request, *args, **kwargs):
        finding = self.get_object()
        ser = FindingSerializer(finding, data=request.data, partial=True, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        version = data.pop("version", None)
        data.pop("files", None)
        services.update_finding(finding, actor=request.user, data=data, version=version)
        return self._answer(finding)

    @extend_schema(request=RectificationSerializer, responses=FindingSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        finding = self.get_object()
        ser = RectificationSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.report_rectification(finding, actor=request.user, note=ser.validated_data["note"],
                                      files=ser.validated_data.get("files", []),
                                      version=ser.validated_data.get("version"))
        return self._answer(finding)

    @extend_schema(request=VerifySerializer, responses=FindingSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        finding = self.get_object()
        ser = VerifySerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.verify_rectification(finding, actor=request.user, accept=ser.validated_data["decision"] == "close",
                                      comment=ser.validated_data["comment"], version=ser.validated_data.get("version"))
        return self._answer(finding)

    @extend_schema(request=SteeringReasonSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        return self.destroy(request)

    def destroy(self, request, *args, **kwargs):
        finding = self.get_object()
        ser = SteeringReasonSerializer(data=request.data or {"reason": request.query_params.get("reason", "")})
        ser.is_valid(raise_exception=True)
        services.void_finding(finding, actor=request.user, reason=ser.validated_data["reason"],
                              version=ser.validated_data.get("version"))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- summons (安全生产约谈) -----------------------------------------------------------------------------

class SummonsSerializer(ScopedRelatedFieldsMixin, AvailableActionsMixin, ModelSerializer):
    machine = SUMMONS_MACHINE
    committee = serializers.SlugRelatedField(source="committee_region", slug_field="code",
                                             queryset=Region.objects.all())
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    ground = EnumField(SummonsGround, enum_name="SteeringSummonsGroundEnum")
    accident = serializers.PrimaryKeyRelatedField(queryset=Accident.objects.all(), required=False, allow_null=True)
    accident_number = serializers.CharField(source="accident.number", read_only=True, default=None)
    state = EnumField(SummonsState, enum_name="SteeringSummonsStateEnum", read_only=True)
    reported_by = UserNameField()
    overdue = serializers.BooleanField(read_only=True)
    files = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Summons
        fields = ["id", "number", "committee", "unit", "unit_name", "ground", "reason", "accident", "accident_number",
                  "scheduled_on", "place", "convened_by", "summoned_officials", "attendees", "state", "overdue",
                  "held_on", "minutes", "measures", "report_due", "report_note", "reported_on", "reported_by",
                  "office_comment", "closed_on", "circulated_on", "circular_number", "published_on", "publication",
                  "files", "version", "is_voided", "available_actions"]
        read_only_fields = ["number", "state", "held_on", "minutes", "measures", "report_due", "report_note",
                            "reported_on", "office_comment", "closed_on", "circulated_on", "circular_number",
                            "published_on", "publication", "is_voided"]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_files(self, obj) -> list[dict]:
        return files_of(obj)


class SummonsHoldSerializer(VersionSerializer):
    held_on = serializers.DateField()
    minutes = serializers.CharField(max_length=8000)
    measures = serializers.CharField(max_length=4000)
    report_due = serializers.DateField()
    files = files_field("The minutes and documents of the talk (multipart/form-data).")


class SummonsVerifySerializer(SteeringStepSerializer):
    decision = serializers.ChoiceField(choices=["close", "return"])
    report_due = serializers.DateField(required=False, allow_null=True)


class SummonsCirculateSerializer(SteeringStepSerializer):
    document_number = serializers.CharField(max_length=60)
    circulated_on = serializers.DateField(required=False, allow_null=True)


class SummonsPublishSerializer(VersionSerializer):
    publication = serializers.CharField(max_length=200)
    published_on = serializers.DateField(required=False, allow_null=True)


SUMMONS_CHANGE = ["steering.change_summons"]


class SummonsViewSet(EventsActionMixin, HistoryActionMixin, ScopedViewSet):
    """约谈: summonses of lower governments and departments by the committee (安委〔2018〕2号). The
    office plans one (POST), records the talk (…/hold/: minutes, measures, the day the written
    report is due); the unit reports (…/report/); the office closes it or returns it (…/verify/),
    circulates a unit that fails (…/circulate/) and records the public disclosure (…/publish/).
    ``?overdue=true`` lists the summonses whose report is overdue."""

    queryset = Summons.objects.all()
    serializer_class = SummonsSerializer
    filterset_class = SummonsFilter
    ordering_fields = ["id", "scheduled_on", "report_due", "number"]
    ordering = ["-scheduled_on", "-id"]
    select_related = ("unit", "committee_region", "accident", "reported_by")
    permission_classes = [ActionPermission]
    action_permissions = {"create": ["steering.add_summons"], "update": SUMMONS_CHANGE,
                          "partial_update": SUMMONS_CHANGE, "hold": SUMMONS_CHANGE, "report": SUMMONS_CHANGE,
                          "verify": SUMMONS_CHANGE, "circulate": SUMMONS_CHANGE, "publish": SUMMONS_CHANGE,
                          "destroy": ["steering.delete_summons"], "void": ["steering.delete_summons"]}
    void_service = staticmethod(services.void_summons)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        committee, unit = data.pop("committee_region"), data.pop("unit")
        data.pop("version", None)
        serializer.instance = services.create_summons(actor=self.request.user, committee_region=committee, unit=unit,
                                                      data=data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        pop_fixed_keys(serializer.instance, data, (("committee_region", "committee"), ("unit", "unit")),
                       _("This cannot change after the summons is planned."))
        serializer.instance = services.update_summons(serializer.instance, actor=self.request.user, data=data,
                                                      version=version)

    def _step(self, request, serializer_class, run):
        summons = self.get_object()
        ser = serializer_class(data=request.data)
        ser.is_valid(raise_exception=True)
        run(summons, dict(ser.validated_data))
        fresh = self.get_queryset().get(pk=summons.pk)
        return Response(SummonsSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=SummonsHoldSerializer, responses=SummonsSerializer)
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        return self._step(request, SummonsHoldSerializer, lambda s, d: services.hold_summons(
            s, actor=request.user, held_on=d["held_on"], minutes=d["minutes"], measures=d["measures"],
            report_due=d["report_due"], files=d.get("files", []), version=d.get("version")))

    @extend_schema(request=RectificationSerializer, responses=SummonsSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        return self._step(request, RectificationSerializer, lambda s, d: services.report_summons(
            s, actor=request.user, note=d["note"], files=d.get("files", []), version=d.get("version")))

    @extend_schema(request=SummonsVerifySerializer, responses=SummonsSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return self._step(request, SummonsVerifySerializer, lambda s, d: services.verify_summons(
            s, actor=request.user, accept=d["decision"] == "close", comment=d["comment"],
            report_due=d.get("report_due"), version=d.get("version")))

    @extend_schema(request=SummonsCirculateSerializer, responses=SummonsSerializer)
    @action(detail=True, methods=["post"])
    def circulate(self, request, pk=None):
        return self._step(request, SummonsCirculateSerializer, lambda s, d: services.circulate_summons(
            s, actor=request.user, document_number=d["document_number"], on=d.get("circulated_on"),
            comment=d["comment"], version=d.get("version")))

    @extend_schema(request=SummonsPublishSerializer, responses=SummonsSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._step(request, SummonsPublishSerializer, lambda s, d: services.publish_summons(
            s, actor=request.user, publication=d["publication"], on=d.get("published_on"), version=d.get("version")))


# --- action plans and their tasks (三年行动, 工作要点) -------------------------------------------------------

class PhaseSerializer(ModelSerializer):
    class Meta:
        model = PlanPhase
        fields = ["id", "seq", "name", "starts_on", "ends_on"]
        read_only_fields = ["seq"]


class SteeringPlanSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    committee = serializers.SlugRelatedField(source="committee_region", slug_field="code",
                                             queryset=Region.objects.all())
    kind = EnumField(PlanKind, enum_name="SteeringPlanKindEnum")
    phases = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Plan
        fields = ["id", "committee", "kind", "title", "document_number", "issued_on", "year_from", "year_to",
                  "description", "phases", "version", "is_voided"]
        read_only_fields = ["is_voided"]

    @extend_schema_field(PhaseSerializer(many=True))
    def get_phases(self, obj):
        return PhaseSerializer([p for p in obj.phases.all() if not p.is_voided], many=True).data


class PlanViewSet(EventsActionMixin, HistoryActionMixin, ScopedViewSet):
    """三年行动、工作要点: the committees' plans, with their phases (POST …/phases/)."""

    queryset = Plan.objects.all()
    serializer_class = SteeringPlanSerializer
    filterset_class = PlanFilter
    ordering_fields = ["id", "year_from"]
    ordering = ["-year_from", "-id"]
    select_related = ("committee_region",)
    prefetch_related = (Prefetch("phases", queryset=PlanPhase.objects.order_by("seq")),)
    permission_classes = [ActionPermission]
    action_permissions = {"create": ["steering.add_plan"], "update": ["steering.change_plan"],
                          "partial_update": ["steering.change_plan"], "phases": ["steering.change_plan"],
                          "remove_phase": ["steering.change_plan"], "destroy": ["steering.delete_plan"],
                          "void": ["steering.delete_plan"]}
    void_service = staticmethod(services.void_plan)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        committee = data.pop("committee_region")
        data.pop("version", None)
        serializer.instance = services.create_plan(actor=self.request.user, committee_region=committee, data=data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        committee = data.pop("committee_region", None)
        if committee is not None and committee.pk != serializer.instance.committee_region_id:
            raise serializers.ValidationError({"committee": [_("A plan cannot move to another committee.")]})
        serializer.instance = services.update_plan(serializer.instance, actor=self.request.user, data=data,
                                                   version=version)

    def _answer(self, plan, code=status.HTTP_200_OK):
        return Response(SteeringPlanSerializer(self.get_queryset().get(pk=plan.pk), context=self.get_serializer_context()).data,
                        status=code)

    @extend_schema(request=PhaseSerializer, responses=SteeringPlanSerializer)
    @action(detail=True, methods=["post"])
    def phases(self, request, pk=None):
        plan = self.get_object()
        ser = PhaseSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.add_phase(plan, actor=request.user, data=dict(ser.validated_data),
                           version=request.data.get("version"))
        return self._answer(plan, status.HTTP_201_CREATED)

    @extend_schema(request=SteeringReasonSerializer, responses=SteeringPlanSerializer)
    @action(detail=True, methods=["post"], url_path=r"phases/(?P<phase_id>\d+)/remove")
    def remove_phase(self, request, pk=None, phase_id=None):
        plan = self.get_object()
        ser = SteeringReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        phase = PlanPhase.objects.filter(plan=plan, is_voided=False, pk=phase_id).first()
        if phase is None:
            return Response({"detail": _("No such phase in this plan.")}, status=status.HTTP_404_NOT_FOUND)
        services.remove_phase(phase, actor=request.user, reason=ser.validated_data["reason"],
                              version=ser.validated_data.get("version"))
        return self._answer(plan)


class AssignmentSerializer(ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    role = EnumField(AssignmentRole, enum_name="SteeringAssignmentRoleEnum")
    task_number = serializers.CharField(source="task.number", read_only=True)
    task_title = serializers.CharField(source="task.title", read_only=True)
    task_deadline = serializers.DateField(source="task.deadline", read_only=True)
    task_state = EnumField(TaskState, enum_name="SteeringTaskStateEnum", source="task.state", read_only=True)

    class Meta:
        model = TaskAssignment
        fields = ["id", "task", "task_number", "task_title", "task_deadline", "task_state", "unit", "unit_name", "role",
                  "version", "is_voided"]
        read_only_fields = fields


class SteeringTaskSerializer(ScopedRelatedFieldsMixin, AvailableActionsMixin, ModelSerializer):
    machine = TASK_MACHINE
    plan = serializers.PrimaryKeyRelatedField(queryset=Plan.objects.all())
    state = EnumField(TaskState, enum_name="SteeringTaskStateEnum", read_only=True)
    phase = serializers.PrimaryKeyRelatedField(queryset=PlanPhase.objects.all(), required=False, allow_null=True)
    lead_units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True, write_only=True,
                                                    required=False)
    cooperating_units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True, write_only=True,
                                                           required=False)
    assignments = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(read_only=True)
    available_actions = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False)

    class Meta:
        model = PlanTask
        fields = ["id", "plan", "number", "title", "content", "phase", "deadline", "sort", "state", "overdue",
                  "completed_on", "lead_units", "cooperating_units", "assignments", "version", "is_voided",
                  "available_actions"]
        read_only_fields = ["state", "completed_on", "is_voided"]

    @extend_schema_field(AssignmentSerializer(many=True))
    def get_assignments(self, obj):
        return [{"id": a.id, "unit": a.unit_id, "unit_name": a.unit.name, "role": a.role}
                for a in obj.assignments.all() if not a.is_voided]


class AssignSerializer(ScopedRelatedFieldsMixin, VersionSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    role = serializers.ChoiceField(choices=AssignmentRole.choices)


class TaskStepSerializer(SteeringStepSerializer):
    completed_on = serializers.DateField(required=False, allow_null=True)


class PlanTaskViewSet(EventsActionMixin, HistoryActionMixin, ScopedViewSet):
    """The tasks of the plans: who leads and cooperates (POST …/assign/, …/units/{id}/remove/), and
    their completion as the office records it (…/complete/, …/cancel/, …/reopen/)."""

    queryset = PlanTask.objects.all()
    serializer_class = SteeringTaskSerializer
    filterset_class = TaskFilter
    ordering_fields = ["id", "deadline", "sort"]
    ordering = ["deadline", "id"]
    select_related = ("plan",)
    prefetch_related = (Prefetch("assignments", queryset=TaskAssignment.objects.select_related("unit")),)
    permission_classes = [ActionPermission]
    TASK = ["steering.change_plantask"]
    action_permissions = {"create": ["steering.add_plantask"], "update": TASK, "partial_update": TASK, "assign": TASK,
                          "unassign": TASK, "complete": TASK, "cancel": TASK, "reopen": TASK,
                          "destroy": ["steering.delete_plantask"], "void": ["steering.delete_plantask"]}
    void_service = staticmethod(services.void_task)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        plan = data.pop("plan")
        data.pop("version", None)
        units = [(u, AssignmentRole.LEAD) for u in data.pop("lead_units", [])]
        units += [(u, AssignmentRole.COOPERATING) for u in data.pop("cooperating_units", [])]
        serializer.instance = services.create_task(actor=self.request.user, plan=plan, data=data, units=units)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        plan = data.pop("plan", None)
        if plan is not None and plan.pk != serializer.instance.plan_id:
            raise serializers.ValidationError({"plan": [_("A task cannot move to another plan.")]})
        if data.pop("lead_units", None) or data.pop("cooperating_units", None):
            raise serializers.ValidationError({"lead_units": [_("Assign units through their own action.")]})
        serializer.instance = services.update_task(serializer.instance, actor=self.request.user, data=data,
                                                   version=version)

    def _answer(self, task):
        return Response(SteeringTaskSerializer(self.get_queryset().get(pk=task.pk), context=self.get_serializer_context()).data)

    @extend_schema(request=AssignSerializer, responses=SteeringTaskSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        task = self.get_object()
        ser = AssignSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        services.assign_unit(task, actor=request.user, unit=ser.validated_data["unit"],
                             role=ser.validated_data["role"], version=ser.validated_data.get("version"))
        return self._answer(task)

    @extend_schema(request=SteeringReasonSerializer, responses=SteeringTaskSerializer)
    @action(detail=True, methods=["post"], url_path=r"units/(?P<assignment_id>\d+)/remove")
    def unassign(self, request, pk=None, assignment_id=None):
        task = self.get_object()
        ser = SteeringReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        assignment = TaskAssignment.objects.filter(task=task, is_voided=False, pk=assignment_id).first()
        if assignment is None:
            return Response({"detail": _("No such unit on this task.")}, status=status.HTTP_404_NOT_FOUND)
        services.unassign_unit(assignment, actor=request.user, reason=ser.validated_data["reason"],
                               version=ser.validated_data.get("version"))
        return self._answer(task)

    def _step(self, request, run):
        task = self.get_object()
        ser = TaskStepSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        run(task, ser.validated_data)
        return self._answer(task)

    @extend_schema(request=TaskStepSerializer, responses=SteeringTaskSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._step(request, lambda task, d: services.complete_task(
            task, actor=request.user, on=d.get("completed_on"), comment=d["comment"], version=d.get("version")))

    @extend_schema(request=TaskStepSerializer, responses=SteeringTaskSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._step(request, lambda task, d: services.cancel_task(
            task, actor=request.user, reason=d["comment"], version=d.get("version")))

    @extend_schema(request=TaskStepSerializer, responses=SteeringTaskSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._step(request, lambda task, d: services.reopen_task(
            task, actor=request.user, comment=d["comment"], version=d.get("version")))


class SteeringProgressSerializer(ModelSerializer):
    kind = EnumField(ProgressKind, enum_name="SteeringProgressKindEnum")
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    files = files_field("Documents of the report (multipart/form-data).")
    version = serializers.IntegerField(required=False)

    class Meta:
        model = ProgressReport
        fields = ["id", "assignment", "task", "unit", "unit_name", "kind", "year", "content", "completion",
                  "submitted_at", "files", "version", "is_voided"]
        read_only_fields = ["assignment", "task", "unit", "submitted_at", "is_voided"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["files"] = files_of(instance)
        return data


class TaskAssignmentViewSet(EventsActionMixin, ScopedReadOnlyViewSet):
    """Each unit's part in a task (how a lower government reads the city's task it works on); the
    unit's own people, or its committee office, report progress on it (POST …/progress/)."""

    queryset = TaskAssignment.objects.all()
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    ordering_fields = ["id"]
    ordering = ["id"]
    select_related = ("task", "unit")
    permission_classes = [ActionPermission]
    action_permissions = {"progress": ["steering.add_progressreport"]}

    @extend_schema(request=SteeringProgressSerializer, responses=SteeringProgressSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        assignment = self.get_object()
        ser = SteeringProgressSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        files, version = data.pop("files", []), data.pop("version", None)
        report = services.report_progress(assignment, actor=request.user, data=data, files=files, version=version)
        return Response(SteeringProgressSerializer(report).data, status=status.HTTP_201_CREATED)


class ProgressReportViewSet(ScopedReadOnlyViewSet):
    """Progress reports of the units on their tasks; the office voids one filed by mistake."""

    queryset = ProgressReport.objects.all()
    serializer_class = SteeringProgressSerializer
    filterset_class = ProgressFilter
    ordering_fields = ["id", "submitted_at"]
    ordering = ["-submitted_at", "-id"]
    select_related = ("unit",)
    permission_classes = [ActionPermission]
    action_permissions = {"void": ["steering.delete_progressreport"], "destroy": ["steering.delete_progressreport"]}

    @extend_schema(request=SteeringReasonSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        return self.destroy(request)

    def destroy(self, request, *args, **kwargs):
        report = self.get_object()
        ser = SteeringReasonSerializer(data=request.data or {"reason": request.query_params.get("reason", "")})
        ser.is_valid(raise_exception=True)
        services.void_progress(report, actor=request.user, reason=ser.validated_data["reason"],
                               version=ser.validated_data.get("version"))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- duty lists (责任清单) ---------------------------------------------------------------------------------

class SteeringDutySerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    committee = serializers.SlugRelatedField(source="committee_region", slug_field="code",
                                             queryset=Region.objects.all())
    holder = EnumField(DutyHolder, enum_name="SteeringDutyHolderEnum")
    leader_role = EnumField(LeaderRole, enum_name="SteeringLeaderRoleEnum", required=False, allow_blank=True)
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None)
    task = serializers.PrimaryKeyRelatedField(queryset=PlanTask.objects.all(), required=False, allow_null=True)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Duty
        fields = ["id", "committee", "seq", "holder", "unit", "unit_name", "leader_name", "leader_position",
                  "leader_role", "category", "content", "basis", "task", "indicator_code", "version", "is_voided"]
        read_only_fields = ["seq", "is_voided"]


class DutyImportSerializer(ScopedRelatedFieldsMixin, Serializer):
    committee = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    file = serializers.FileField(help_text="An .xlsx or .csv file laid out like the import template.")


class DutyViewSet(EventsActionMixin, HistoryActionMixin, ScopedViewSet):
    """责任清单: the duties of the committees, per member unit and per leader. The office adds,
    corrects and voids its own committee's duties, or imports a whole list (…/import/: all or
    nothing, a 400 with every row's errors)."""

    queryset = Duty.objects.all()
    serializer_class = SteeringDutySerializer
    filterset_class = DutyFilter
    ordering_fields = ["id", "seq"]
    ordering = ["committee_region_id", "seq"]
    select_related = ("committee_region", "unit")
    permission_classes = [ActionPermission]
    action_permissions = {"create": ["steering.add_duty"], "update": ["steering.change_duty"],
                          "partial_update": ["steering.change_duty"], "import_file": ["steering.add_duty"],
                          "destroy": ["steering.delete_duty"], "void": ["steering.delete_duty"]}
    void_service = staticmethod(services.void_duty)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        committee = data.pop("committee_region")
        data.pop("version", None)
        serializer.instance = services.create_duty(actor=self.request.user, committee_region=committee, data=data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        committee = data.pop("committee_region", None)
        if committee is not None and committee.pk != serializer.instance.committee_region_id:
            raise serializers.ValidationError({"committee": [_("A duty cannot move to another committee.")]})
        serializer.instance = services.update_duty(serializer.instance, actor=self.request.user, data=data,
                                                   version=version)

    @extend_schema(request={"multipart/form-data": DutyImportSerializer},
                   responses={201: ImportReportSerializer, 400: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_file(self, request):
        from anjian.core.imports import ImportFileError, ImportReport

        from .imports import import_duties

        ser = DutyImportSerializer(data=request.data, context=self.get_serializer_context())
        scope_serializer(ser, request.user)
        ser.is_valid(raise_exception=True)
        upload = ser.validated_data["file"]
        try:
            report = import_duties(upload, upload.name, actor=request.user,
                                   committee_region=ser.validated_data["committee"])
        except ImportFileError as exc:
            report = ImportReport()
            report.add(0, "file", str(exc))
        return Response(report.as_dict(), status=status.HTTP_201_CREATED if report.ok else status.HTTP_400_BAD_REQUEST)


# --- special campaigns (专项整治) ---------------------------------------------------------------------------

class CampaignSerializer(ScopedRelatedFieldsMixin, AvailableActionsMixin, ModelSerializer):
    machine = CAMPAIGN_MACHINE
    unscoped_fields = {"checklist": "A library checklist belongs to no jurisdiction; the service refuses an "
                                    "enterprise's own."}
    committee = serializers.SlugRelatedField(source="committee_region", slug_field="code",
                                             queryset=Region.objects.all())
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(),
                                          help_text="The region in scope: the committee's or one below it (code).")
    region_name = serializers.CharField(source="region.name", read_only=True)
    industries = serializers.SlugRelatedField(slug_field="code", many=True, required=False,
                                              queryset=Industry.objects.all(),
                                              help_text="Industry codes in scope (with their sub-sectors); "
                                                        "empty: every industry.")
    tags = serializers.SlugRelatedField(slug_field="code", many=True, required=False,
                                        queryset=FeatureTag.objects.filter(is_active=True),
                                        help_text="Feature tag codes; an enterprise with any of them is in scope.")
    checklist = serializers.PrimaryKeyRelatedField(queryset=Checklist.objects.filter(enterprise__isnull=True),
                                                   required=False, allow_null=True)
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    state = EnumField(CampaignState, enum_name="SteeringCampaignStateEnum", read_only=True)
    available_actions = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Campaign
        fields = ["id", "number", "committee", "region", "region_name", "title", "basis", "industries", "tags",
                  "checklist", "lead_unit", "starts_on", "ends_on", "summary", "state", "closed_on", "version",
                  "is_voided", "available_actions"]
        read_only_fields = ["number", "summary", "state", "closed_on", "is_voided"]


class CampaignCloseSerializer(VersionSerializer):
    summary = serializers.CharField(max_length=5000)


class CampaignProgressRowSerializer(Serializer):
    region_id = serializers.IntegerField()
    name = serializers.CharField()
    in_scope = serializers.IntegerField()
    inspected = serializers.IntegerField()
    coverage = serializers.FloatField(allow_null=True)
    hazards = serializers.IntegerField()
    hazards_open = serializers.IntegerField()


class CampaignProgressSerializer(Serializer):
    in_scope = serializers.IntegerField()
    inspected = serializers.IntegerField()
    not_inspected = serializers.IntegerField()
    inspections = serializers.IntegerField()
    hazards = serializers.IntegerField()
    hazards_open = serializers.IntegerField()
    hazards_overdue = serializers.IntegerField()
    hazards_major = serializers.IntegerField()
    hazards_closed = serializers.IntegerField()
    coverage = serializers.FloatField(allow_null=True)
    rectification = serializers.FloatField(allow_null=True)
    by_region = CampaignProgressRowSerializer(many=True)


class CampaignViewSet(EventsActionMixin, HistoryActionMixin, ScopedViewSet):
    """专项整治: the committees' special campaigns. The office plans one (POST: topic, period, scope by
    region, industries and feature tags, checklist), launches it (…/launch/), follows it
    (…/progress/: enterprises in scope and inspected, the hazards found and their rectification,
    per sub-region, read live from the ledgers) and closes it with its results (…/close/)."""

    queryset = Campaign.objects.all()
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter
    ordering_fields = ["id", "starts_on", "number"]
    ordering = ["-starts_on", "-id"]
    select_related = ("region", "committee_region")
    prefetch_related = ("industries", "tags")
    permission_classes = [ActionPermission]
    action_permissions = {"create": ["steering.add_campaign"], "update": ["steering.change_campaign"],
                          "partial_update": ["steering.change_campaign"], "launch": ["steering.change_campaign"],
                          "close": ["steering.change_campaign"], "reopen": ["steering.change_campaign"],
                          "destroy": ["steering.delete_campaign"], "void": ["steering.delete_campaign"]}
    void_service = staticmethod(services.void_campaign)

    @staticmethod
    def _split(data: dict) -> tuple[dict, dict]:
        scope = {k: data.pop(k) for k in ("industries", "tags") if k in data}
        data.pop("version", None)
        return data, scope

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        committee, region = data.pop("committee_region"), data.pop("region")
        data, scope = self._split(data)
        serializer.instance = services.create_campaign(actor=self.request.user, committee_region=committee,
                                                       region=region, data=data, scope=scope)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.get("version")
        pop_fixed_keys(serializer.instance, data, (("committee_region", "committee"), ("region", "region")),
                       _("This cannot change after the campaign is planned."))
        data, scope = self._split(data)
        serializer.instance = services.update_campaign(serializer.instance, actor=self.request.user, data=data,
                                                       scope=scope, version=version)

    def _answer(self, campaign):
        fresh = Campaign.objects.prefetch_related("industries", "tags").select_related("region").get(pk=campaign.pk)
        return Response(CampaignSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=SteeringStepSerializer, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def launch(self, request, pk=None):
        campaign = self.get_object()
        ser = SteeringStepSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.launch_campaign(campaign, actor=request.user, comment=ser.validated_data["comment"],
                                 version=ser.validated_data.get("version"))
        return self._answer(campaign)

    @extend_schema(request=CampaignCloseSerializer, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        campaign = self.get_object()
        ser = CampaignCloseSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.close_campaign(campaign, actor=request.user, summary=ser.validated_data["summary"],
                                version=ser.validated_data.get("version"))
        return self._answer(campaign)

    @extend_schema(request=SteeringStepSerializer, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        campaign = self.get_object()
        ser = SteeringStepSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.reopen_campaign(campaign, actor=request.user, comment=ser.validated_data["comment"],
                                 version=ser.validated_data.get("version"))
        return self._answer(campaign)

    @extend_schema(responses=CampaignProgressSerializer)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def progress(self, request, pk=None):
        """The campaign's figures now (see the page for what each counts)."""
        return Response(CampaignProgressSerializer(selectors.campaign_progress(self.get_object())).data)
