"""Hazard statistics API (mounted under /api/hazard-statistics/): the statistics table as JSON,
and the same table as an xlsx file. Filters are the ledger's (``HazardFilter``), plus
``group_by`` (region, industry, grade, source, state, month)."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from rest_framework import permissions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from anjian.core.api_fields import Serializer
from anjian.core.downloads import XLSX, xlsx_response

from .filters import HazardFilter
from .models import Hazard
from .selectors import COUNT_COLUMNS, DIMENSIONS, RATE_COLUMNS, StatisticsTable, hazard_statistics


def statistics_xlsx(table: StatisticsTable) -> bytes:
    """The statistics table as an xlsx workbook: one row per group and the total row, counts
    as numbers and rates as percentages (empty where the denominator is 0)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_("Hazard statistics")[:31])
    bold = Font(bold=True)

    def header(value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(ws, value=value)
        cell.font = bold
        return cell

    ws.append([header(table.dimension), *[header(str(h)) for h in COUNT_COLUMNS.values()],
               *[header(str(h)) for _n, _d, h in RATE_COLUMNS.values()]])
    for row in [*table.rows, table.total]:
        cells: list = [WriteOnlyCell(ws, value=row.label)]
        cells += [WriteOnlyCell(ws, value=row.counts[name]) for name in COUNT_COLUMNS]
        for name in RATE_COLUMNS:
            cell = WriteOnlyCell(ws, value=row.rates[name])
            cell.number_format = "0.0%"
            cells.append(cell)
        if row is table.total:
            for cell in cells:
                cell.font = bold
        ws.append(cells)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def statistics_filename(group_by: str) -> str:
    return f"hazard-statistics-{group_by}-{timezone.localdate():%Y%m%d}.xlsx"



@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": True,
                      "description": "The group: a code or state (string), an id (integer), \"total\"."})
class GroupKeyField(serializers.Field):
    """A statistics group's key as the table holds it (a code, a state, an id)."""

    def to_representation(self, value):
        return value


class StatisticsRowSerializer(Serializer):
    """One group (or the total): counts and rates (fractions 0…1, null when undefined)."""

    key = GroupKeyField(read_only=True)
    label = serializers.CharField()
    code = serializers.CharField(required=False, help_text="Region code of a region group (to drill down).")
    total = serializers.IntegerField()
    reported = serializers.IntegerField()
    rectifying = serializers.IntegerField()
    rectified = serializers.IntegerField(help_text="Rectified, awaiting acceptance.")
    accepted = serializers.IntegerField()
    closed = serializers.IntegerField()
    overdue = serializers.IntegerField()
    done = serializers.IntegerField(help_text="accepted + closed")
    on_time = serializers.IntegerField(help_text="Done, and rectified on or before the deadline.")
    major = serializers.IntegerField()
    major_done = serializers.IntegerField()
    listed = serializers.IntegerField(help_text="Major hazards ever under listed supervision.")
    delisted = serializers.IntegerField(help_text="Of those, no longer listed.")
    delisted_on_time = serializers.IntegerField(help_text="Of those, delisted on or before the listing's deadline.")
    rectification_rate = serializers.FloatField(allow_null=True, help_text="整改率 = done / total")
    on_time_rate = serializers.FloatField(allow_null=True, help_text="按期整改率 = on_time / done")
    major_rate = serializers.FloatField(allow_null=True, help_text="重大隐患整改率 = major_done / major")
    listing_rate = serializers.FloatField(allow_null=True, help_text="挂牌督办完成率 = delisted_on_time / listed")


class StatisticsSerializer(Serializer):
    group_by = serializers.CharField()
    dimension = serializers.CharField()
    rows = StatisticsRowSerializer(many=True)
    total = StatisticsRowSerializer()


GROUP_BY_PARAM = OpenApiParameter("group_by", str, enum=list(DIMENSIONS), default="region",
                                  description="Dimension of the rows: the child regions of your jurisdiction "
                                              "(or of the region filter), industry, grade, source, state or "
                                              "month found.")


class _StatisticsBase(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    # For the schema only (the selector applies HazardFilter itself): the ledger's filters apply.
    queryset = Hazard.objects.none()
    filter_backends = [DjangoFilterBackend]
    filterset_class = HazardFilter
    pagination_class = None

    def table(self, request) -> StatisticsTable:
        group_by = request.query_params.get("group_by") or "region"
        return hazard_statistics(request.user, group_by=group_by, filters=request.query_params)


class HazardStatisticsView(_StatisticsBase):
    """Counts and rates of the hazards in your jurisdiction, grouped by one dimension (one
    grouped query). Definitions: see the fields; the total row sums the groups."""

    @extend_schema(operation_id="hazard_statistics", parameters=[GROUP_BY_PARAM], filters=True,
                   responses={200: StatisticsSerializer, 400: OpenApiResponse(description="Invalid filter.")},
                   tags=["hazards"])
    def get(self, request):
        try:
            table = self.table(request)
        except ValidationError as exc:
            return Response(exc.message_dict, status=400)
        return Response(table.as_dict())


class HazardStatisticsExportView(_StatisticsBase):
    """The statistics table (same parameters) as an xlsx file."""

    @extend_schema(operation_id="hazard_statistics_export", parameters=[GROUP_BY_PARAM], filters=True,
                   responses={(200, XLSX): OpenApiTypes.BINARY,
                              400: OpenApiResponse(description="Invalid filter.")},
                   tags=["hazards"])
    def get(self, request):
        try:
            table = self.table(request)
        except ValidationError as exc:
            return Response(exc.message_dict, status=400)
        return xlsx_response(statistics_xlsx(table), statistics_filename(table.group_by))


urlpatterns = [
    path("", HazardStatisticsView.as_view(), name="api-hazard-statistics"),
    path("export/", HazardStatisticsExportView.as_view(), name="api-hazard-statistics-export"),
]
