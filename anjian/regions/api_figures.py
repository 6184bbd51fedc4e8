"""API of the regional yearly figures (mounted at /api/region-figures/ by
regions/api_urls.py): list and read in your jurisdiction; the committee office and
administrators enter (POST: create, or correct the live row of that region and year), correct
(PATCH with ``version``), void (DELETE with a reason) and import (xlsx/CSV, all-or-nothing)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from anjian.core.api import HistoryActionMixin, ScopedRelatedFieldsMixin, ScopedViewSet
from anjian.core.api_fields import ModelSerializer, Serializer
from anjian.core.filters import BaseFilterSet
from anjian.core.imports import import_upload
from anjian.core.paths import subtree_q
from anjian.core.scoping import region_path

from .figures import FIGURE_FIELDS, can_enter_figures, import_region_figures, save_region_figures
from .models import Region, RegionYearFigure


class CanEnterFigures(permissions.BasePermission):
    """Reads: anyone signed in (scoping decides what they see). Writes: ``can_enter_figures``."""

    message = gettext_lazy("You may not enter regional figures.")

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return can_enter_figures(request.user)


class RegionYearFigureSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    region_name = serializers.CharField(source="region.name", read_only=True)
    entered_by = serializers.CharField(source="entered_by.name", read_only=True, default=None)
    version = serializers.IntegerField(required=False, help_text="The version you edited (PATCH): 409 if stale.")

    class Meta:
        model = RegionYearFigure
        fields = ["id", "region", "region_name", "year", *FIGURE_FIELDS, "version", "entered_by", "entered_at",
                  "updated_at", "is_demo"]
        read_only_fields = ["entered_at", "updated_at", "is_demo"]
        validators: list = []  # one live row per region and year: the service upserts

    def create(self, validated_data):
        data = {k: validated_data[k] for k in FIGURE_FIELDS if k in validated_data}
        figure, _created = save_region_figures(actor=self.context["request"].user, region=validated_data["region"],
                                               year=validated_data["year"], data=data)
        return figure

    def update(self, instance, validated_data):
        for name in ("region", "year"):
            if name in validated_data and validated_data[name] != getattr(instance, name):
                raise serializers.ValidationError({name: _("Enter new figures for another region or year.")})
        data = {k: validated_data[k] for k in FIGURE_FIELDS if k in validated_data}
        figure, _created = save_region_figures(actor=self.context["request"].user, region=instance.region,
                                               year=instance.year, data=data,
                                               version=validated_data.get("version"))
        return figure


class RegionYearFigureFilter(BaseFilterSet):
    region = django_filters.CharFilter(method="filter_region", help_text="Division code: the region and below.")
    year = django_filters.NumberFilter()

    class Meta:
        model = RegionYearFigure
        fields = ["region", "year"]

    def filter_region(self, queryset, name, value):
        path = region_path(value.strip())
        return queryset.filter(subtree_q("region_path", path)) if path else queryset.none()


class RegionYearFigureViewSet(HistoryActionMixin, ScopedViewSet):
    """Regional yearly figures (GDP in 亿元, 工矿商贸 employment, 双下降 targets) in your
    jurisdiction. POST for a region and year that already has figures corrects them."""

    queryset = RegionYearFigure.objects.all()
    serializer_class = RegionYearFigureSerializer
    permission_classes = [CanEnterFigures]
    filterset_class = RegionYearFigureFilter
    select_related = ("region", "entered_by")
    ordering_fields = ["year", "region_path"]
    ordering = ["-year", "region_path"]


class FigureImportUploadSerializer(Serializer):
    file = serializers.FileField(help_text="xlsx or csv: 区划代码, 年度, 地区生产总值（亿元）, 工矿商贸就业人员（人）, "
                                           "事故起数控制目标（%）, 死亡人数控制目标（%）, 数据来源, 备注")


class RegionYearFigureImportView(APIView):
    """Import regional yearly figures. Every row is checked first; if any row has an error
    nothing is written and the answer (400) lists every error with its row and column."""

    parser_classes = [MultiPartParser, FormParser]
    permission_classes = [CanEnterFigures]

    @extend_schema(operation_id="region_figures_import", request={"multipart/form-data": FigureImportUploadSerializer},
                   responses={201: dict, 400: dict, 403: OpenApiResponse(description="No right to enter figures.")},
                   tags=["regions"])
    def post(self, request):
        report = import_upload(request, import_region_figures)
        return Response(report.as_dict(), status=status.HTTP_201_CREATED if report.ok else status.HTTP_400_BAD_REQUEST)
