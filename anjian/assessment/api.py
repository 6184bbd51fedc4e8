"""The assessment API (mounted under /api/ by the project URLconf).

Indicators (no record of their own: a unit and a period in the query string):

- ``GET /api/indicators/``: the declared indicators (code, name, unit, direction, how each is
  computed, its basis, the lists behind it);
- ``GET /api/indicators/values/?region=<code>|department=<id>&year=&month=``: every figure of the
  unit against its target;
- ``GET /api/indicators/breakdown/?indicator=<code>&region=…``: one indicator for the unit and
  each region directly below it;
- ``GET /api/indicators/records/?indicator=<code>&part=<missing|counted|…>&region=…``: the records
  behind a figure, paginated;
- ``GET /api/indicators/dashboard/?region=…``: the dashboard's headline, trend and distributions.

Records: ``/api/target-agreements/`` (``sign/``), ``/api/assessment-schemes/``,
``/api/assessment-rounds/`` (``publish/``) and ``/api/assessments/`` (``submit-self/``,
``assess/``, ``return/``, ``adjust/``): read through the caller's scope, every step through the
services (409 on a stale ``version``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from anjian.core import indicators
from anjian.core.api import AvailableActionsField, ScopedReadOnlyViewSet
from anjian.core.api_fields import ActionPermission, ModelSerializer, Serializer, VersionSerializer
from anjian.core.pagination import StandardPagination

from . import dashboard as dash
from . import selectors, services
from .choices import AGREEMENT_MACHINE, ASSESSMENT_MACHINE, ROUND_MACHINE
from .models import (
    Adjustment,
    Assessment,
    AssessmentRound,
    AssessmentScheme,
    SchemeItem,
    ScoreLine,
    TargetAgreement,
)
from .policy import policy

UNIT_PARAMETERS = [
    OpenApiParameter("region", OpenApiTypes.STR, description="A region's division code (default: the top of "
                                                             "the caller's jurisdiction)."),
    OpenApiParameter("department", OpenApiTypes.INT, description="A department's id (instead of a region)."),
    OpenApiParameter("year", OpenApiTypes.INT, description="The year (default: this year, to date)."),
    OpenApiParameter("month", OpenApiTypes.INT, description="A month of the year (1–12)."),
]
INDICATOR_PARAMETER = OpenApiParameter("indicator", OpenApiTypes.STR, required=True,
                                       description="An indicator's code (GET /api/indicators/).")


def _unit(request) -> tuple[indicators.Subject, Any, indicators.Period]:
    subject, row = selectors.resolve_unit(request.user, region=request.query_params.get("region"),
                                          department=request.query_params.get("department"))
    period = indicators.parse_period(year=request.query_params.get("year"),
                                     month=request.query_params.get("month"))
    return subject, row, period


def _indicator(request) -> indicators.Indicator:
    code = request.query_params.get("indicator", "")
    indicator = indicators.get(code)
    if indicator is None:
        raise ValidationError({"indicator": "No such indicator." if not code else f"No indicator {code!r}."})
    return indicator


def _unit_dict(subject: indicators.Subject, period: indicators.Period) -> dict[str, Any]:
    return {"unit": {"kind": subject.kind, "key": subject.key, "name": subject.label},
            "period": {"label": period.label, "from": f"{period.start:%Y-%m}", "to": f"{period.last_day:%Y-%m}"}}


def declaration(indicator: indicators.Indicator) -> dict[str, Any]:
    return {"code": indicator.code, "name": str(indicator.name), "unit": indicator.unit,
            "unit_label": indicator.unit_label, "direction": indicator.direction, "group": indicator.group,
            "computation": str(indicator.computation), "basis": str(indicator.basis),
            "subjects": list(indicator.subjects), "numerator_label": str(indicator.numerator_label),
            "denominator_label": str(indicator.denominator_label),
            "parts": [{"code": p.code, "label": str(p.label), "counts": p.counts}
                      for p in (indicator.drill.parts if indicator.drill else ())]}


class IndicatorListView(APIView):
    """The declared indicators."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: {"type": "array", "items": {"type": "object", "additionalProperties": {}}}})
    def get(self, request):
        return Response([declaration(i) for i in indicators.all_indicators()])


class IndicatorValuesView(APIView):
    """Every figure of a unit over a period, against its target."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=UNIT_PARAMETERS, responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        subject, _row, period = _unit(request)
        rows = selectors.indicator_table(request.user, subject, period)
        return Response({**_unit_dict(subject, period), "rows": [r.as_dict() for r in rows]})


class IndicatorBreakdownView(APIView):
    """One indicator for a unit and each region directly below it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[INDICATOR_PARAMETER, *UNIT_PARAMETERS], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        indicator = _indicator(request)
        subject, row, period = _unit(request)
        region = row if subject.kind == indicators.REGION else None
        lines = selectors.breakdown(request.user, indicator, subject, region, period)
        return Response({**_unit_dict(subject, period), "indicator": declaration(indicator),
                         "total": lines[0].row.as_dict(),
                         "regions": [{"code": ln.subject.key, "name": ln.subject.label, **ln.row.as_dict()}
                                     for ln in lines[1:]]})


class IndicatorRecordsView(APIView):
    """The records behind a figure (one list, ``part``), paginated."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[INDICATOR_PARAMETER, OpenApiParameter("part", OpenApiTypes.STR),
                               *UNIT_PARAMETERS], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        indicator = _indicator(request)
        if indicator.drill is None:
            raise ValidationError({"indicator": "This figure has no records behind it."})
        subject, _row, period = _unit(request)
        part = request.query_params.get("part") or indicator.drill.parts[0].code
        drill = indicator.drill
        qs = indicators.records(indicator, part, request.user, subject, period)
        values = qs.values("pk", *[c.lookup for c in drill.columns])
        paginator = StandardPagination()
        page = paginator.paginate_queryset(values, request, view=self)
        results = []
        for row in page:
            url = ""
            if drill.url_name:
                try:
                    url = reverse(drill.url_name, args=[row["pk"]])
                except NoReverseMatch:
                    url = ""
            results.append({"id": row["pk"], "url": url, "model": drill.model,
                            "fields": {c.lookup: _json(c.display(row[c.lookup])) for c in drill.columns}})
        return paginator.get_paginated_response(results)


def _json(value):
    from datetime import date, datetime
    from decimal import Decimal

    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value if value is None or isinstance(value, int | float | bool) else str(value)


class DashboardView(APIView):
    """The dashboard of a unit: headline figures against targets, the monthly trend, the regions
    below and the industries."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=UNIT_PARAMETERS, responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        subject, row, period = _unit(request)
        region = row if subject.kind == indicators.REGION else None
        data = dash.dashboard_data(request.user, subject, region, period)
        return Response({**_unit_dict(subject, period), **dash.charts(data)})


# --- records ---------------------------------------------------------------------------------------


class AssessmentReasonSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=200)


class RoundPublishSerializer(VersionSerializer):
    document_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    remarks = serializers.CharField(required=False, allow_blank=True)


class AssessmentScoreSerializer(VersionSerializer):
    comment = serializers.CharField(required=False, allow_blank=True)
    manual = serializers.DictField(child=serializers.DictField(), required=False,
                                   help_text="{item id: {\"points\": …, \"note\": …}} for the items the assessor scores.")


class AssessmentAdjustSerializer(VersionSerializer):
    kind = serializers.ChoiceField(choices=["deduction", "bonus"])
    points = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0)
    reason = serializers.CharField()


class TargetItemSerializer(Serializer):
    indicator = serializers.CharField()
    name = serializers.CharField(source="indicator_name")
    target = serializers.DecimalField(max_digits=12, decimal_places=4)
    note = serializers.CharField()


class TargetAgreementSerializer(ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    issuer = serializers.SlugRelatedField(slug_field="code", read_only=True)
    items = TargetItemSerializer(many=True, read_only=True)
    available_actions = AvailableActionsField(AGREEMENT_MACHINE, policy)

    class Meta:
        model = TargetAgreement
        fields = ["id", "year", "region", "department", "issuer", "title", "state", "signed_on", "note", "version",
                  "items", "available_actions"]
        read_only_fields = fields


class SchemeItemSerializer(ModelSerializer):
    class Meta:
        model = SchemeItem
        fields = ["id", "part", "indicator", "title", "points", "method", "target", "when_unavailable", "sort"]
        read_only_fields = fields


class AssessmentSchemeSerializer(ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    items = SchemeItemSerializer(many=True, read_only=True)

    class Meta:
        model = AssessmentScheme
        fields = ["id", "name", "region", "year", "period_kind", "subject_kind", "self_assessment", "bonus_cap",
                  "basis", "version", "items"]
        read_only_fields = fields


class RankSerializer(ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit = serializers.CharField(source="subject_label")

    class Meta:
        model = Assessment
        fields = ["id", "region", "department", "unit", "state", "self_score", "score", "rank", "rank_of"]
        read_only_fields = fields


class AssessmentRoundSerializer(ModelSerializer):
    period = serializers.SerializerMethodField()
    ranking = serializers.SerializerMethodField()
    available_actions = AvailableActionsField(ROUND_MACHINE, policy)

    class Meta:
        model = AssessmentRound
        fields = ["id", "scheme", "period", "period_start", "period_end", "state", "document_number", "remarks",
                  "published_at", "version", "ranking", "available_actions"]
        read_only_fields = fields

    def get_period(self, obj) -> str:
        return obj.period.label

    def get_ranking(self, obj) -> list[dict]:
        """The units by rank once published (ties share a rank); by score before (provisional)."""
        rows = [a for a in obj.assessments.all() if not a.is_voided]
        if not obj.is_published:
            ranks = selectors.competition_ranks([(a.pk, a.score) for a in rows])
            for a in rows:
                a.rank = ranks.get(a.pk)
        rows.sort(key=lambda a: (a.rank is None, a.rank or 0, a.pk))
        return RankSerializer(rows, many=True).data


class ScoreLineSerializer(ModelSerializer):
    item = serializers.CharField(source="item.label")

    class Meta:
        model = ScoreLine
        fields = ["item", "item_id", "stage", "value", "target", "points", "note"]
        read_only_fields = fields


class AdjustmentSerializer(ModelSerializer):
    class Meta:
        model = Adjustment
        fields = ["id", "stage", "kind", "points", "reason", "entered_at", "is_voided"]
        read_only_fields = fields


class AssessmentSerializer(ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit = serializers.CharField(source="subject_label", read_only=True)
    period = serializers.CharField(source="round.period.label", read_only=True)
    lines = ScoreLineSerializer(many=True, read_only=True)
    adjustments = AdjustmentSerializer(many=True, read_only=True)
    available_actions = AvailableActionsField(ASSESSMENT_MACHINE, policy)

    class Meta:
        model = Assessment
        fields = ["id", "round", "period", "region", "department", "unit", "state", "self_score", "score", "rank",
                  "rank_of", "self_comment", "comment", "version", "lines", "adjustments", "available_actions"]
        read_only_fields = fields


class TargetAgreementViewSet(ScopedReadOnlyViewSet):
    """Target-responsibility agreements (目标责任书) in the caller's scope; ``sign`` a draft."""

    queryset = TargetAgreement.objects.order_by("-year", "region_path", "id")
    serializer_class = TargetAgreementSerializer
    select_related = ("region", "department", "issuer")
    prefetch_related = ("items",)
    permission_classes = [ActionPermission]
    action_permissions = {"sign": ["assessment.add_targetagreement"]}
    filterset_fields = ["year", "state"]

    def get_serializer_class(self):
        return VersionSerializer if self.action == "sign" else TargetAgreementSerializer

    @extend_schema(request=VersionSerializer, responses=TargetAgreementSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        agreement = self.get_object()
        ser = VersionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.sign_agreement(agreement, actor=request.user, expected_version=ser.validated_data.get("version"))
        agreement = self.get_queryset().get(pk=agreement.pk)
        return Response(TargetAgreementSerializer(agreement, context=self.get_serializer_context()).data)


class AssessmentSchemeViewSet(ScopedReadOnlyViewSet):
    """Assessment schemes in the caller's scope, with their weighted items."""

    queryset = AssessmentScheme.objects.order_by("-year", "region_path", "id")
    serializer_class = AssessmentSchemeSerializer
    select_related = ("region",)
    prefetch_related = ("items",)
    filterset_fields = ["year", "period_kind"]


class AssessmentRoundViewSet(ScopedReadOnlyViewSet):
    """Rounds (one period of a scheme) with their ranking; ``publish`` it."""

    queryset = AssessmentRound.objects.order_by("-period_start", "id")
    serializer_class = AssessmentRoundSerializer
    prefetch_related = ("assessments__region", "assessments__department")
    permission_classes = [ActionPermission]
    action_permissions = {"publish": ["assessment.change_assessmentround"]}
    filterset_fields = ["scheme", "state"]

    def get_serializer_class(self):
        return RoundPublishSerializer if self.action == "publish" else AssessmentRoundSerializer

    @extend_schema(request=RoundPublishSerializer, responses=AssessmentRoundSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        rnd = self.get_object()
        ser = RoundPublishSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        version = data.pop("version", None)
        services.publish_round(rnd, actor=request.user, expected_version=version, **data)
        rnd = AssessmentRound.objects.prefetch_related("assessments__region", "assessments__department").get(pk=rnd.pk)
        return Response(AssessmentRoundSerializer(rnd, context=self.get_serializer_context()).data)


class AssessmentViewSet(ScopedReadOnlyViewSet):
    """Assessments of the units in the caller's scope, with their score lines and adjustments."""

    queryset = Assessment.objects.order_by("-round__period_start", "round_id", "region_path", "id")
    serializer_class = AssessmentSerializer
    select_related = ("region", "department", "round__scheme")
    prefetch_related = ("lines__item", "adjustments")
    permission_classes = [ActionPermission]
    action_permissions = {name: ["assessment.change_assessment"] for name in
                          ("submit_self", "assess", "return_", "adjust")}
    filterset_fields = ["round", "state"]

    def get_serializer_class(self):
        return {"submit_self": AssessmentScoreSerializer, "assess": AssessmentScoreSerializer, "return_": AssessmentReasonSerializer,
                "adjust": AssessmentAdjustSerializer}.get(self.action, AssessmentSerializer)

    def _answer(self, obj):
        obj = self.get_queryset().get(pk=obj.pk)
        return Response(AssessmentSerializer(obj, context=self.get_serializer_context()).data)

    def _score(self, request, step):
        assessment = self.get_object()
        ser = AssessmentScoreSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        manual = {int(k): (v.get("points"), str(v.get("note", ""))) for k, v in
                  (ser.validated_data.get("manual") or {}).items() if str(k).isdigit()}
        step(assessment, actor=request.user, manual=manual, comment=ser.validated_data.get("comment", ""),
             expected_version=ser.validated_data.get("version"))
        return self._answer(assessment)

    @extend_schema(request=AssessmentScoreSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"], url_path="submit-self")
    def submit_self(self, request, pk=None):
        return self._score(request, services.submit_self)

    @extend_schema(request=AssessmentScoreSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None):
        return self._score(request, services.assess)

    @extend_schema(request=AssessmentReasonSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        assessment = self.get_object()
        ser = AssessmentReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.return_assessment(assessment, actor=request.user, reason=ser.validated_data["reason"],
                                   expected_version=ser.validated_data.get("version"))
        return self._answer(assessment)

    @extend_schema(request=AssessmentAdjustSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def adjust(self, request, pk=None):
        assessment = self.get_object()
        ser = AssessmentAdjustSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        services.add_adjustment(assessment, actor=request.user, kind=data["kind"], points=data["points"],
                                reason=data["reason"], expected_version=data.get("version"))
        return self._answer(assessment)
