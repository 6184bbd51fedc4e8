"""The tips API for handlers, under /api/public/: tips (read, and their steps), the submitter's
identity on its own audited endpoint (``view_tip_identity`` only), rewards (read, approve,
decline, pay). Tips are filed on the public form only, never through this API. No serializer of
this module carries an identity field except ``TipIdentitySerializer``."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from anjian.core.api import AvailableActionsField, ScopedReadOnlyViewSet, ScopedRelatedFieldsMixin
from anjian.core.api_fields import ActionPermission, EnumField, ModelSerializer, Serializer
from anjian.core.filters import StableOrderingFilter
from anjian.hazards.choices import HazardGrade

from . import services
from .choices import REWARD_MACHINE, TIP_MACHINE, AccessChannel, RewardState, TipKind, TipState
from .filters import TipFilter
from .models import Reward, RewardScale, Tip
from .policy import policy

HANDLE = ["public.handle_tip"]


class PublicTipSerializer(ModelSerializer):
    """A tip as handlers and everyone in the region read it: no name, phone, e-mail or ID number."""

    kind = EnumField(TipKind, enum_name="PublicTipKindEnum", read_only=True)
    state = EnumField(TipState, enum_name="PublicTipStateEnum", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True, default=None, allow_null=True)
    available_actions = AvailableActionsField(TIP_MACHINE, policy)

    class Meta:
        model = Tip
        fields = ["id", "tracking_code", "kind", "description", "region", "region_name", "address", "unit_name",
                  "enterprise", "industry", "is_anonymous", "department", "department_name", "state", "received_at",
                  "accepted_on", "verify_due", "extended", "verified_on", "decision_reason", "hazard", "case",
                  "duplicate_of", "version", "is_voided", "available_actions"]
        read_only_fields = fields


class TipIdentitySerializer(Serializer):
    reporter_name = serializers.CharField(max_length=50)
    reporter_phone = serializers.CharField(max_length=20)
    reporter_email = serializers.CharField(max_length=100)
    reporter_id_number = serializers.CharField(max_length=18)
    is_employee = serializers.BooleanField()


class TipStepInput(Serializer):
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class TipRouteInput(TipStepInput):
    department = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class TipExtendInput(TipStepInput):
    days = serializers.IntegerField(min_value=1, max_value=90)


class TipHazardInput(TipStepInput):
    grade = serializers.ChoiceField(choices=HazardGrade.choices)
    deadline = serializers.DateField()


class TipRewardInput(Serializer):
    scale = serializers.SlugRelatedField(slug_field="code", queryset=RewardScale.objects.filter(is_active=True))
    fine_yuan = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True,
                                         min_value=0, max_value=10**9)
    deaths = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=1000)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class TipRewardSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    state = EnumField(RewardState, enum_name="PublicRewardStateEnum", read_only=True)
    scale_code = serializers.CharField(source="scale.code", read_only=True)
    available_actions = AvailableActionsField(REWARD_MACHINE, policy)

    class Meta:
        model = Reward
        fields = ["id", "tip", "scale", "scale_code", "fine_yuan", "deaths", "amount_yuan", "note", "state",
                  "approved_on", "paid_on", "payment_reference", "version", "is_voided", "available_actions"]
        read_only_fields = fields


class RewardPayInput(TipStepInput):
    paid_on = serializers.DateField()
    reference = serializers.CharField(max_length=60)


class _Steps:
    def _seen(self, objs):
        key = getattr(self.request.user, "pk", None)
        for obj in objs:
            obj.__dict__.setdefault("_public_seen_by", {})[key] = True
        return objs

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return self._seen(page) if page is not None else None

    def get_object(self):
        return self._seen([super().get_object()])[0]

    def _run(self, request, input_class, do):
        obj = self.get_object()
        ser = input_class(data=request.data)
        ser.is_valid(raise_exception=True)
        do(obj, dict(ser.validated_data))
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data)


class TipViewSet(_Steps, ScopedReadOnlyViewSet):
    """Tips of the caller's jurisdiction (without the submitter's identity) and their steps."""

    queryset = Tip.objects.all()
    serializer_class = PublicTipSerializer
    filterset_class = TipFilter
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    ordering_fields = ["id", "received_at", "verify_due"]
    select_related = ("region", "department")
    permission_classes = [permissions.IsAuthenticated, ActionPermission]
    action_permissions = dict.fromkeys(("route", "accept", "reject", "extend", "confirm", "unfound", "to_hazard", "to_case", "reward"), HANDLE)

    @extend_schema(responses=TipIdentitySerializer)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def identity(self, request, pk=None):
        """The submitter's identity and contact: ``view_tip_identity`` only; each read is logged."""
        tip = self.get_object()
        found = services.read_identity(tip, actor=request.user, channel=AccessChannel.API, request=request)
        if found is None:
            raise PermissionDenied
        return Response(TipIdentitySerializer(found).data)

    @extend_schema(request=TipRouteInput)
    @action(detail=True, methods=["post"])
    def route(self, request, pk=None):
        from anjian.orgs.models import Department

        def do(tip, d):
            dept = Department.objects.filter(pk=d["department"]).first()
            services.route_tip(tip, actor=request.user, department=dept, version=d.get("version"), comment=d["reason"])
        return self._run(request, TipRouteInput, do)

    @extend_schema(request=TipStepInput)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._run(request, TipStepInput, lambda t, d: services.accept_tip(
            t, actor=request.user, version=d.get("version"), comment=d["reason"]))

    @extend_schema(request=TipStepInput)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._run(request, TipStepInput, lambda t, d: services.reject_tip(
            t, actor=request.user, reason=d["reason"], version=d.get("version")))

    @extend_schema(request=TipExtendInput)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        return self._run(request, TipExtendInput, lambda t, d: services.extend_tip(
            t, actor=request.user, days=d["days"], reason=d["reason"], version=d.get("version")))

    @extend_schema(request=TipStepInput)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._run(request, TipStepInput, lambda t, d: services.verify_tip(
            t, actor=request.user, confirmed=True, outcome=d["reason"], version=d.get("version")))

    @extend_schema(request=TipStepInput)
    @action(detail=True, methods=["post"])
    def unfound(self, request, pk=None):
        return self._run(request, TipStepInput, lambda t, d: services.verify_tip(
            t, actor=request.user, confirmed=False, outcome=d["reason"], version=d.get("version")))

    @extend_schema(request=TipHazardInput)
    @action(detail=True, methods=["post"], url_path="to-hazard", url_name="to-hazard")
    def to_hazard(self, request, pk=None):
        return self._run(request, TipHazardInput, lambda t, d: services.raise_hazard(
            t, actor=request.user, grade=d["grade"], deadline=d["deadline"], version=d.get("version")))

    @extend_schema(request=TipStepInput)
    @action(detail=True, methods=["post"], url_path="to-case", url_name="to-case")
    def to_case(self, request, pk=None):
        return self._run(request, TipStepInput, lambda t, d: services.open_case(
            t, actor=request.user, version=d.get("version")))

    @extend_schema(request=TipRewardInput, responses=TipRewardSerializer)
    @action(detail=True, methods=["post"])
    def reward(self, request, pk=None):
        tip = self.get_object()
        ser = TipRewardInput(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        found = services.propose_reward(tip, actor=request.user, scale=d["scale"], fine_yuan=d.get("fine_yuan"),
                                        deaths=d.get("deaths"), note=d["note"])
        return Response(TipRewardSerializer(found, context=self.get_serializer_context()).data, status=201)


class TipRewardViewSet(_Steps, ScopedReadOnlyViewSet):
    """Rewards of confirmed tips: approve, decline, record the payment."""

    queryset = Reward.objects.all()
    serializer_class = TipRewardSerializer
    filter_backends = [StableOrderingFilter]
    ordering_fields = ["id"]
    select_related = ("scale",)
    permission_classes = [permissions.IsAuthenticated, ActionPermission]
    action_permissions = {"approve": ["public.approve_reward"], "decline": ["public.approve_reward"],
                          "pay": HANDLE}

    @extend_schema(request=TipStepInput)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._run(request, TipStepInput, lambda r, d: services.approve_reward(
            r, actor=request.user, version=d.get("version"), comment=d["reason"]))

    @extend_schema(request=TipStepInput)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._run(request, TipStepInput, lambda r, d: services.decline_reward(
            r, actor=request.user, reason=d["reason"], version=d.get("version")))

    @extend_schema(request=RewardPayInput)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        return self._run(request, RewardPayInput, lambda r, d: services.pay_reward(
            r, actor=request.user, paid_on=d["paid_on"], reference=d["reference"], version=d.get("version")))
