"""API routes of the regional yearly figures (GDP, industrial workers, targets): the viewset and
its import beside the model; the accident statistics read them."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .api_figures import RegionYearFigureImportView, RegionYearFigureViewSet

router = SimpleRouter()
router.register("region-figures", RegionYearFigureViewSet, basename="region-figure")

urlpatterns: list = [
    # Before the router: "import" would otherwise be read as a figure's id.
    path("region-figures/import/", RegionYearFigureImportView.as_view(), name="api-region-figures-import"),
    path("", include(router.urls)),
]
