"""API of the inspections app: cadences (reference data), duties, tasks (read-only, made by
the daily job) and inspection records with their item results and actions (set results, add
an item, upload photos, raise a hazard from an item, submit).

Every list reads through ``for_user`` and answers in a fixed number of queries; every write
goes through ``anjian.inspections.services``. Duties, tasks and records carry ``version``: a
change or step that sends the version it saw answers 409 when the row changed meanwhile. A
record's detail lists ``available_actions`` (``core.workflow.available_steps`` over its state
machine, for the caller).
"""

from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from anjian.core.api import (
    AvailableActionsField,
    EventSerializer,
    RoleModelPermissions,
    ScopedGenericViewSet,
    ScopedReadOnlyViewSet,
    ScopedRelatedFieldsMixin,
    ScopedViewSet,
)
from anjian.core.api_fields import EnumField, ModelSerializer, Serializer, VersionSerializer
from anjian.core.pagination import DeferredJoinPagination
from anjian.core.parsers import BoundedJSONParser
from anjian.core.services import events_for
from anjian.enterprises.models import Enterprise
from anjian.hazards.choices import HazardGrade, MajorDefinitionCondition
from anjian.orgs.choices import Role
from anjian.orgs.models import User
from anjian.standards.choices import HazardFactor
from anjian.standards.models import Checklist, MajorHazardCriterion

from . import selectors, services
from .choices import RECORD_MACHINE, InspectionKind, ItemResult
from .filters import DutyFilter, RecordFilter, TaskFilter
from .forms import validate_photo
from .models import InspectionCadence, InspectionDuty, InspectionItemResult, InspectionRecord, InspectionTask
from .permissions import InspectionPermissions
from .policy import policy


class CadenceSerializer(ModelSerializer):
    class Meta:
        model = InspectionCadence
        fields = ["id", "code", "name", "name_en", "unit", "every", "sort", "is_active"]


class CadenceViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                     mixins.ListModelMixin, ScopedGenericViewSet):
    """Inspection cadences (班组日查, 车间周查 …): reference data every logged-in user reads;
    administrators add and edit them (there is no delete: duties refer to them)."""

    queryset = InspectionCadence.objects.all()
    scope_exempt = "reference data: every logged-in user reads the cadences"
    serializer_class = CadenceSerializer
    permission_classes = [permissions.IsAuthenticated, RoleModelPermissions]
    filterset_fields = ["unit", "is_active"]
    ordering_fields = ["sort", "code"]
    ordering = ["sort", "code"]
    search_fields = []


# --- duties ------------------------------------------------------------------------------

# Library checklists are read by everyone and Checklist has no for_user; the services refuse
# another enterprise's own checklist (services._check_checklist_owner).
CHECKLIST_UNSCOPED = "library checklists are public; the service refuses another enterprise's own checklist"


class DutySerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    cadence = serializers.SlugRelatedField(slug_field="code", queryset=InspectionCadence.objects.all())
    cadence_name = serializers.CharField(source="cadence.name", read_only=True)
    checklist = serializers.PrimaryKeyRelatedField(queryset=Checklist.objects.all(), allow_null=True,
                                                   required=False)
    checklist_name = serializers.CharField(source="checklist.name", read_only=True, allow_null=True)
    responsible_user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.ENTERPRISE, is_active=True), allow_null=True, required=False,
        help_text="a user account of the enterprise")
    version = serializers.IntegerField(required=False, min_value=1,
                                       help_text="The version you edited (PATCH/PUT): 409 if the duty changed since.")
    unscoped_fields = {"checklist": CHECKLIST_UNSCOPED}

    class Meta:
        model = InspectionDuty
        fields = ["id", "enterprise", "enterprise_name", "name", "cadence", "cadence_name", "checklist",
                  "checklist_name", "responsible_name", "responsible_user", "active_from", "active_to", "is_demo",
                  "created_at", "version"]
        read_only_fields = ["is_demo", "created_at"]
        extra_kwargs = {"name": {"required": False}, "active_from": {"required": False}}

    def create(self, validated_data):
        enterprise = validated_data.pop("enterprise")
        validated_data.pop("version", None)
        return services.create_duty(actor=self.context["request"].user, enterprise=enterprise, data=validated_data)

    def update(self, instance, validated_data):
        enterprise = validated_data.pop("enterprise", instance.enterprise)
        version = validated_data.pop("version", None)
        if enterprise.pk != instance.enterprise_id:
            raise serializers.ValidationError({"enterprise": "A duty stays with its enterprise."})
        return services.update_duty(instance, actor=self.context["request"].user, data=validated_data,
                                    expected_version=version)


class DutyViewSet(ScopedViewSet):
    """Self-inspection duties of the enterprises in the caller's jurisdiction. DELETE (or
    POST …/void/) voids a duty with a reason and cancels its open tasks."""

    queryset = InspectionDuty.objects.all()
    serializer_class = DutySerializer
    permission_classes = [permissions.IsAuthenticated, InspectionPermissions]
    filterset_class = DutyFilter
    select_related = ("enterprise", "cadence", "checklist")
    ordering_fields = ["id", "active_from"]
    ordering = ["-id"]
    search_fields = []
    void_service = staticmethod(services.void_duty)
    policy_actions = {"create": "add_duty", "update": "change_duty", "void": "void_duty"}


# --- tasks -------------------------------------------------------------------------------

class TaskSerializer(ModelSerializer):
    duty_name = serializers.CharField(source="duty.name", read_only=True)
    cadence = serializers.CharField(source="cadence.code", read_only=True)
    cadence_name = serializers.CharField(source="cadence.name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = InspectionTask
        fields = ["id", "duty", "duty_name", "cadence", "cadence_name", "enterprise", "enterprise_name",
                  "period_start", "due_date", "state", "record", "done_at", "is_demo", "version"]
        read_only_fields = fields


class TaskViewSet(ScopedReadOnlyViewSet):
    """Scheduled inspection tasks in the caller's jurisdiction (read-only: the daily job makes
    them, submitting a record completes them). Filter by state, due date, enterprise, region."""

    queryset = InspectionTask.objects.all()
    serializer_class = TaskSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = DeferredJoinPagination
    filterset_class = TaskFilter
    ordering_fields = ["due_date", "id"]
    ordering = ["due_date", "id"]
    search_fields = []
    select_related = ("duty", "cadence", "enterprise", "record")


# --- records -----------------------------------------------------------------------------

class PhotoSerializer(Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.CharField(source="get_absolute_url")  # the scoped download view
    uploaded_at = serializers.DateTimeField()


class ItemResultSerializer(ModelSerializer):
    hazard_number = serializers.CharField(source="hazard.number", read_only=True, allow_null=True)
    hazard_factor = serializers.CharField(source="check_item.hazard_factor", read_only=True, allow_null=True)
    is_major_criterion = serializers.BooleanField(source="check_item.is_major_criterion", read_only=True,
                                                  allow_null=True)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = InspectionItemResult
        fields = ["id", "check_item", "item_no", "content", "sort", "result", "note", "checked_at", "hazard",
                  "hazard_number", "hazard_factor", "is_major_criterion", "photos"]
        read_only_fields = fields

    @extend_schema_field(PhotoSerializer(many=True))
    def get_photos(self, obj):
        # The view puts every photo of the page's items in the context (one query).
        photos = self.context.get("photos", {}).get(obj.pk, [])
        return PhotoSerializer(photos, many=True).data


class RecordSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    task = serializers.PrimaryKeyRelatedField(queryset=InspectionTask.objects.all(), allow_null=True,
                                              required=False)
    checklist = serializers.PrimaryKeyRelatedField(queryset=Checklist.objects.filter(is_active=True),
                                                   allow_null=True, required=False)
    checklist_name = serializers.CharField(source="checklist.name", read_only=True, allow_null=True)
    items = ItemResultSerializer(many=True, read_only=True)
    # A named enum: the detail serializer repeats the field, and other apps have a "kind" too.
    kind = EnumField(InspectionKind, required=False)
    version = serializers.IntegerField(required=False, min_value=1,
                                       help_text="The version you edited (PATCH/PUT): 409 if the record changed since.")
    unscoped_fields = {"checklist": CHECKLIST_UNSCOPED}

    class Meta:
        model = InspectionRecord
        fields = ["id", "enterprise", "enterprise_name", "kind", "task", "checklist", "checklist_name", "inspector",
                  "inspector_names", "inspected_at", "location", "summary", "state", "submitted_at", "is_demo",
                  "created_at", "version", "items"]
        read_only_fields = ["inspector", "state", "submitted_at", "is_demo", "created_at"]
        extra_kwargs = {"inspected_at": {"required": False}}

    def create(self, validated_data):
        validated_data.pop("version", None)
        return services.start_record(
            actor=self.context["request"].user, enterprise=validated_data.pop("enterprise", None),
            kind=validated_data.pop("kind", "self"), task=validated_data.pop("task", None),
            checklist=validated_data.pop("checklist", None), data=validated_data)

    def update(self, instance, validated_data):
        for name in ("enterprise", "kind", "task", "checklist"):
            if name in validated_data and validated_data.pop(name) != getattr(instance, name):
                raise serializers.ValidationError({name: "This field is fixed when the record is started."})
        version = validated_data.pop("version", None)
        return services.update_record(instance, actor=self.context["request"].user, data=validated_data,
                                      expected_version=version)


class RecordDetailSerializer(RecordSerializer):
    """One record, with the steps the caller may take on it now."""

    available_actions = AvailableActionsField(
        RECORD_MACHINE, policy,
        help_text="the steps the caller may take now: updated, item_added, results_recorded, photos_added, "
                  "hazard_raised, submitted, void")

    class Meta(RecordSerializer.Meta):
        fields = [*RecordSerializer.Meta.fields, "available_actions"]


class ResultEntrySerializer(Serializer):
    item = serializers.IntegerField(help_text="id of the item result row")
    result = serializers.ChoiceField(choices=ItemResult.choices, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)


class ResultsSerializer(VersionSerializer):
    results = ResultEntrySerializer(many=True, allow_empty=False)


class AddItemSerializer(VersionSerializer):
    content = serializers.CharField()
    item_no = serializers.CharField(required=False, allow_blank=True, max_length=20)


class PhotosSerializer(VersionSerializer):
    photos = serializers.ListField(child=serializers.FileField(validators=[validate_photo]), allow_empty=False)


@extend_schema_field({"type": "string", "enum": list(HazardFactor.values)})
class HazardFactorField(serializers.ChoiceField):
    """The hazard's GB/T 13861 factor class, documented inline: the hazards API names the
    same choice set as a component of its own, and two names for one set warn."""

    def __init__(self, **kwargs):
        super().__init__(choices=HazardFactor.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": list(HazardGrade.values)})
class HazardGradeField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=HazardGrade.choices, **kwargs)


class RaiseHazardSerializer(VersionSerializer):
    deadline = serializers.DateField(required=False, help_text="rectification deadline (default: in 30 days)")
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    category = HazardFactorField(required=False)
    grade = HazardGradeField(required=False)
    criterion = serializers.PrimaryKeyRelatedField(queryset=MajorHazardCriterion.objects.filter(is_active=True),
                                                   required=False, allow_null=True,
                                                   help_text="one that applies to the enterprise's industry")
    finder_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    definition_condition = serializers.ChoiceField(
        choices=MajorDefinitionCondition.choices, required=False, allow_blank=True,
        help_text="major without a listed criterion: the condition of the general definition met (16号令 第三条)")
    definition_justification = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    photos = serializers.ListField(child=serializers.FileField(validators=[validate_photo]), required=False)


class RaisedHazardSerializer(Serializer):
    hazard = serializers.IntegerField()
    number = serializers.CharField()
    grade = serializers.CharField()
    source = serializers.CharField()
    state = serializers.CharField()
    item = serializers.IntegerField()


ITEM_PATH = r"items/(?P<item_id>\d+)"


class RecordViewSet(ScopedViewSet):
    """Inspection records (self, government, grid patrol, expert) in the caller's jurisdiction,
    each with its item results. POST starts a draft (from a task and/or a checklist); the
    actions fill it in and submit it. DELETE (or POST …/void/) voids a record with a reason."""

    queryset = InspectionRecord.objects.all()
    serializer_class = RecordSerializer
    permission_classes = [permissions.IsAuthenticated, InspectionPermissions]
    pagination_class = DeferredJoinPagination
    filterset_class = RecordFilter
    ordering_fields = ["inspected_at", "id"]
    ordering = ["-inspected_at", "-id"]
    search_fields = []
    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]
    void_service = staticmethod(services.void_inspection_record)
    policy_actions = {"create": "inspect", "update": "edit", "results": "edit", "add_item": "edit",
                      "item_photos": "edit", "raise_hazard": "edit", "submit": "edit", "void": "void"}

    select_related = ("enterprise", "checklist", "inspector", "task__duty", "task__cadence")

    def get_queryset(self):
        return super().get_queryset().prefetch_related(Prefetch("items", queryset=selectors.items_queryset()))

    def get_serializer_class(self):
        if self.action in ("retrieve", "create", "update", "partial_update"):
            return RecordDetailSerializer  # what _represent answers for one record
        return super().get_serializer_class()

    def _represent(self, records, *, many: bool):
        items = [item for record in (records if many else [records]) for item in record.items.all()]
        context = {**self.get_serializer_context(), "photos": selectors.photo_map(items)}
        if many:
            return RecordSerializer(records, many=True, context=context).data
        return RecordDetailSerializer(records, context=context).data

    def _fresh(self, pk):
        return self.get_queryset().get(pk=pk)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        if page is None:
            return Response(self._represent(list(queryset), many=True))
        return self.get_paginated_response(self._represent(page, many=True))

    def retrieve(self, request, *args, **kwargs):
        return Response(self._represent(self.get_object(), many=False))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = serializer.save()
        return Response(self._represent(self._fresh(record.pk), many=False), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        record = serializer.save()
        return Response(self._represent(self._fresh(record.pk), many=False))

    def _item(self, record, item_id) -> InspectionItemResult:
        item = next((i for i in record.items.all() if i.pk == int(item_id)), None)
        if item is None:
            raise Http404
        return item

    @extend_schema(request=ResultsSerializer, responses=RecordDetailSerializer)
    @action(detail=True, methods=["post"], serializer_class=ResultsSerializer)
    def results(self, request, pk=None):
        """Set the results (pass / hazard_found / not_applicable) and notes of items of a draft."""
        record = self.get_object()
        ser = ResultsSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.record_results(record, actor=request.user, results=ser.validated_data["results"],
                                expected_version=ser.validated_data.get("version"))
        return Response(self._represent(self._fresh(record.pk), many=False))

    @extend_schema(request=AddItemSerializer, responses={201: ItemResultSerializer})
    @action(detail=True, methods=["post"], url_path="items", serializer_class=AddItemSerializer)
    def add_item(self, request, pk=None):
        """Add a check item by hand to a draft."""
        record = self.get_object()
        ser = AddItemSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        item = services.add_item(record, actor=request.user, expected_version=data.pop("version", None), **data)
        return Response(ItemResultSerializer(item, context={"photos": {}}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": PhotosSerializer}, responses={201: PhotoSerializer(many=True)})
    @action(detail=True, methods=["post"], url_path=f"{ITEM_PATH}/photos", serializer_class=PhotosSerializer,
            parser_classes=[MultiPartParser, FormParser])
    def item_photos(self, request, pk=None, item_id=None):
        """Upload photos of one item of a draft (multipart, field ``photos``, repeatable)."""
        record = self.get_object()
        item = self._item(record, item_id)
        ser = PhotosSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        photos = services.attach_item_photos(item, actor=request.user, photos=ser.validated_data["photos"],
                                             expected_version=ser.validated_data.get("version"))
        return Response(PhotoSerializer(photos, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": RaiseHazardSerializer, "application/json": RaiseHazardSerializer},
                   responses={201: RaisedHazardSerializer})
    @action(detail=True, methods=["post"], url_path=f"{ITEM_PATH}/raise-hazard",
            serializer_class=RaiseHazardSerializer)
    def raise_hazard(self, request, pk=None, item_id=None):
        """Report a found item to the hazard ledger in one step (with the item's photos and any
        ``photos`` uploaded with this request); the hazard is linked to the item."""
        record = self.get_object()
        item = self._item(record, item_id)
        ser = RaiseHazardSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        photos = data.pop("photos", [])
        version = data.pop("version", None)
        hazard = services.raise_hazard_from_item(item, actor=request.user, data=data, photos=photos,
                                                 expected_version=version)
        body = {"hazard": hazard.pk, "number": hazard.number, "grade": hazard.grade, "source": hazard.source,
                "state": hazard.state, "item": item.pk}
        return Response(RaisedHazardSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=VersionSerializer, responses=RecordDetailSerializer)
    @action(detail=True, methods=["post"], serializer_class=VersionSerializer)
    def submit(self, request, pk=None):
        """Submit a draft (every item needs a result); a record for a task completes the task."""
        record = self.get_object()
        ser = VersionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.submit_record(record, actor=request.user, expected_version=ser.validated_data.get("version"))
        return Response(self._represent(self._fresh(record.pk), many=False))

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=EventSerializer, pagination_class=None,
            filter_backends=[])
    def events(self, request, pk=None):
        """The record's timeline (started, results recorded, hazards raised, submitted …)."""
        record = self.get_object()
        return Response(EventSerializer(events_for(record)[:200], many=True).data)

