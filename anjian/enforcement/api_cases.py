"""The cases API: cases (list with the list's filters, detail with ``available_actions``, each step
``POST /api/enforcement-cases/{id}/<step>/`` with an optional ``version``: 409 on a stale one), the
violation catalogue (read-only reference data) and summons, circulars and exposure."""

from __future__ import annotations

from rest_framework import serializers

from anjian.core.api import AvailableActionsField, ScopedReadOnlyViewSet, ScopedRelatedFieldsMixin
from anjian.core.api_fields import ActionPermission, EnumField, ModelSerializer, Serializer
from anjian.core.pagination import StandardPagination
from anjian.enterprises.models import Enterprise
from anjian.orgs.models import Department

from . import services
from .api import CommentInput, ReasonInput, RecordViewSet, StepInput, VersionField, perms, with_steps
from .choices import (
    ADMONITION_MACHINE,
    CASE_MACHINE,
    AdmonitionKind,
    AdmonitionState,
    CaseMeasure,
    CaseSource,
    CaseState,
    DiscretionTierCode,
    PartyKind,
)
from .filters_cases import AdmonitionFilter, CaseFilter
from .models import Admonition, Case, Violation
from .policy import policy

CASE = "case"


class CaseSerializer(ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    state = EnumField(CaseState, enum_name="EnforcementCaseStateEnum", read_only=True)

    class Meta:
        model = Case
        fields = ["id", "number", "title", "enterprise", "enterprise_name", "department", "department_name",
                  "discovered_on", "file_due", "filed_on", "decide_due", "decided_on", "pre_accident", "fine_amount",
                  "state", "version", "is_voided"]
        read_only_fields = fields


class CaseViolationOutSerializer(Serializer):
    code = serializers.CharField(source="violation.code")
    name = serializers.CharField(source="violation.name")
    basis = serializers.CharField(source="violation.basis")
    tier = serializers.CharField()
    fine = serializers.DecimalField(max_digits=12, decimal_places=0)
    deviation_reason = serializers.CharField()


class CaseDetailSerializer(CaseSerializer):
    available_actions = AvailableActionsField(CASE_MACHINE, policy)
    violations = serializers.SerializerMethodField()
    source = EnumField(CaseSource, enum_name="EnforcementCaseSourceEnum", read_only=True)
    measure = EnumField(CaseMeasure, enum_name="EnforcementCaseMeasureEnum", read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "source", "facts", "accident", "handler", "extended_days",
                  "notified_on", "hearing_offered", "statement", "statement_on", "review_opinion", "reviewed_at",
                  "decision_number", "measure", "decision_text", "public_summary", "published_at", "paid_amount",
                  "paid_on", "closed_on", "outcome_on", "outcome_reason", "transferred_to", "violations",
                  "available_actions"]
        read_only_fields = fields

    def get_violations(self, obj) -> list[dict]:
        rows = obj.violations.filter(is_voided=False).select_related("violation").order_by("id")
        return CaseViolationOutSerializer(rows, many=True).data


class CaseCreateSerializer(ScopedRelatedFieldsMixin, Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    title = serializers.CharField(max_length=200)
    source = serializers.ChoiceField(choices=CaseSource.choices, default=CaseSource.INSPECTION)
    facts = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    discovered_on = serializers.DateField()

    def create(self, validated):
        data = {k: validated[k] for k in ("title", "source", "facts", "discovered_on")}
        return services.open_case(actor=self.context["request"].user, department=validated["department"],
                                  enterprise=validated["enterprise"], data=data)


class DateCommentInput(CommentInput):
    on = serializers.DateField(required=False, allow_null=True, default=None)


class ViolationItemInput(Serializer):
    violation = serializers.SlugRelatedField(slug_field="code", queryset=Violation.objects.all())
    tier = serializers.ChoiceField(choices=DiscretionTierCode.choices)
    fine = serializers.DecimalField(max_digits=12, decimal_places=0, min_value=0)
    deviation_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class ViolationsInput(StepInput):
    items = ViolationItemInput(many=True, max_length=50)


class PartyInput(StepInput):
    kind = serializers.ChoiceField(choices=PartyKind.choices)
    name = serializers.CharField(max_length=100)
    post = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    fine = serializers.DecimalField(max_digits=12, decimal_places=0, min_value=0, default=0)


class EvidenceInput(StepInput):
    description = serializers.CharField(max_length=1000)


class ExtendInput(ReasonInput):
    days = serializers.IntegerField(min_value=1, max_value=365)


class StatementInput(StepInput):
    statement = serializers.CharField(max_length=5000)
    on = serializers.DateField(required=False, allow_null=True, default=None)


class OpinionInput(StepInput):
    opinion = serializers.CharField(max_length=5000)


class DecisionInput(StepInput):
    decision_text = serializers.CharField(max_length=5000)
    public_summary = serializers.CharField(max_length=1000)
    measure = serializers.ChoiceField(choices=CaseMeasure.choices, required=False, default="")
    on = serializers.DateField(required=False, allow_null=True, default=None)


class ExecutionInput(StepInput):
    paid_amount = serializers.DecimalField(max_digits=12, decimal_places=0, min_value=0)
    paid_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class TransferInput(ReasonInput):
    to = serializers.CharField(max_length=200)


CH = perms(CASE, "change")
DECIDE = ("enforcement.decide_case",)


@with_steps({
    "file": (DateCommentInput, lambda o, u, d, v: services.file_case(o, actor=u, filed_on=d["on"],
                                                                     comment=d["comment"], version=v), CH),
    "decline": (ReasonInput, lambda o, u, d, v: services.decline_case(o, actor=u, reason=d["reason"], version=v), CH),
    "set_violations": (ViolationsInput, lambda o, u, d, v: services.set_violations(o, actor=u, items=d["items"],
                                                                                   version=v), CH),
    "add_party": (PartyInput, lambda o, u, d, v: services.add_party(o, actor=u, kind=d["kind"], name=d["name"],
                                                                    post=d["post"], fine=d["fine"], version=v), CH),
    "add_evidence": (EvidenceInput, lambda o, u, d, v: services.add_evidence(o, actor=u,
                                                                             description=d["description"],
                                                                             version=v), CH),
    "extend": (ExtendInput, lambda o, u, d, v: services.extend_case(o, actor=u, days=d["days"], reason=d["reason"],
                                                                    version=v), DECIDE),
    "notify": (DateCommentInput, lambda o, u, d, v: services.notify_case(o, actor=u, notified_on=d["on"],
                                                                         comment=d["comment"], version=v), CH),
    "record_statement": (StatementInput, lambda o, u, d, v: services.record_statement(
        o, actor=u, statement=d["statement"], on=d["on"], version=v), CH),
    "submit_review": (StepInput, lambda o, u, d, v: services.submit_review(o, actor=u, version=v), CH),
    "review": (OpinionInput, lambda o, u, d, v: services.review_case(o, actor=u, opinion=d["opinion"], version=v),
               ("enforcement.review_case",)),
    "decide": (DecisionInput, lambda o, u, d, v: services.decide_case(
        o, actor=u, decision_text=d["decision_text"], public_summary=d["public_summary"], measure=d["measure"],
        decided_on=d["on"], version=v), DECIDE),
    "publish": (StepInput, lambda o, u, d, v: services.publish_case(o, actor=u, version=v), DECIDE),
    "record_execution": (ExecutionInput, lambda o, u, d, v: services.record_execution(
        o, actor=u, paid_amount=d["paid_amount"], paid_on=d["paid_on"], note=d["note"], version=v), CH),
    "close": (StepInput, lambda o, u, d, v: services.close_case(o, actor=u, version=v), DECIDE),
    "revoke": (ReasonInput, lambda o, u, d, v: services.revoke_case(o, actor=u, reason=d["reason"], version=v),
               DECIDE),
    "transfer": (TransferInput, lambda o, u, d, v: services.transfer_case(o, actor=u, to=d["to"], reason=d["reason"],
                                                                          version=v), DECIDE),
})
class CaseViewSet(RecordViewSet):
    """Enforcement cases (行政执法案件) of the caller's jurisdiction. POST registers a case (awaiting
    filing); DELETE voids one not yet filed."""

    http_method_names = ["get", "post", "delete", "head", "options"]
    queryset = Case.objects.all()
    serializer_class = CaseSerializer
    detail_serializer = CaseDetailSerializer
    write_serializer = CaseCreateSerializer
    basename_for_schema = "enforcement_cases"
    filterset_class = CaseFilter
    ordering_fields = ["discovered_on", "decide_due", "id"]
    ordering = ["-discovered_on", "-id"]
    select_related = ("enterprise", "department")
    void_service = staticmethod(services.void_case)
    action_permissions = {"create": perms(CASE, "add"), "destroy": perms(CASE, "delete"),
                          "void": perms(CASE, "delete")}


class ViolationSerializer(ModelSerializer):
    tiers = serializers.SerializerMethodField()

    class Meta:
        model = Violation
        fields = ["id", "code", "name", "law", "article", "penalty", "min_fine", "max_fine", "measure", "source",
                  "certainty", "is_active", "tiers"]
        read_only_fields = fields

    def get_tiers(self, obj) -> list[dict]:
        return [{"tier": t.tier, "min_fine": str(t.min_fine), "max_fine": str(t.max_fine), "certainty": t.certainty}
                for t in obj.tiers.all()]


class ViolationViewSet(ScopedReadOnlyViewSet):
    """The violation catalogue (违法行为目录) with its discretion tiers: reference data."""

    scope_exempt = "reference data: the national violation catalogue, the same for every user"
    queryset = Violation.objects.all()
    serializer_class = ViolationSerializer
    permission_classes = [ActionPermission]
    pagination_class = StandardPagination
    ordering = ["order", "code"]
    prefetch_related = ("tiers",)


class AdmonitionSerializer(ModelSerializer):
    kind = EnumField(AdmonitionKind, enum_name="EnforcementAdmonitionKindEnum", read_only=True)
    state = EnumField(AdmonitionState, enum_name="EnforcementAdmonitionStateEnum", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = Admonition
        fields = ["id", "kind", "department", "department_name", "enterprise", "target_region", "case", "title",
                  "held_on", "summary", "state", "issued_at", "version", "is_voided"]
        read_only_fields = fields


class AdmonitionDetailSerializer(AdmonitionSerializer):
    available_actions = AvailableActionsField(ADMONITION_MACHINE, policy)

    class Meta(AdmonitionSerializer.Meta):
        fields = [*AdmonitionSerializer.Meta.fields, "available_actions"]
        read_only_fields = fields


class AdmonitionCreateSerializer(ScopedRelatedFieldsMixin, Serializer):
    kind = serializers.ChoiceField(choices=AdmonitionKind.choices)
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False,
                                                    allow_null=True)
    title = serializers.CharField(max_length=200)
    held_on = serializers.DateField()
    summary = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    version = VersionField()

    def create(self, validated):
        data = {k: validated.get(k) for k in ("kind", "enterprise", "title", "held_on", "summary")}
        return services.create_admonition(actor=self.context["request"].user, department=validated["department"],
                                          data=data)


ADM = "admonition"


@with_steps({"issue": (StepInput, lambda o, u, d, v: services.issue_admonition(o, actor=u, version=v),
                       perms(ADM, "change"))})
class AdmonitionViewSet(RecordViewSet):
    """Summons, circulars and exposure (约谈、通报、曝光) of the caller's jurisdiction."""

    http_method_names = ["get", "post", "delete", "head", "options"]
    queryset = Admonition.objects.all()
    serializer_class = AdmonitionSerializer
    detail_serializer = AdmonitionDetailSerializer
    write_serializer = AdmonitionCreateSerializer
    basename_for_schema = "enforcement_admonitions"
    filterset_class = AdmonitionFilter
    ordering_fields = ["held_on", "id"]
    ordering = ["-held_on", "-id"]
    select_related = ("department",)
    void_service = staticmethod(services.void_admonition)
    action_permissions = {"create": perms(ADM, "add"), "destroy": perms(ADM, "delete"),
                          "void": perms(ADM, "delete")}
