"""The major hazard source API: the evaluate calculator, the registry (CRUD, state changes,
events, history, xlsx export), substances, responsible persons and their checks.

Every write goes through ``anjian.majorhazards.services`` (row lock, right check, version,
event, re-evaluation). Sources outside the caller's jurisdiction are not found (404).
"""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response
from rest_framework.views import APIView

from anjian.core.api import (
    EventSerializer,
    HistoryActionMixin,
    RoleModelPermissions,
    ScopedReadOnlyViewSet,
    ScopedRelatedFieldsMixin,
    ScopedViewSet,
)
from anjian.core.api_fields import EnumField, ModelSerializer, Serializer
from anjian.core.exports import api_export_response
from anjian.core.services import events_for
from anjian.enterprises.models import Enterprise
from anjian.hazards.models import Hazard
from anjian.security.auth import CachedApiTokenAuthentication

from . import services
from .calculation import MAX_POPULATION, MAX_SUBSTANCES, EvaluationError, evaluate_request
from .choices import PersonRole, SourceState
from .exports import export_filename, export_registry
from .filters import MajorHazardSourceFilter
from .models import (
    MajorHazardSource,
    NamedChemical,
    ResponsibleCheck,
    ResponsiblePerson,
    SourceEvaluation,
    SourceSubstance,
)

# --- the calculator ---------------------------------------------------------------------------

EVALUATE_EXAMPLE = {"population_500m": 120, "substances": [
    {"cas": "7782-50-5", "name": "氯", "quantity_t": 40},
    {"hazard_class": "W5.3", "name": "某溶剂", "quantity_t": 300}]}


class EvaluateView(APIView):
    """POST /api/major-hazard-sources/evaluate — identify and grade a unit (GB 18218-2018).

    Body: ``population_500m`` (integer ≥ 0: residents within 500 m outside the plant boundary)
    and ``substances`` (each: ``cas``, ``name`` and/or ``hazard_class`` — a Table-2 symbol or a
    list of symbols — and ``quantity_t``, the design maximum quantity in tonnes, ≥ 0).
    A substance is found by CAS, else by name or alias (Table 1), else by hazard class (Table 2).

    Answer: ``S`` (Σ q/Q), ``is_major`` (S ≥ 1), ``alpha``, ``R`` (α·Σ β·q/Q — given even when
    S < 1), ``grade`` (1–4, 1 gravest; null when S < 1: only a major hazard source is graded),
    the table version used and per-substance ``items`` (Q, beta, q_over_Q, what it matched).
    An unknown substance or bad value is a 400 naming the substance index and field, e.g.
    ``{"substances": {"1": {"hazard_class": ["未知的危险性类别 W9.9"]}}}``. Open to any
    authenticated user (session or token); reads no database beyond authentication.
    """

    # Token (cached per process, see auth.py) or the session of a logged-in page.
    authentication_classes = [CachedApiTokenAuthentication, SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=inline_serializer("MajorHazardEvaluateRequest", {
            "population_500m": serializers.IntegerField(min_value=0, max_value=MAX_POPULATION),
            "substances": serializers.ListField(child=serializers.DictField(), max_length=MAX_SUBSTANCES),
        }),
        responses={200: inline_serializer("MajorHazardEvaluation", {
            "S": serializers.FloatField(), "is_major": serializers.BooleanField(),
            "alpha": serializers.FloatField(), "R": serializers.FloatField(),
            "grade": serializers.IntegerField(allow_null=True), "table": serializers.DictField(),
            "population_500m": serializers.IntegerField(),
            "items": serializers.ListField(child=serializers.DictField()),
        })},
        examples=[OpenApiExample("Chlorine and a solvent", value=EVALUATE_EXAMPLE, request_only=True)],
    )
    def post(self, request):
        try:
            result = evaluate_request(request.data)
        except EvaluationError as exc:
            return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
        # Serialised here rather than through DRF's content negotiation and renderer: the answer is
        # always JSON, and this is the hot path of the endpoint (bench/majorhazards_evaluate.py).
        return HttpResponse(json.dumps(result.as_dict(), ensure_ascii=False, separators=(",", ":")),
                            content_type="application/json")


# --- serializers --------------------------------------------------------------------------------

class SubstanceSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    chemical = serializers.PrimaryKeyRelatedField(queryset=NamedChemical.objects.all(), required=False,
                                                  allow_null=True)
    chemical_seq = serializers.IntegerField(source="chemical.seq", read_only=True, default=None)

    class Meta:
        model = SourceSubstance
        fields = ["id", "source", "chemical", "chemical_seq", "name", "cas", "hazard_class", "quantity_t",
                  "is_voided"]
        read_only_fields = ["is_voided"]
        extra_kwargs = {"name": {"required": False}}


class NestedSubstanceSerializer(SubstanceSerializer):
    class Meta(SubstanceSerializer.Meta):
        fields = ["id", "chemical", "chemical_seq", "name", "cas", "hazard_class", "quantity_t"]


class PersonSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    role = EnumField(PersonRole, enum_name="MajorHazardPersonRoleEnum")
    class Meta:
        model = ResponsiblePerson
        fields = ["id", "source", "role", "name", "position", "phone", "user", "appointed_on", "ended_on"]
        read_only_fields = ["ended_on"]


class CheckSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    hazards = serializers.PrimaryKeyRelatedField(queryset=Hazard.objects.all(), many=True, required=False)
    person = serializers.PrimaryKeyRelatedField(queryset=ResponsiblePerson.objects.all(), required=False)
    person_name = serializers.CharField(source="person.name", read_only=True)
    role = EnumField(PersonRole, enum_name="MajorHazardPersonRoleEnum")

    class Meta:
        model = ResponsibleCheck
        fields = ["id", "source", "role", "person", "person_name", "checked_on", "findings", "hazards", "is_voided"]
        read_only_fields = ["is_voided"]
        extra_kwargs = {"checked_on": {"required": False}}


class SourceSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    substances = serializers.SerializerMethodField()
    persons = serializers.SerializerMethodField()
    new_substances = NestedSubstanceSerializer(many=True, write_only=True, required=False, source="substances_in")
    version = serializers.IntegerField(required=False)

    class Meta:
        model = MajorHazardSource
        fields = ["id", "number", "name", "enterprise", "enterprise_name", "unit_kind", "address", "longitude",
                  "latitude", "population_500m", "description", "s_value", "alpha", "r_value", "grade", "is_major",
                  "evaluated_at", "state", "version", "is_voided", "created_at", "substances", "persons",
                  "new_substances"]
        read_only_fields = ["number", "s_value", "alpha", "r_value", "grade", "is_major", "evaluated_at", "state",
                            "is_voided", "created_at"]

    def get_substances(self, obj) -> list[dict]:
        return [NestedSubstanceSerializer(s).data for s in obj.substances.all() if not s.is_voided]

    def get_persons(self, obj) -> list[dict]:
        return [{"id": p.id, "role": p.role, "name": p.name, "position": p.position, "phone": p.phone,
                 "appointed_on": p.appointed_on} for p in obj.persons.all() if p.ended_on is None]


def _substance_data(validated: dict) -> dict:
    data = {k: v for k, v in validated.items() if k in services.SUBSTANCE_FIELDS}
    return data


# --- viewsets -----------------------------------------------------------------------------------

class StateSerializer(Serializer):
    to_state = serializers.ChoiceField(choices=SourceState.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class EvaluationSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    table_label = serializers.CharField(source="table.__str__", read_only=True)

    class Meta:
        model = SourceEvaluation
        fields = ["id", "table", "table_label", "inputs", "items", "s_value", "alpha", "r_value", "grade",
                  "is_major", "reason", "evaluated_at", "evaluated_by"]


class MajorHazardSourceViewSet(HistoryActionMixin, ScopedViewSet):
    """The registry: sources in the caller's jurisdiction; writes through the services."""

    queryset = MajorHazardSource.objects.all()
    serializer_class = SourceSerializer
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = MajorHazardSourceFilter
    ordering_fields = ["id", "grade", "s_value", "r_value", "number"]
    select_related = ("enterprise",)
    prefetch_related = ("substances__chemical", "persons")
    void_service = staticmethod(services.void_source)

    def get_queryset(self):
        return super().get_queryset().filter(is_voided=False)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        enterprise = data.pop("enterprise")
        subs = [_substance_data(s) for s in data.pop("substances_in", [])]
        data.pop("version", None)
        serializer.instance = services.create_source(actor=self.request.user, enterprise=enterprise,
                                                     data=data, substances=subs)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        if "enterprise" in data and data.pop("enterprise").pk != serializer.instance.enterprise_id:
            raise serializers.ValidationError({"enterprise": [_("The enterprise of a source cannot change.")]})
        if data.pop("substances_in", None):
            raise serializers.ValidationError({"new_substances": [_("Add substances through their own endpoint.")]})
        serializer.instance = services.update_source(serializer.instance, actor=self.request.user, data=data,
                                                     version=version)

    def update(self, request, *args, **kwargs):
        # Answer the source as re-read after the write, with its fresh evaluation.
        response = super().update(request, *args, **kwargs)
        fresh = self.get_queryset().get(pk=kwargs["pk"])
        response.data = self.get_serializer(fresh).data
        return response

    @action(detail=True, methods=["post"], serializer_class=StateSerializer)
    def transition(self, request, pk=None):
        source = self.get_object()
        ser = StateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.change_state(source, actor=request.user, **ser.validated_data)
        return Response(SourceSerializer(self.get_queryset().get(pk=source.pk), context={"request": request}).data)

    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        rows = [{"action": e.action, "at": e.at, "actor": (e.actor.name or e.actor.get_username()) if e.actor else None,
                 "from_state": e.from_state, "to_state": e.to_state, "comment": e.comment, "data": e.data}
                for e in events_for(self.get_object())]
        return Response(EventSerializer(rows, many=True).data)

    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def evaluations(self, request, pk=None):
        source = self.get_object()
        rows = SourceEvaluation.objects.filter(source=source).select_related("table")[:100]
        return Response(EvaluationSerializer(rows, many=True).data)

    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def export(self, request):
        return api_export_response(lambda: export_registry(request.user, request.query_params),
                                   export_filename())


class SourceSubstanceViewSet(ScopedViewSet):
    """Substances of sources; every change re-evaluates the source."""

    queryset = SourceSubstance.objects.all()
    serializer_class = SubstanceSerializer
    select_related = ("chemical",)
    filterset_fields = ["source"]

    def get_queryset(self):
        return super().get_queryset().filter(source__is_voided=False)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        source = data.pop("source")
        serializer.instance = services.add_substance(source, actor=self.request.user, data=_substance_data(data),
                                                     version=self.request.data.get("version"))

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if "source" in data and data.pop("source").pk != serializer.instance.source_id:
            raise serializers.ValidationError({"source": [_("A substance cannot move to another source.")]})
        serializer.instance = services.update_substance(serializer.instance, actor=self.request.user,
                                                        data=_substance_data(data),
                                                        version=self.request.data.get("version"))

    def destroy(self, request, *args, **kwargs):
        obj = self.get_object()
        reason = (request.data or {}).get("reason") or request.query_params.get("reason", "")
        services.void_substance(obj, actor=request.user, reason=reason)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ResponsiblePersonViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """The three 包保责任人 per source. POST appoints (ending the current holder of the role);
    POST …/{id}/end/ ends an appointment without a successor."""

    queryset = ResponsiblePerson.objects.all()
    serializer_class = PersonSerializer
    permission_classes = [permissions.IsAuthenticated, RoleModelPermissions]
    filterset_fields = ["source", "role"]

    def get_queryset(self):
        return super().get_queryset().order_by("source", "role", "-appointed_on", "-id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        source = data.pop("source")
        serializer.instance = services.appoint_person(source, actor=self.request.user, data=data)

    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        ended_on = serializers.DateField(required=False, allow_null=True).run_validation(
            request.data.get("ended_on") or None)
        person = services.end_person(self.get_object(), actor=request.user, ended_on=ended_on)
        return Response(PersonSerializer(person).data)


class ResponsibleCheckViewSet(ScopedViewSet):
    """Checks done by the responsible persons (e.g. the technical person's quarterly check)."""

    queryset = ResponsibleCheck.objects.all()
    serializer_class = CheckSerializer
    select_related = ("person",)
    prefetch_related = ("hazards",)
    filterset_fields = ["source", "role"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        source = data.pop("source")
        hazards = data.pop("hazards", [])
        serializer.instance = services.record_check(source, actor=self.request.user, data=data, hazards=hazards)


