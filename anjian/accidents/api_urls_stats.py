"""API routes of the accident statistics and the regional yearly figures (the figures' viewset
lives in the regions app, beside its model)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from anjian.regions.api_figures import RegionYearFigureImportView, RegionYearFigureViewSet

from .api_stats import AccidentStatisticsExportView, AccidentStatisticsView

router = SimpleRouter()
router.register("region-figures", RegionYearFigureViewSet, basename="region-figure")

urlpatterns: list = [
    path("accident-statistics/", AccidentStatisticsView.as_view(), name="api-accident-statistics"),
    path("accident-statistics/export/", AccidentStatisticsExportView.as_view(),
         name="api-accident-statistics-export"),
    # Before the router: "import" would otherwise be read as a figure's id.
    path("region-figures/import/", RegionYearFigureImportView.as_view(), name="api-region-figures-import"),
    path("", include(router.urls)),
]
