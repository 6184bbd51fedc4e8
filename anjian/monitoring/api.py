"""The monitoring API: monitored sources (with the sensor list's import and export), sensors (CRUD
through the services, their trend), readings, alarms (with their steps), refused-reading counts,
and the HTTP batch ingest for enterprise systems that cannot speak MQTT.

Everything is read through the core.api Scoped* bases (another jurisdiction's record is a 404);
every write goes through ``anjian.monitoring.services``."""

from __future__ import annotations

import django_filters
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from anjian.core.api import (
    AvailableActionsField,
    ScopedGenericViewSet,
    ScopedReadOnlyViewSet,
    ScopedRelatedFieldsMixin,
    ScopedViewSet,
)
from anjian.core.api_fields import ModelSerializer, Serializer
from anjian.core.filters import BaseFilterSet
from anjian.core.imports import import_upload
from anjian.core.pages import scoped_list, scoped_object_or_404
from anjian.core.scoping import ENTERPRISE, scope_of
from anjian.hazards.auth import EnterpriseApiKeyAuthentication
from anjian.majorhazards.models import MajorHazardSource
from anjian.risks.models import RiskPoint

from . import services
from .choices import ALARM_MACHINE, AlarmKind, AlarmState, Channel, ConnectionState, FacilityType, SensorKind
from .imports import export_sensors
from .ingest import decode_http, store
from .models import Alarm, BadInputCount, MonitoredSource, Reading, Sensor
from .policy import policy
from .selectors import SPANS, trend

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The most readings one HTTP batch may carry.
MAX_BATCH = 5000


# --- filters ----------------------------------------------------------------------------------------

class SensorFilter(BaseFilterSet):
    source = django_filters.NumberFilter(field_name="source_id")
    kind = django_filters.ChoiceFilter(choices=SensorKind.choices)
    offline = django_filters.BooleanFilter(field_name="is_offline")

    class Meta:
        model = Sensor
        fields: list[str] = []


class ReadingFilter(BaseFilterSet):
    sensor = django_filters.NumberFilter(field_name="sensor_id")
    since = django_filters.IsoDateTimeFilter(field_name="ts", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="ts", lookup_expr="lt")

    class Meta:
        model = Reading
        fields: list[str] = []


class AlarmFilter(BaseFilterSet):
    source = django_filters.NumberFilter(field_name="source_id")
    sensor = django_filters.NumberFilter(field_name="sensor_id")
    state = django_filters.ChoiceFilter(choices=AlarmState.choices)
    kind = django_filters.ChoiceFilter(choices=AlarmKind.choices)

    class Meta:
        model = Alarm
        fields: list[str] = []


class MonitoredSourceFilter(BaseFilterSet):
    connection = django_filters.ChoiceFilter(choices=ConnectionState.choices)

    class Meta:
        model = MonitoredSource
        fields: list[str] = []


# --- serializers -----------------------------------------------------------------------------------

class MonitoredSourceSerializer(ModelSerializer):
    source_number = serializers.CharField(source="source.number", read_only=True)
    source_name = serializers.CharField(source="source.name", read_only=True)

    class Meta:
        model = MonitoredSource
        fields = ["id", "source", "source_number", "source_name", "enterprise", "facility_type", "connection",
                  "connected_at", "last_reading_at", "version"]
        read_only_fields = fields


class SensorSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    source = serializers.PrimaryKeyRelatedField(queryset=MajorHazardSource.objects.all())
    risk_point = serializers.PrimaryKeyRelatedField(queryset=RiskPoint.objects.all(), required=False,
                                                    allow_null=True)
    version = serializers.IntegerField(required=False)
    topic = serializers.SerializerMethodField()

    class Meta:
        model = Sensor
        fields = ["id", "source", "risk_point", "code", "name", "kind", "unit", "range_min", "range_max", "system",
                  "tag", "period_seconds", "high_high", "high", "low", "low_low", "hysteresis",
                  "min_duration_seconds", "last_value", "last_reading_at", "is_offline", "version", "is_voided",
                  "topic"]
        read_only_fields = ["last_value", "last_reading_at", "is_offline", "is_voided"]

    def get_topic(self, obj) -> str:
        return f"anjian/{obj.enterprise_id}/{obj.source_id}/{obj.code}"


class ReadingSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    class Meta:
        model = Reading
        fields = ["sensor", "ts", "value"]


class AlarmSerializer(ModelSerializer):
    sensor_code = serializers.CharField(source="sensor.code", read_only=True, default=None)
    available_actions = AvailableActionsField(ALARM_MACHINE, policy)

    class Meta:
        model = Alarm
        fields = ["id", "number", "kind", "source", "sensor", "sensor_code", "limit", "threshold", "state",
                  "breach_started_at", "opened_at", "first_value", "peak_value", "cleared_at", "escalated_at",
                  "acknowledged_at", "disposed_at", "disposal", "closed_at", "hazard", "version",
                  "available_actions"]
        read_only_fields = fields


class BadInputSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    class Meta:
        model = BadInputCount
        fields = ["enterprise", "day", "reason", "channel", "count", "last_example", "last_at"]


class StepSerializer(Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class HazardStepSerializer(Serializer):
    deadline = serializers.DateField()
    description = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class FacilityTypeSerializer(Serializer):
    facility_type = serializers.ChoiceField(choices=FacilityType.choices)
    version = serializers.IntegerField(required=False)


# --- viewsets ---------------------------------------------------------------------------------------

class MonitoredSourceViewSet(ScopedReadOnlyViewSet):
    """Monitored major hazard sources in the caller's jurisdiction, their facility type and connection."""

    queryset = MonitoredSource.objects.all()
    serializer_class = MonitoredSourceSerializer
    select_related = ("source",)
    filter_backends = [DjangoFilterBackend]
    filterset_class = MonitoredSourceFilter

    @action(detail=True, methods=["post"], url_path="facility-type", serializer_class=FacilityTypeSerializer,
            permission_classes=[permissions.IsAuthenticated])
    def facility_type(self, request, pk=None):
        monitored = self.get_object()
        policy.require(request.user, "set_facility_type", monitored)  # the right before the input
        ser = FacilityTypeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        done = services.set_facility_type(monitored, actor=request.user, facility_type=ser.validated_data["facility_type"],
                                          version=ser.validated_data.get("version"))
        return Response(MonitoredSourceSerializer(done).data)

    @action(detail=True, methods=["get"], url_path="sensors-export")
    def sensors_export(self, request, pk=None):
        monitored = self.get_object()
        sensors = scoped_list(request, Sensor, monitored=monitored).order_by("kind", "code")
        response = HttpResponse(export_sensors(sensors), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="sensors-{monitored.source.number}.xlsx"'
        return response

    @action(detail=True, methods=["post"], url_path="sensors-import", parser_classes=[MultiPartParser],
            permission_classes=[permissions.IsAuthenticated])
    def sensors_import(self, request, pk=None):
        monitored = self.get_object()
        policy.require(request.user, "import_sensors", monitored)  # the right before the file
        report = import_upload(request, lambda f, name, actor: services.import_sensors(
            f, name, actor=actor, source=monitored.source))
        body = {**report.as_dict(), "updated": getattr(report, "updated", 0)}
        return Response(body, status=status.HTTP_201_CREATED if report.ok else status.HTTP_400_BAD_REQUEST)


class SensorViewSet(ScopedViewSet):
    """Sensors of the major hazard sources in the caller's jurisdiction; writes through the services."""

    queryset = Sensor.objects.all()
    serializer_class = SensorSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = SensorFilter

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        source = data.pop("source")
        data.pop("version", None)
        serializer.instance = services.create_sensor(actor=self.request.user, source=source, data=data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        if "source" in data and data.pop("source").pk != serializer.instance.source_id:
            raise serializers.ValidationError({"source": [_("A sensor cannot move to another source.")]})
        serializer.instance = services.update_sensor(serializer.instance, actor=self.request.user, data=data,
                                                     version=version)

    def void_service(self, obj, *, actor, reason):
        return services.void_sensor(obj, actor=actor, reason=reason)

    @extend_schema(responses={200: inline_serializer("SensorTrend", {
        "sensor": serializers.IntegerField(), "span": serializers.CharField(), "grain": serializers.CharField(),
        "unit": serializers.CharField(), "points": serializers.ListField(), "limits": serializers.DictField()})})
    @action(detail=True, methods=["get"])
    def trend(self, request, pk=None):
        """The sensor's chart: ``?span=1h`` (raw), ``24h`` (minute rollups), ``7d`` or ``30d`` (hour
        rollups); each point is [time, mean, min, max]."""
        span = request.query_params.get("span", "24h")
        if span not in SPANS:
            return Response({"span": [_("Choose one of: %(spans)s.") % {"spans": ", ".join(SPANS)}]},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(trend(request.user, self.get_object(), span))


class ReadingViewSet(mixins.ListModelMixin, ScopedGenericViewSet):
    """Stored readings of the caller's sensors, newest first (``?sensor=``, ``since``, ``until``)."""

    queryset = Reading.objects.all()
    serializer_class = ReadingSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReadingFilter

    def get_queryset(self):
        return super().get_queryset().order_by("sensor_id", "-ts")


class AlarmViewSet(ScopedReadOnlyViewSet):
    """Alarms in the caller's jurisdiction, with the steps a person takes on them."""

    queryset = Alarm.objects.all()
    serializer_class = AlarmSerializer
    select_related = ("sensor",)
    filter_backends = [DjangoFilterBackend]
    filterset_class = AlarmFilter

    def _step(self, request, action: str, serializer_class, do):
        alarm = self.get_object()
        policy.require(request.user, action, alarm)  # the right before the input
        ser = serializer_class(data=request.data)
        ser.is_valid(raise_exception=True)
        done = do(alarm, ser.validated_data)
        return Response(AlarmSerializer(done, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["post"], serializer_class=StepSerializer,
            permission_classes=[permissions.IsAuthenticated])
    def acknowledge(self, request, pk=None):
        return self._step(request, "acknowledge", StepSerializer, lambda a, d: services.acknowledge(
            a, actor=request.user, comment=d["comment"], version=d.get("version")))

    @action(detail=True, methods=["post"], serializer_class=StepSerializer,
            permission_classes=[permissions.IsAuthenticated])
    def dispose(self, request, pk=None):
        return self._step(request, "dispose", StepSerializer, lambda a, d: services.dispose(
            a, actor=request.user, comment=d["comment"], version=d.get("version")))

    @action(detail=True, methods=["post"], url_path="raise-hazard", serializer_class=HazardStepSerializer,
            permission_classes=[permissions.IsAuthenticated])
    def raise_hazard(self, request, pk=None):
        return self._step(request, "raise_hazard", HazardStepSerializer, lambda a, d: services.raise_hazard(
            a, actor=request.user, deadline=d["deadline"], description=d["description"], version=d.get("version")))


class BadInputViewSet(mixins.ListModelMixin, ScopedGenericViewSet):
    """Refused readings per enterprise, day, reason and channel (with the last example)."""

    queryset = BadInputCount.objects.all()
    serializer_class = BadInputSerializer


class IngestView(APIView):
    """POST /api/monitoring/ingest/ — readings from an enterprise system (the HTTP batch).

    Authenticated with the enterprise's system key (``Authorization: Api-Key <secret>``, issued
    under 企业系统对接密钥) or as one of its users; the readings name the enterprise's own sensors
    by code: ``{"readings": [{"sensor": "LT-101", "ts": "2026-12-07T10:00:00+08:00", "v": 12.5,
    "unit": "m"}, …]}`` (at most 5,000). A reading stored before (same sensor and time) is counted
    as a duplicate, not stored again; refused readings are counted by reason (and visible to the
    enterprise and its regulators); the rest are stored. Answers 200 with the counts, 400 when the
    body is not a batch, 403 for a caller that is not an enterprise's."""

    authentication_classes = [*api_settings.DEFAULT_AUTHENTICATION_CLASSES, EnterpriseApiKeyAuthentication]
    permission_classes = [permissions.IsAuthenticated]
    MAX_READINGS = MAX_BATCH

    @extend_schema(
        request=inline_serializer("ReadingBatch", {"readings": serializers.ListField(
            child=serializers.DictField(), max_length=MAX_BATCH)}),
        responses={200: inline_serializer("IngestResult", {
            "received": serializers.IntegerField(), "stored": serializers.IntegerField(),
            "duplicates": serializers.IntegerField(), "refused": serializers.DictField(),
            "alarms_opened": serializers.IntegerField()})})
    def post(self, request):
        scope = scope_of(request.user)
        if scope.kind != ENTERPRISE:
            return Response({"detail": _("Only an enterprise's system or users send readings.")},
                            status=status.HTTP_403_FORBIDDEN)
        body = request.data
        readings = body.get("readings") if isinstance(body, dict) else None
        if not isinstance(readings, list):
            return Response({"readings": [_("Send a list of readings.")]}, status=status.HTTP_400_BAD_REQUEST)
        if len(readings) > self.MAX_READINGS:
            return Response({"readings": [_("At most %(n)s readings per request.") % {"n": self.MAX_READINGS}]},
                            status=status.HTTP_400_BAD_REQUEST)
        result = store(decode_http(scope.enterprise_id, body), channel=Channel.HTTP)
        return Response(result.as_dict())


def sensor_for(request, pk: int) -> Sensor:
    return scoped_object_or_404(request, Sensor, pk=pk)
