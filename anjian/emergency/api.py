"""The emergency API under /api/emergency/: the regulatory numbers (reference data), plans (enter,
edit a draft, publish, submit for filing, accept or return, evaluate, require a revision, revise),
drills (plan, hold, record problems, raise a problem as a hazard), rescue teams, the supplies and
equipment ledger, disposal cards (with their PDF), the duty roster and the duty log — lists with
filters, detail, events and history.

Every write goes through ``anjian.emergency.services``; records outside the caller's jurisdiction
are not found (404); each write action names the model permission it needs (``ActionPermission``)."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from anjian.core import bounds
from anjian.core.api import (
    AvailableActionsField,
    EventSerializer,
    HistoryActionMixin,
    ScopedReadOnlyViewSet,
    ScopedRelatedFieldsMixin,
    ScopedViewSet,
)
from anjian.core.api_fields import ActionPermission, EnumField, ModelSerializer, Serializer
from anjian.core.filters import StableOrderingFilter
from anjian.core.services import events_for

from . import services
from .choices import (
    DRILL_MACHINE,
    LOG_MACHINE,
    PLAN_MACHINE,
    SHIFT_MACHINE,
    Certainty,
    DrillForm,
    DrillState,
    LogCategory,
    LogState,
    Parameter,
    PlanKind,
    PlanState,
    RevisionTrigger,
    ShiftState,
    SupplyCategory,
    TeamKind,
)
from .filters import (
    DisposalCardFilter,
    DrillFilter,
    DutyLogFilter,
    DutyShiftFilter,
    EmergencyPlanFilter,
    RescueTeamFilter,
    SupplyFilter,
)
from .models import (
    DisposalCard,
    Drill,
    DrillProblem,
    DutyLogEntry,
    DutyShift,
    EmergencyParameter,
    EmergencyPlan,
    RescueTeam,
    Supply,
)
from .policy import policy


def _files():
    return serializers.ListField(child=serializers.FileField(), required=False, max_length=bounds.MAX_FILES,
                                 write_only=True)


# --- serializers ---------------------------------------------------------------------------------------

class EmergencyParameterSerializer(ModelSerializer):
    code = EnumField(Parameter, enum_name="EmergencyParameterCodeEnum", read_only=True)
    certainty = EnumField(Certainty, enum_name="EmergencyCertaintyEnum", read_only=True)

    class Meta:
        model = EmergencyParameter
        fields = ["id", "code", "value", "document", "article", "note", "certainty"]
        read_only_fields = fields


class _Versioned(ScopedRelatedFieldsMixin, ModelSerializer):
    version = serializers.IntegerField(required=False, min_value=1)


class EmergencyPlanSerializer(_Versioned):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    kind = EnumField(PlanKind, enum_name="EmergencyPlanKindEnum")
    state = EnumField(PlanState, enum_name="EmergencyPlanStateEnum", read_only=True)
    revision_trigger = EnumField(RevisionTrigger, enum_name="EmergencyRevisionTriggerEnum", read_only=True)
    files = _files()
    available_actions = AvailableActionsField(PLAN_MACHINE, policy)

    class Meta:
        model = EmergencyPlan
        fields = ["id", "enterprise", "enterprise_name", "kind", "title", "scope", "revision", "approved_by_name",
                  "published_on", "submitted_on", "filed_on", "filing_number", "return_reason", "evaluated_on",
                  "evaluation", "last_drill_on", "revision_trigger", "revision_reason", "revision_required_on",
                  "state", "version", "is_voided", "created_at", "files", "available_actions"]
        read_only_fields = ["revision", "approved_by_name", "published_on", "submitted_on", "filed_on",
                            "filing_number", "return_reason", "evaluated_on", "evaluation", "last_drill_on",
                            "revision_reason", "revision_required_on", "is_voided", "created_at"]


class DrillProblemSerializer(ModelSerializer):
    class Meta:
        model = DrillProblem
        fields = ["id", "description", "needs_revision", "hazard", "created_at"]
        read_only_fields = fields


class DrillSerializer(_Versioned):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    kind = EnumField(PlanKind, enum_name="EmergencyDrillKindEnum")
    form = EnumField(DrillForm, enum_name="EmergencyDrillFormEnum", required=False)
    state = EnumField(DrillState, enum_name="EmergencyDrillStateEnum", read_only=True)
    problems = DrillProblemSerializer(many=True, read_only=True)
    available_actions = AvailableActionsField(DRILL_MACHINE, policy)

    class Meta:
        model = Drill
        fields = ["id", "enterprise", "enterprise_name", "plan", "kind", "form", "scenario", "planned_on",
                  "held_on", "participants", "participant_count", "evaluation", "state", "problems", "version",
                  "is_voided", "created_at", "available_actions"]
        read_only_fields = ["held_on", "is_voided", "created_at"]


class RescueTeamSerializer(_Versioned):
    kind = EnumField(TeamKind, enum_name="EmergencyTeamKindEnum")
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = RescueTeam
        fields = ["id", "region", "enterprise", "enterprise_name", "name", "kind", "specialty", "leader", "phone",
                  "members", "base", "version", "is_voided", "created_at"]
        read_only_fields = ["is_voided", "created_at"]
        extra_kwargs = {"region": {"required": False}}


class SupplySerializer(_Versioned):
    category = EnumField(SupplyCategory, enum_name="EmergencySupplyCategoryEnum")
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Supply
        fields = ["id", "region", "enterprise", "enterprise_name", "category", "name", "specification", "unit",
                  "quantity", "minimum_quantity", "storage_place", "keeper", "phone", "expires_on", "version",
                  "is_voided", "created_at"]
        read_only_fields = ["is_voided", "created_at"]
        extra_kwargs = {"region": {"required": False}}


class DisposalCardSerializer(_Versioned):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = DisposalCard
        fields = ["id", "enterprise", "enterprise_name", "post", "risks", "steps", "reporting", "cautions",
                  "contacts", "version", "is_voided", "created_at"]
        read_only_fields = ["is_voided", "created_at"]


class DutyShiftSerializer(_Versioned):
    state = EnumField(ShiftState, enum_name="EmergencyShiftStateEnum", read_only=True)
    available_actions = AvailableActionsField(SHIFT_MACHINE, policy)

    class Meta:
        model = DutyShift
        fields = ["id", "region", "starts_at", "ends_at", "leader", "officer", "phone", "handover_note",
                  "handed_over_to", "state", "version", "is_voided", "created_at", "available_actions"]
        read_only_fields = ["handover_note", "handed_over_to", "is_voided", "created_at"]


class DutyLogEntrySerializer(_Versioned):
    category = EnumField(LogCategory, enum_name="EmergencyLogCategoryEnum")
    state = EnumField(LogState, enum_name="EmergencyLogStateEnum", read_only=True)
    available_actions = AvailableActionsField(LOG_MACHINE, policy)

    class Meta:
        model = DutyLogEntry
        fields = ["id", "region", "received_at", "category", "reporter", "phone", "summary", "handling", "shift",
                  "accident", "state", "version", "is_voided", "created_at", "available_actions"]
        read_only_fields = ["accident", "is_voided", "created_at"]


class EmergencyStepSerializer(Serializer):
    """The body of a step: the version the caller saw, and what the step needs."""

    version = serializers.IntegerField(required=False, min_value=1)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.REASON_MAX)
    day = serializers.DateField(required=False, allow_null=True)
    files = _files()


class PlanPublishSerializer(EmergencyStepSerializer):
    approved_by_name = serializers.CharField(max_length=50)


class PlanAcceptSerializer(EmergencyStepSerializer):
    filing_number = serializers.CharField(max_length=60)


class PlanReturnSerializer(EmergencyStepSerializer):
    reason = serializers.CharField(max_length=1000)


class PlanEvaluateSerializer(EmergencyStepSerializer):
    conclusion = serializers.CharField(max_length=2000)
    needs_revision = serializers.BooleanField(required=False, default=False)


class PlanRevisionSerializer(EmergencyStepSerializer):
    trigger = EnumField(RevisionTrigger, enum_name="EmergencyRevisionTriggerInputEnum")
    reason = serializers.CharField(max_length=1000)


class DrillHoldSerializer(EmergencyStepSerializer):
    evaluation = serializers.CharField(max_length=3000)
    participants = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    participant_count = serializers.IntegerField(required=False, default=0, min_value=0, max_value=100000)


class DrillProblemInputSerializer(EmergencyStepSerializer):
    description = serializers.CharField(max_length=2000)
    needs_revision = serializers.BooleanField(required=False, default=False)


class DrillHazardSerializer(EmergencyStepSerializer):
    problem = serializers.IntegerField(min_value=1, max_value=bounds.KEY_MAX)
    deadline = serializers.DateField()
    location = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class ShiftHandOverSerializer(EmergencyStepSerializer):
    note = serializers.CharField(max_length=2000)
    to = serializers.CharField(max_length=50)


class LogAccidentSerializer(EmergencyStepSerializer):
    accident = serializers.IntegerField(min_value=1, max_value=bounds.KEY_MAX)


class LogCloseSerializer(EmergencyStepSerializer):
    handling = serializers.CharField(max_length=3000)


# --- viewsets ------------------------------------------------------------------------------------------------

def perms(model: str, *verbs: str) -> tuple[str, ...]:
    return tuple(f"emergency.{verb}_{model}" for verb in verbs)


class EmergencyParameterViewSet(ScopedReadOnlyViewSet):
    """The regulatory numbers of emergency preparedness, each with its document and article."""

    queryset = EmergencyParameter.objects.all()
    serializer_class = EmergencyParameterSerializer
    pagination_class = None
    scope_exempt = "reference data: the regulatory numbers are the same for everyone"


class _EmergencyViewSet(HistoryActionMixin, ScopedViewSet):
    permission_classes = [ActionPermission]
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    void_service = staticmethod(lambda obj, *, actor, reason: services.void_record(obj, actor=actor, reason=reason))
    create_fields: frozenset = frozenset()

    def _seen(self, objs):
        # The rows were read through the caller's scope: the policy need not ask again.
        key = getattr(self.request.user, "pk", None)
        for obj in objs:
            obj.__dict__.setdefault("_emergency_seen_by", {})[key] = True
        return objs

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return self._seen(page) if page is not None else None

    def get_object(self):
        return self._seen([super().get_object()])[0]

    def _answer(self, obj, code=status.HTTP_200_OK):
        fresh = self._seen([self.get_queryset().get(pk=obj.pk)])[0]
        return Response(self.get_serializer(fresh).data, status=code)

    def _step(self, request, do, serializer_class=EmergencyStepSerializer):
        obj = self.get_object()
        ser = serializer_class(data=request.data)
        ser.is_valid(raise_exception=True)
        do(obj, ser.validated_data)
        return self._answer(obj)

    def _data(self, serializer) -> dict:
        return {k: v for k, v in serializer.validated_data.items() if k in self.create_fields}

    def perform_update(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items()
                if k in self.create_fields and k not in ("is_demo",)}
        serializer.instance = services.update_record(serializer.instance, actor=self.request.user, data=data,
                                                     version=serializer.validated_data.get("version"))

    def update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        super().update(request, *args, **kwargs)
        return self._answer(self.get_object())

    @extend_schema(responses={200: EventSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        rows = [{"action": e.action, "at": e.at, "actor": (e.actor.name or e.actor.get_username()) if e.actor else None,
                 "from_state": e.from_state, "to_state": e.to_state, "comment": e.comment, "data": e.data}
                for e in events_for(self.get_object())]
        return Response(EventSerializer(rows, many=True).data)


def _crud(model: str) -> dict[str, tuple[str, ...]]:
    return {"create": perms(model, "add"), "update": perms(model, "change"), "partial_update": perms(model, "change"),
            "destroy": perms(model, "delete"), "void": perms(model, "delete")}


class EmergencyPlanViewSet(_EmergencyViewSet):
    """Emergency plans (应急预案) of the enterprises and their filing (备案)."""

    queryset = EmergencyPlan.objects.all()
    serializer_class = EmergencyPlanSerializer
    filterset_class = EmergencyPlanFilter
    ordering_fields = ["id", "published_on"]
    select_related = ("enterprise",)
    create_fields = services.PLAN_FIELDS
    action_permissions = {**_crud("emergencyplan"),
                          **{a: perms("emergencyplan", "change") for a in
                             ("publish", "submit", "evaluate", "require_revision", "revise")},
                          "accept": perms("emergencyplan", "review"), "return_filing": perms("emergencyplan", "review")}

    def perform_create(self, serializer):
        serializer.instance = services.create_plan(actor=self.request.user,
                                                   enterprise=serializer.validated_data["enterprise"],
                                                   data=self._data(serializer),
                                                   files=serializer.validated_data.get("files", ()))

    def create(self, request, *args, **kwargs):
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        self.perform_create(ser)
        return self._answer(ser.instance, status.HTTP_201_CREATED)

    @extend_schema(request=PlanPublishSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._step(request, lambda o, d: services.publish_plan(
            o, actor=request.user, approved_by_name=d["approved_by_name"], published_on=d.get("day"),
            files=d.get("files", ()), version=d.get("version")), PlanPublishSerializer)

    @extend_schema(request=EmergencyStepSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._step(request, lambda o, d: services.submit_plan(
            o, actor=request.user, submitted_on=d.get("day"), files=d.get("files", ()), version=d.get("version")))

    @extend_schema(request=PlanAcceptSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._step(request, lambda o, d: services.accept_filing(
            o, actor=request.user, filing_number=d["filing_number"], filed_on=d.get("day"),
            version=d.get("version")), PlanAcceptSerializer)

    @extend_schema(request=PlanReturnSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_filing(self, request, pk=None):
        return self._step(request, lambda o, d: services.return_filing(
            o, actor=request.user, reason=d["reason"], version=d.get("version")), PlanReturnSerializer)

    @extend_schema(request=PlanEvaluateSerializer)
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        return self._step(request, lambda o, d: services.evaluate_plan(
            o, actor=request.user, conclusion=d["conclusion"], evaluated_on=d.get("day"),
            needs_revision=d["needs_revision"], files=d.get("files", ()), version=d.get("version")),
            PlanEvaluateSerializer)

    @extend_schema(request=PlanRevisionSerializer)
    @action(detail=True, methods=["post"], url_path="require-revision")
    def require_revision(self, request, pk=None):
        return self._step(request, lambda o, d: services.require_revision(
            o, actor=request.user, trigger=d["trigger"], reason=d["reason"], day=d.get("day"),
            version=d.get("version")), PlanRevisionSerializer)

    @extend_schema(request=EmergencyStepSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        return self._step(request, lambda o, d: services.revise_plan(
            o, actor=request.user, comment=d["reason"], files=d.get("files", ()), version=d.get("version")))


class DrillViewSet(_EmergencyViewSet):
    """Drills (演练): the yearly plan, the drills held, their problems."""

    queryset = Drill.objects.all()
    serializer_class = DrillSerializer
    filterset_class = DrillFilter
    ordering_fields = ["id", "planned_on", "held_on"]
    select_related = ("enterprise",)
    prefetch_related = ("problems",)
    create_fields = services.DRILL_FIELDS
    action_permissions = {**_crud("drill"),
                          **{a: perms("drill", "change") for a in ("hold", "add_problem", "raise_hazard")}}

    def perform_create(self, serializer):
        serializer.instance = services.create_drill(actor=self.request.user,
                                                    enterprise=serializer.validated_data["enterprise"],
                                                    data=self._data(serializer))

    def create(self, request, *args, **kwargs):
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        self.perform_create(ser)
        return self._answer(ser.instance, status.HTTP_201_CREATED)

    @extend_schema(request=DrillHoldSerializer)
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        return self._step(request, lambda o, d: services.hold_drill(
            o, actor=request.user, held_on=d.get("day"), participants=d["participants"],
            participant_count=d["participant_count"], evaluation=d["evaluation"], photos=d.get("files", ()),
            version=d.get("version")), DrillHoldSerializer)

    @extend_schema(request=DrillProblemInputSerializer)
    @action(detail=True, methods=["post"], url_path="problems")
    def add_problem(self, request, pk=None):
        return self._step(request, lambda o, d: services.add_problem(
            o, actor=request.user, description=d["description"], needs_revision=d["needs_revision"],
            version=d.get("version")), DrillProblemInputSerializer)

    @extend_schema(request=DrillHazardSerializer)
    @action(detail=True, methods=["post"], url_path="raise-hazard")
    def raise_hazard(self, request, pk=None):
        def do(drill, d):
            problem = drill.problems.filter(pk=d["problem"]).first()
            if problem is None:
                raise serializers.ValidationError({"problem": ["This problem is not part of the drill."]})
            services.raise_problem_hazard(problem, actor=request.user, deadline=d["deadline"],
                                          location=d["location"], version=d.get("version"))

        return self._step(request, do, DrillHazardSerializer)


class RescueTeamViewSet(_EmergencyViewSet):
    """Rescue teams (救援队伍) of the enterprises and of the regions."""

    queryset = RescueTeam.objects.all()
    serializer_class = RescueTeamSerializer
    filterset_class = RescueTeamFilter
    ordering_fields = ["id", "name"]
    select_related = ("enterprise",)
    create_fields = services.TEAM_FIELDS
    action_permissions = _crud("rescueteam")

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.create_team(actor=self.request.user, data=self._data(serializer),
                                                   enterprise=d.get("enterprise"), region=d.get("region"))


class SupplyViewSet(_EmergencyViewSet):
    """The emergency supplies and equipment ledger (应急物资装备)."""

    queryset = Supply.objects.all()
    serializer_class = SupplySerializer
    filterset_class = SupplyFilter
    ordering_fields = ["id", "expires_on", "name"]
    select_related = ("enterprise",)
    create_fields = services.SUPPLY_FIELDS
    action_permissions = _crud("supply")

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.create_supply(actor=self.request.user, data=self._data(serializer),
                                                     enterprise=d.get("enterprise"), region=d.get("region"))


class DisposalCardViewSet(_EmergencyViewSet):
    """Emergency disposal cards (应急处置卡) of posts and places, with their printable PDF."""

    queryset = DisposalCard.objects.all()
    serializer_class = DisposalCardSerializer
    filterset_class = DisposalCardFilter
    ordering_fields = ["id", "post"]
    select_related = ("enterprise",)
    create_fields = services.CARD_FIELDS
    action_permissions = {**_crud("disposalcard"), "renew_token": perms("disposalcard", "change")}

    def perform_create(self, serializer):
        serializer.instance = services.create_card(actor=self.request.user,
                                                   enterprise=serializer.validated_data["enterprise"],
                                                   data=self._data(serializer))

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def pdf(self, request, pk=None):
        from .documents import card_response

        return card_response(request, self.get_object())

    @extend_schema(request=EmergencyStepSerializer)
    @action(detail=True, methods=["post"], url_path="renew-token")
    def renew_token(self, request, pk=None):
        return self._step(request, lambda o, d: services.renew_card_token(o, actor=request.user,
                                                                          version=d.get("version")))


class DutyShiftViewSet(_EmergencyViewSet):
    """The regulator's 24-hour duty roster (值班表) and its handovers."""

    queryset = DutyShift.objects.all()
    serializer_class = DutyShiftSerializer
    filterset_class = DutyShiftFilter
    ordering_fields = ["id", "starts_at"]
    create_fields = services.SHIFT_FIELDS
    action_permissions = {**_crud("dutyshift"), "start": perms("dutyshift", "change"),
                          "hand_over": perms("dutyshift", "change")}

    def perform_create(self, serializer):
        serializer.instance = services.schedule_shift(actor=self.request.user,
                                                      region=serializer.validated_data["region"],
                                                      data=self._data(serializer))

    @extend_schema(request=EmergencyStepSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._step(request, lambda o, d: services.start_shift(o, actor=request.user, version=d.get("version")))

    @extend_schema(request=ShiftHandOverSerializer)
    @action(detail=True, methods=["post"], url_path="hand-over")
    def hand_over(self, request, pk=None):
        return self._step(request, lambda o, d: services.hand_over(o, actor=request.user, note=d["note"], to=d["to"],
                                                                   version=d.get("version")), ShiftHandOverSerializer)


class DutyLogEntryViewSet(_EmergencyViewSet):
    """The duty log (值班记录) of information received; an accident report links to its entry."""

    queryset = DutyLogEntry.objects.all()
    serializer_class = DutyLogEntrySerializer
    filterset_class = DutyLogFilter
    ordering_fields = ["id", "received_at"]
    create_fields = services.LOG_FIELDS
    action_permissions = {**_crud("dutylogentry"), "link_accident": perms("dutylogentry", "change"),
                          "close": perms("dutylogentry", "change")}

    def perform_create(self, serializer):
        serializer.instance = services.log_information(actor=self.request.user,
                                                       region=serializer.validated_data["region"],
                                                       data=self._data(serializer))

    @extend_schema(request=LogAccidentSerializer)
    @action(detail=True, methods=["post"], url_path="link-accident")
    def link_accident(self, request, pk=None):
        from .selectors import accident_for

        def do(entry, d):
            accident = accident_for(request.user, d["accident"])
            if accident is None:
                raise serializers.ValidationError({"accident": ["No such accident in your jurisdiction."]})
            services.link_accident(entry, actor=request.user, accident=accident, version=d.get("version"))

        return self._step(request, do, LogAccidentSerializer)

    @extend_schema(request=LogCloseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._step(request, lambda o, d: services.close_entry(o, actor=request.user, handling=d["handling"],
                                                                     version=d.get("version")), LogCloseSerializer)
