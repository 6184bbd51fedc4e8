"""The credit API: the record kinds (reference data), credit records (enter, confirm, void),
the enterprises' computed credit (read-only), listings on the list of seriously untrustworthy
entities (propose, decide, publish, repair, expire, withdraw) and joint punishment notices (draft,
issue, PDF; void a draft) — lists with filters, detail, events, history, xlsx export.

Every write goes through ``anjian.credit.services``; records outside the caller's jurisdiction are
not found (404)."""

from __future__ import annotations

from django.http import HttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
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
    XlsxRenderer,
)
from anjian.core.api_fields import EnumField, ModelSerializer, Serializer
from anjian.core.exports import api_export_response
from anjian.core.filters import StableOrderingFilter
from anjian.core.services import events_for
from anjian.enterprises.models import Enterprise

from . import exports, services
from .choices import (
    LISTING_MACHINE,
    NOTICE_MACHINE,
    RECORD_MACHINE,
    Certainty,
    CreditGrade,
    ListingState,
    NoticeState,
    Polarity,
    RecordSource,
    RecordState,
)
from .filters import BlacklistingFilter, CreditRecordFilter, EnterpriseCreditFilter, JointNoticeFilter
from .models import Blacklisting, CreditRecord, CreditRecordKind, EnterpriseCredit, JointNotice
from .policy import policy

# --- serializers ----------------------------------------------------------------------------------


class CreditRecordKindSerializer(ModelSerializer):
    polarity = EnumField(Polarity, enum_name="CreditPolarityEnum", read_only=True)
    certainty = EnumField(Certainty, enum_name="CreditCertaintyEnum", read_only=True)

    class Meta:
        model = CreditRecordKind
        fields = ["id", "code", "name", "polarity", "points", "source", "certainty", "is_active"]
        read_only_fields = fields


class _Owned(ScopedRelatedFieldsMixin, ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    version = serializers.IntegerField(required=False, min_value=1)


class CreditRecordSerializer(_Owned):
    kind = serializers.PrimaryKeyRelatedField(queryset=CreditRecordKind.objects.filter(is_active=True))
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    source_type = EnumField(RecordSource, enum_name="CreditRecordSourceEnum", required=False,
                            default=RecordSource.MANUAL)
    state = EnumField(RecordState, enum_name="CreditRecordStateEnum", read_only=True)
    points = serializers.IntegerField(required=False, allow_null=True, min_value=-1000, max_value=1000)
    effective_points = serializers.IntegerField(read_only=True)
    available_actions = AvailableActionsField(RECORD_MACHINE, policy)

    class Meta:
        model = CreditRecord
        fields = ["id", "enterprise", "enterprise_name", "kind", "kind_name", "occurred_on", "points",
                  "effective_points", "source_type", "source_id", "document", "summary", "state", "confirmed_at",
                  "version", "is_voided", "created_at", "available_actions"]
        read_only_fields = ["source_id", "confirmed_at", "is_voided", "created_at"]
        validators: list = []  # the services and the constraint decide uniqueness


class EnterpriseCreditSerializer(ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    grade = EnumField(CreditGrade, enum_name="CreditGradeEnum", read_only=True)

    class Meta:
        model = EnterpriseCredit
        fields = ["id", "enterprise", "enterprise_name", "score", "grade", "blacklisted", "green_channel",
                  "more_inspections", "computed_on"]
        read_only_fields = fields


class BlacklistingSerializer(_Owned):
    state = EnumField(ListingState, enum_name="CreditListingStateEnum", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True, default=None,
                                            allow_null=True)
    available_actions = AvailableActionsField(LISTING_MACHINE, policy)

    class Meta:
        model = Blacklisting
        fields = ["id", "enterprise", "enterprise_name", "department", "department_name", "reason", "case_number",
                  "decision_number", "decided_on", "term_ends_on", "repair_from", "published_on", "publication",
                  "removed_on", "removal_reason", "state", "version", "is_voided", "created_at", "available_actions"]
        read_only_fields = ["department", "decision_number", "decided_on", "term_ends_on", "repair_from",
                            "published_on", "publication", "removed_on", "removal_reason", "is_voided", "created_at"]
        validators: list = []  # the service refuses a second open listing, naming the field


class JointNoticeSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    listing = serializers.PrimaryKeyRelatedField(queryset=Blacklisting.objects.all())
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    state = EnumField(NoticeState, enum_name="JointNoticeStateEnum", read_only=True)
    version = serializers.IntegerField(required=False, min_value=1)
    available_actions = AvailableActionsField(NOTICE_MACHINE, policy)

    class Meta:
        model = JointNotice
        fields = ["id", "listing", "enterprise", "enterprise_name", "number", "recipients", "measures", "issued_on",
                  "state", "version", "is_voided", "created_at", "available_actions"]
        read_only_fields = ["enterprise", "issued_on", "is_voided", "created_at"]


class CreditStepSerializer(Serializer):
    """The body of a step: the version the caller saw, and the reason where the step needs one."""

    version = serializers.IntegerField(required=False, min_value=1)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.REASON_MAX)


class ListingDecisionSerializer(CreditStepSerializer):
    decision_number = serializers.CharField(max_length=60)
    decided_on = serializers.DateField(required=False, allow_null=True)


class ListingPublicationSerializer(CreditStepSerializer):
    publication = serializers.CharField(max_length=200)
    published_on = serializers.DateField(required=False, allow_null=True)


# --- viewsets ---------------------------------------------------------------------------------------


class CreditRecordKindViewSet(ScopedReadOnlyViewSet):
    """The kinds of credit records and their points (the scheme), with their sources."""

    queryset = CreditRecordKind.objects.all()
    serializer_class = CreditRecordKindSerializer
    pagination_class = None
    scope_exempt = "reference data: the credit scheme is the same for everyone"


class _CreditViewSet(HistoryActionMixin, ScopedViewSet):
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    http_method_names = ["get", "post", "delete", "head", "options"]
    void_service = staticmethod(services.void_record)

    def _seen(self, objs):
        key = getattr(self.request.user, "pk", None)
        for obj in objs:
            obj.__dict__.setdefault("_credit_seen_by", {})[key] = True
        return objs

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return self._seen(page) if page is not None else None

    def get_object(self):
        return self._seen([super().get_object()])[0]

    def _step(self, request, do, serializer_class=CreditStepSerializer):
        obj = self.get_object()
        ser = serializer_class(data=request.data)
        ser.is_valid(raise_exception=True)
        do(obj, ser.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data)

    @extend_schema(responses={200: EventSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        rows = [{"action": e.action, "at": e.at, "actor": (e.actor.name or e.actor.get_username()) if e.actor else None,
                 "from_state": e.from_state, "to_state": e.to_state, "comment": e.comment, "data": e.data}
                for e in events_for(self.get_object())]
        return Response(EventSerializer(rows, many=True).data)


class CreditRecordViewSet(_CreditViewSet):
    """Good and bad credit records of the enterprises."""

    queryset = CreditRecord.objects.all()
    serializer_class = CreditRecordSerializer
    filterset_class = CreditRecordFilter
    ordering_fields = ["id", "occurred_on"]
    select_related = ("enterprise", "kind")

    def perform_create(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k in services.RECORD_FIELDS}
        serializer.instance = services.record_credit(actor=self.request.user,
                                                     enterprise=serializer.validated_data["enterprise"], data=data)

    @extend_schema(request=CreditStepSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._step(request, lambda obj, d: services.confirm_record(obj, actor=request.user,
                                                                          version=d.get("version"), comment=d["reason"]))

    @extend_schema(responses={(200, XlsxRenderer.media_type): bytes})
    @action(detail=False, methods=["get"], pagination_class=None, renderer_classes=[XlsxRenderer])
    def export(self, request):
        return api_export_response(lambda: exports.export_records(request.user, request.query_params),
                                   exports.filename("credit-records"))


class EnterpriseCreditViewSet(ScopedReadOnlyViewSet):
    """The enterprises' credit now: score, grade, listed, green channel (computed, read-only)."""

    queryset = EnterpriseCredit.objects.all()
    serializer_class = EnterpriseCreditSerializer
    filterset_class = EnterpriseCreditFilter
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    ordering_fields = ["id", "score"]
    select_related = ("enterprise",)

    @extend_schema(responses={(200, XlsxRenderer.media_type): bytes})
    @action(detail=False, methods=["get"], pagination_class=None, renderer_classes=[XlsxRenderer])
    def export(self, request):
        return api_export_response(lambda: exports.export_grades(request.user, request.query_params),
                                   exports.filename("credit-grades"))


class BlacklistingViewSet(_CreditViewSet):
    """Listings on the list of seriously untrustworthy entities (严重失信主体名单)."""

    queryset = Blacklisting.objects.all()
    serializer_class = BlacklistingSerializer
    filterset_class = BlacklistingFilter
    ordering_fields = ["id", "decided_on", "term_ends_on"]
    select_related = ("enterprise", "department")
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k in services.LISTING_FIELDS}
        serializer.instance = services.propose_listing(actor=self.request.user,
                                                       enterprise=serializer.validated_data["enterprise"], data=data)

    @extend_schema(request=ListingDecisionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        return self._step(request, lambda obj, d: services.decide_listing(
            obj, actor=request.user, decision_number=d["decision_number"], decided_on=d.get("decided_on"),
            version=d.get("version")), ListingDecisionSerializer)

    @extend_schema(request=ListingPublicationSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._step(request, lambda obj, d: services.publish_listing(
            obj, actor=request.user, publication=d["publication"], published_on=d.get("published_on"),
            version=d.get("version")), ListingPublicationSerializer)

    @extend_schema(request=CreditStepSerializer)
    @action(detail=True, methods=["post"])
    def repair(self, request, pk=None):
        return self._step(request, lambda obj, d: services.repair_listing(obj, actor=request.user, reason=d["reason"],
                                                                          version=d.get("version")))

    @extend_schema(request=CreditStepSerializer)
    @action(detail=True, methods=["post"])
    def expire(self, request, pk=None):
        return self._step(request, lambda obj, d: services.expire_listing(obj, actor=request.user,
                                                                          version=d.get("version")))

    @extend_schema(request=CreditStepSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._step(request, lambda obj, d: services.withdraw_listing(
            obj, actor=request.user, reason=d["reason"], version=d.get("version")))

    @extend_schema(responses={(200, XlsxRenderer.media_type): bytes})
    @action(detail=False, methods=["get"], pagination_class=None, renderer_classes=[XlsxRenderer])
    def export(self, request):
        return api_export_response(lambda: exports.export_listings(request.user, request.query_params),
                                   exports.filename("credit-listings"))


class JointNoticeViewSet(_CreditViewSet):
    """Joint punishment notices (联合惩戒) of listings to other departments."""

    queryset = JointNotice.objects.all()
    serializer_class = JointNoticeSerializer
    filterset_class = JointNoticeFilter
    ordering_fields = ["id", "issued_on"]
    select_related = ("enterprise", "listing")

    def perform_create(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k in services.NOTICE_FIELDS}
        serializer.instance = services.draft_notice(actor=self.request.user,
                                                    listing=serializer.validated_data["listing"], data=data)

    @extend_schema(request=CreditStepSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        return self._step(request, lambda obj, d: services.issue_notice(obj, actor=request.user,
                                                                        version=d.get("version")))

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def pdf(self, request, pk=None):
        from .documents import notice_pdf

        notice = self.get_object()
        response = HttpResponse(notice_pdf(notice), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="joint-notice-{notice.pk}.pdf"'
        return response
