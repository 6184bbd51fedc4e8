from django.contrib import admin

from anjian.core.admin import NoDeleteHistoryAdmin

from .models import Grid, Region, RegionYearFigure


@admin.register(Region)
class RegionAdmin(NoDeleteHistoryAdmin):
    list_display = ["code", "name", "level", "parent", "is_voided", "is_demo"]
    list_filter = ["level", "is_voided", "is_demo"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(Grid)
class GridAdmin(NoDeleteHistoryAdmin):
    list_display = ["code", "name", "township", "officer_name", "officer_phone", "is_voided"]
    search_fields = ["code", "name", "officer_name"]
    raw_id_fields = ["township"]
    list_select_related = ["township"]


@admin.register(RegionYearFigure)
class RegionYearFigureAdmin(NoDeleteHistoryAdmin):
    list_display = ["region", "year", "gdp_100m_yuan", "industrial_employment", "count_target_pct",
                    "deaths_target_pct", "source", "is_voided"]
    list_filter = ["year", "is_voided"]
    search_fields = ["region__name", "region__code", "source"]
    raw_id_fields = ["region"]
    list_select_related = ["region"]
