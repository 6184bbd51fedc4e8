"""Demo regional yearly figures for `anjian demo`: GDP, 工矿商贸 employment and −20 % 双下降
targets of the demo province, cities and counties for the last four years (``is_demo``), so the
accident statistics show their rates and verdicts. Call ``build_demo_figures`` after the demo
regions exist (from the accidents demo); it skips region-years that have figures."""

from __future__ import annotations

import random
from decimal import Decimal

from django.utils import timezone

from .choices import RegionLevel
from .models import Region, RegionYearFigure

BASE_GDP = {RegionLevel.PROVINCE: 60000, RegionLevel.CITY: 6000, RegionLevel.COUNTY: 600}  # 亿元
YEARS = 4


def build_demo_figures(seed: int = 1) -> dict[str, int]:
    """Write the demo figures (bulk); returns {"region_figures": rows written}."""
    rng = random.Random(seed)
    this_year = timezone.localdate().year
    regions = list(Region.objects.filter(is_demo=True, is_voided=False, level__in=list(BASE_GDP)).order_by("path"))
    have = set(RegionYearFigure.objects.filter(region__in=regions, is_voided=False).values_list("region_id", "year"))
    rows = []
    for region in regions:
        base = BASE_GDP[region.level] * rng.uniform(0.6, 1.4)
        for year in range(this_year - YEARS, this_year):
            if (region.pk, year) in have:
                continue
            gdp = Decimal(str(round(base * (1.05 ** (year - this_year + YEARS)), 2)))
            rows.append(RegionYearFigure(
                region=region, region_path=region.path, year=year, gdp_100m_yuan=gdp,
                industrial_employment=int(float(gdp) * rng.uniform(35, 60)),
                count_target_pct=Decimal("-20"), deaths_target_pct=Decimal("-20"),
                source="演示数据（统计年鉴）", is_demo=True))
    RegionYearFigure.objects.bulk_create(rows, batch_size=500)
    return {"region_figures": len(rows)}
