"""The on-site enforcement inspections API: prepare (POST), list and read (with the checklist items,
findings, documents and measures), one route per step of ``INSPECTION_MACHINE`` (``…/start/``,
``…/record-results/``, ``…/raise-hazard/``, ``…/note-violation/``, ``…/open-case/`` (立案 from a noted violation), ``…/add-signature/``, ``…/sign/``,
``…/issue/``, ``…/decide-measure/``, ``…/lift-measure/``, ``…/open-recheck/``, ``…/recheck/``,
``…/close/``), each with an optional ``version`` (409 when the inspection changed since), the
documents as PDF, and the month's leader rotations."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action

from anjian.core.api import AvailableActionsField, ScopedReadOnlyViewSet, ScopedRelatedFieldsMixin
from anjian.core.api_fields import ActionPermission, EnumField, ModelSerializer, Serializer, UserNameField
from anjian.core.exports import api_export_response
from anjian.core.pagination import StandardPagination
from anjian.enterprises.models import Enterprise
from anjian.inspections.models import InspectionItemResult
from anjian.orgs.models import Department, User
from anjian.standards.models import Checklist

from . import services
from .api import CommentInput, ReasonInput, RecordViewSet, StepInput, VersionField, perms, with_steps
from .choices import (
    INSPECTION_MACHINE,
    DiscretionTierCode,
    DocumentKind,
    FindingDisposition,
    InspectionMode,
    InspectionOutcome,
    InspectionState,
    MeasureKind,
)
from .filters_inspections import InspectionFilter
from .models import (
    CompulsoryMeasure,
    DrawEntry,
    EnforcementDocument,
    EnforcementInspection,
    Expert,
    InspectionFinding,
    LeaderRotation,
    PlanEntry,
    Violation,
)
from .policy import policy

INSP = "enforcementinspection"


class EnforcementInspectionSerializer(ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    kind = EnumField(InspectionMode, enum_name="EnforcementInspectionKindEnum", read_only=True)
    state = EnumField(InspectionState, enum_name="EnforcementInspectionStateEnum", read_only=True)
    outcome = EnumField(InspectionOutcome, enum_name="EnforcementInspectionOutcomeEnum", read_only=True)

    class Meta:
        model = EnforcementInspection
        fields = ["id", "number", "department", "department_name", "enterprise", "enterprise_name", "kind",
                  "plan_entry", "draw_entry", "planned_on", "location", "leader_name", "state", "outcome",
                  "signed_at", "rectification_deadline", "recheck_from", "closed_at", "version", "is_voided"]
        read_only_fields = fields


class EnforcementInspectionItemSerializer(ModelSerializer):
    class Meta:
        model = InspectionItemResult
        fields = ["id", "item_no", "content", "result", "note", "hazard"]
        read_only_fields = fields


class EnforcementFindingSerializer(ModelSerializer):
    disposition = EnumField(FindingDisposition, enum_name="EnforcementFindingDispositionEnum", read_only=True)

    class Meta:
        model = InspectionFinding
        fields = ["id", "item", "disposition", "hazard", "violation", "legal_basis", "for_case", "case", "case_number"]
        read_only_fields = fields


class EnforcementDocumentSerializer(ModelSerializer):
    kind = EnumField(DocumentKind, enum_name="EnforcementDocumentKindEnum", read_only=True)

    class Meta:
        model = EnforcementDocument
        fields = ["id", "kind", "number", "issued_on", "measure"]
        read_only_fields = fields


class EnforcementMeasureSerializer(ModelSerializer):
    kind = EnumField(MeasureKind, enum_name="EnforcementMeasureKindEnum", read_only=True)

    class Meta:
        model = CompulsoryMeasure
        fields = ["id", "kind", "reason", "legal_basis", "scope", "starts_on", "ends_on", "approved_by_name",
                  "decided_at", "lifted_on", "lift_reason"]
        read_only_fields = fields


class EnforcementInspectionDetailSerializer(EnforcementInspectionSerializer):
    available_actions = AvailableActionsField(INSPECTION_MACHINE, policy)
    officers = serializers.SerializerMethodField()
    experts = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()
    findings = EnforcementFindingSerializer(many=True, read_only=True)
    documents = EnforcementDocumentSerializer(many=True, read_only=True)
    measures = EnforcementMeasureSerializer(many=True, read_only=True)
    created_by = UserNameField()

    class Meta(EnforcementInspectionSerializer.Meta):
        fields = [*EnforcementInspectionSerializer.Meta.fields, "checklist", "record", "rotation", "summary",
                  "enterprise_rep_name", "enterprise_rep_title", "started_at", "issued_at", "officer_signature",
                  "enterprise_signature", "officers", "experts", "joint_departments", "items", "findings",
                  "documents", "measures", "created_by", "created_at", "available_actions"]
        read_only_fields = fields

    def get_officers(self, obj) -> list[dict]:
        return [{"id": u.pk, "name": u.name or u.username} for u in obj.officers.all()]

    def get_experts(self, obj) -> list[dict]:
        return [{"id": e.pk, "name": e.name} for e in obj.experts.all()]

    def get_items(self, obj) -> list[dict]:
        if not obj.record_id:
            return []
        rows = InspectionItemResult.objects.filter(record_id=obj.record_id).order_by("sort", "id")
        return EnforcementInspectionItemSerializer(rows, many=True).data


class EnforcementInspectionCreateSerializer(ScopedRelatedFieldsMixin, Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False,
                                                    allow_null=True)
    kind = serializers.ChoiceField(choices=InspectionMode.choices, required=False)
    plan_entry = serializers.PrimaryKeyRelatedField(queryset=PlanEntry.objects.all(), required=False, allow_null=True)
    draw_entry = serializers.PrimaryKeyRelatedField(queryset=DrawEntry.objects.all(), required=False, allow_null=True)
    planned_on = serializers.DateField(required=False)
    checklist = serializers.PrimaryKeyRelatedField(queryset=Checklist.objects.filter(is_active=True), required=False,
                                                   allow_null=True)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    leader_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    officers = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True, required=False)
    experts = serializers.PrimaryKeyRelatedField(queryset=Expert.objects.all(), many=True, required=False)
    joint_departments = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), many=True,
                                                           required=False)

    #: The library's checklists are reference data any inspector may use (the service checks the
    #: one chosen fits the enterprise).
    unscoped_fields = {"checklist": "reference data: the checklists of the standards library"}

    def create(self, validated):
        data = {k: validated[k] for k in ("kind", "planned_on", "checklist", "location", "leader_name")
                if k in validated and validated[k] not in (None, "")}
        return services.create_inspection(
            actor=self.context["request"].user, department=validated["department"],
            enterprise=validated.get("enterprise"), data=data, plan_entry=validated.get("plan_entry"),
            draw_entry=validated.get("draw_entry"), officers=validated.get("officers") or None,
            experts=validated.get("experts", []), joint_departments=validated.get("joint_departments", []))


class EnforcementUpdateInput(StepInput):
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    planned_on = serializers.DateField(required=False)
    leader_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    enterprise_rep_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    enterprise_rep_title = serializers.CharField(max_length=50, required=False, allow_blank=True)
    summary = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class EnforcementResultInput(Serializer):
    item = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    result = serializers.CharField(max_length=16, required=False, allow_blank=True,
                                   help_text="pass, hazard_found, not_applicable, or empty to clear")
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class EnforcementResultsInput(StepInput):
    results = EnforcementResultInput(many=True)


class EnforcementHazardInput(StepInput):
    item = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    deadline = serializers.DateField(required=False)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class EnforcementViolationInput(StepInput):
    item = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    violation = serializers.CharField(max_length=2000)
    legal_basis = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class EnforcementOpenCaseInput(StepInput):
    finding = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    violation = serializers.SlugRelatedField(slug_field="code", queryset=Violation.objects.filter(is_active=True),
                                             required=False, allow_null=True,
                                             help_text="the code of an entry of the violation catalogue")
    tier = serializers.ChoiceField(choices=DiscretionTierCode.choices, required=False, allow_blank=True, default="")
    fine = serializers.DecimalField(max_digits=12, decimal_places=0, min_value=0, required=False, allow_null=True)


class EnforcementSignatureInput(StepInput):
    signer = serializers.ChoiceField(choices=["officer", "enterprise"])
    signature = serializers.CharField(max_length=800_000, help_text="the PNG as base64 or a data:image/png URL")
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class EnforcementSignInput(StepInput):
    summary = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class EnforcementMeasureInput(StepInput):
    kind = serializers.ChoiceField(choices=MeasureKind.choices)
    reason = serializers.CharField(max_length=4000)
    scope = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    approved_by_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class EnforcementLiftInput(ReasonInput):
    measure = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class EnforcementRecheckInput(StepInput):
    passed = serializers.BooleanField()
    opinion = serializers.CharField(max_length=2000)
    new_deadline = serializers.DateField(required=False, allow_null=True)
    inspectors = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


def _lift(o, u, d, v):
    measure = CompulsoryMeasure.objects.filter(inspection=o, pk=d["measure"]).first()
    if measure is None:
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        raise ValidationError({"measure": _("This measure is not part of the inspection.")})
    return services.lift_measure(o, measure, actor=u, reason=d["reason"], version=v)


CHANGE = perms(INSP, "change")


@with_steps({
    "correct": (EnforcementUpdateInput, lambda o, u, d, v: services.update_inspection(o, actor=u, data=d, version=v),
               CHANGE),
    "start": (StepInput, lambda o, u, d, v: services.start_inspection(o, actor=u, version=v), CHANGE),
    "record_results": (EnforcementResultsInput, lambda o, u, d, v: services.record_inspection_results(
        o, actor=u, results=[dict(r) for r in d["results"]], version=v), CHANGE),
    "raise_hazard": (EnforcementHazardInput, lambda o, u, d, v: services.raise_finding_hazard(
        o, d["item"], actor=u, data={k: d[k] for k in ("deadline", "description") if d.get(k)}, version=v), CHANGE),
    "note_violation": (EnforcementViolationInput, lambda o, u, d, v: services.note_finding_violation(
        o, d["item"], actor=u, violation=d["violation"], legal_basis=d["legal_basis"], version=v), CHANGE),
    "open_case": (EnforcementOpenCaseInput, lambda o, u, d, v: services.open_case_from_finding(
        o, d["finding"], actor=u, violation=d.get("violation"), tier=d.get("tier") or "", fine=d.get("fine"),
        version=v), (*CHANGE, "enforcement.add_case")),
    "add_signature": (EnforcementSignatureInput, lambda o, u, d, v: services.add_signature(
        o, actor=u, signer=d["signer"], png=d["signature"], name=d["name"], title=d["title"], version=v), CHANGE),
    "sign": (EnforcementSignInput, lambda o, u, d, v: services.sign_inspection(o, actor=u, summary=d.get("summary"),
                                                                             version=v), CHANGE),
    "issue": (StepInput, lambda o, u, d, v: services.issue_documents(o, actor=u, version=v), CHANGE),
    "decide_measure": (EnforcementMeasureInput, lambda o, u, d, v: services.decide_measure(
        o, actor=u, kind=d["kind"], reason=d["reason"], scope=d["scope"], starts_on=d.get("starts_on"),
        ends_on=d.get("ends_on"), approved_by_name=d["approved_by_name"], version=v),
                       ("enforcement.add_compulsorymeasure",)),
    "lift_measure": (EnforcementLiftInput, _lift, ("enforcement.add_compulsorymeasure",)),
    "open_recheck": (StepInput, lambda o, u, d, v: services.open_recheck(o, actor=u, version=v), CHANGE),
    "recheck": (EnforcementRecheckInput, lambda o, u, d, v: services.recheck_inspection(
        o, actor=u, passed=d["passed"], opinion=d["opinion"], new_deadline=d.get("new_deadline"),
        inspectors=d["inspectors"], version=v), CHANGE),
    "close": (CommentInput, lambda o, u, d, v: services.close_inspection(o, actor=u, comment=d["comment"],
                                                                       version=v), CHANGE),
})
class EnforcementInspectionViewSet(RecordViewSet):
    """On-site enforcement inspections (执法检查) of the caller's jurisdiction (an enterprise reads
    its own). POST prepares one; DELETE voids an unsigned one; ``?export=xlsx`` on ``export/``."""

    http_method_names = ["get", "post", "delete", "head", "options"]
    queryset = EnforcementInspection.objects.all()
    serializer_class = EnforcementInspectionSerializer
    detail_serializer = EnforcementInspectionDetailSerializer
    write_serializer = EnforcementInspectionCreateSerializer
    basename_for_schema = "enforcement_inspections"
    filterset_class = InspectionFilter
    ordering_fields = ["planned_on", "id"]
    ordering = ["-planned_on", "-id"]
    select_related = ("department", "enterprise")
    void_service = staticmethod(services.void_inspection)
    action_permissions = {"create": perms(INSP, "add"), "destroy": perms(INSP, "change"),
                          "void": perms(INSP, "change"), "export": ()}

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve" or self.action in INSPECTION_MACHINE:
            qs = qs.prefetch_related("officers", "experts", "joint_departments", "findings", "documents", "measures")
        return qs

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
                              OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request):
        """The filtered list as xlsx."""
        from .exports_inspections import export_filename, export_inspections

        qs = self.filter_queryset(self.get_queryset())
        return api_export_response(lambda: export_inspections(qs), export_filename())


class EnforcementDocumentViewSet(ScopedReadOnlyViewSet):
    """The enforcement documents issued on the inspections the caller sees; ``…/pdf/`` prints one."""

    queryset = EnforcementDocument.objects.all()
    serializer_class = EnforcementDocumentSerializer
    permission_classes = [ActionPermission]
    pagination_class = StandardPagination
    filter_backends = RecordViewSet.filter_backends
    filterset_fields = ["kind", "inspection"]
    ordering_fields = ["issued_on", "id"]
    ordering = ["-issued_on", "-id"]
    select_related = ("department",)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def pdf(self, request, pk=None):
        from .documents_inspections import document_pdf

        content, name = document_pdf(self.get_object())
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response


class LeaderRotationSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    version = VersionField(read_only=True)

    class Meta:
        model = LeaderRotation
        fields = ["id", "month", "region", "leader", "leader_name", "leader_title", "note", "version", "is_voided"]
        read_only_fields = ["id", "version", "is_voided"]

    def create(self, validated):
        return services.record_rotation(actor=self.context["request"].user, data=validated)


class LeaderRotationViewSet(RecordViewSet):
    """包县/包乡: the month's leading official of each county or township for night checks."""

    http_method_names = ["get", "post", "delete", "head", "options"]
    queryset = LeaderRotation.objects.all()
    serializer_class = LeaderRotationSerializer
    detail_serializer = LeaderRotationSerializer
    write_serializer = LeaderRotationSerializer
    basename_for_schema = "enforcement_rotations"
    filterset_fields = ["month", "region"]
    ordering_fields = ["month", "id"]
    ordering = ["-month", "-id"]
    select_related = ("region",)
    void_service = staticmethod(services.void_rotation)
    action_permissions = {"create": ("enforcement.add_leaderrotation",),
                          "destroy": ("enforcement.change_leaderrotation",),
                          "void": ("enforcement.change_leaderrotation",)}

    def create(self, request, *args, **kwargs):
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self.detail_response(ser.save(), status.HTTP_201_CREATED)

