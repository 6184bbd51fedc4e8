from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from anjian.core.health import healthz, readyz
from anjian.core.views_files import attachment_download
from anjian.enterprises.api import EnterpriseViewSet, FeatureTagList, SupervisionViewSet
from anjian.enterprises.api_io import EnterpriseExportView, EnterpriseImportTemplateView, EnterpriseImportView
from anjian.orgs.api import DepartmentViewSet, UserViewSet
from anjian.regions.api import GridViewSet, RegionImportView, RegionViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("grids", GridViewSet, basename="grid")
router.register("departments", DepartmentViewSet, basename="department")
router.register("users", UserViewSet, basename="user")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("supervisions", SupervisionViewSet, basename="supervision")

api_patterns = [
    path("", include("anjian.security.api_urls")),
    # The calculators (…/evaluate) are hot paths: their apps' routes are tried first.
    path("", include("anjian.majorhazards.api_urls")),
    path("", include("anjian.risks.api_urls")),
    path("industries/", include("anjian.enterprises.api_urls")),
    path("feature-tags/", FeatureTagList.as_view(), name="api-feature-tags"),
    path("regions/import/", RegionImportView.as_view(), name="api-region-import"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("enterprises/import/", EnterpriseImportView.as_view(), name="api-enterprise-import"),
    path("enterprises/export/", EnterpriseExportView.as_view(), name="api-enterprise-export"),
    path("enterprises/import-template/", EnterpriseImportTemplateView.as_view(), name="api-enterprise-import-template"),
    path("", include("anjian.standards.api_urls")),
    path("hazard-statistics/", include("anjian.hazards.api_stats")),
    path("", include("anjian.hazards.api_urls")),
    path("", include("anjian.inspections.api_urls")),
    path("", include("anjian.accidents.api_urls")),
    path("", include("anjian.regions.api_urls")),
    path("", include("anjian.monitoring.api_urls")),
    path("", include("anjian.steering.api_urls")),
    path("", include("anjian.alerts.api_urls")),
    path("", include("anjian.assessment.api_urls")),
    path("", include("anjian.enforcement.api_urls")),
    path("", include("anjian.obligations.api_urls")),
    path("", include("anjian.credit.api_urls")),
    path("emergency/", include("anjian.emergency.api_urls")),
    path("occupational/", include("anjian.occupational.api_urls")),
    path("", include("anjian.public.api_urls")),
    path("", include(router.urls)),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("anjian.portal.urls")),
    path("", include("anjian.core.urls")),
    path("regions/", include("anjian.regions.urls")),
    path("orgs/", include("anjian.orgs.urls")),
    path("enterprises/", include("anjian.enterprises.urls")),
    path("standards/", include("anjian.standards.urls")),
    path("hazards/", include("anjian.hazards.urls")),
    path("inspections/", include("anjian.inspections.urls")),
    path("risks/", include("anjian.risks.urls")),
    path("major-hazard-sources/", include("anjian.majorhazards.urls")),
    path("accidents/", include("anjian.accidents.urls")),
    path("monitoring/", include("anjian.monitoring.urls")),
    path("steering/", include("anjian.steering.urls")),
    path("enforcement/", include("anjian.enforcement.urls")),
    path("obligations/", include("anjian.obligations.urls")),
    path("credit/", include("anjian.credit.urls")),
    path("emergency/", include("anjian.emergency.urls")),
    path("occupational/", include("anjian.occupational.urls")),
    path("", include("anjian.public.urls")),
    path("security/", include("anjian.security.urls")),
    path("warnings/", include("anjian.alerts.urls")),
    path("assessment/", include("anjian.assessment.urls")),
    path("files/<int:pk>/", attachment_download, name="attachment"),
]
# MEDIA_ROOT is never served by URL: every attachment goes through the scoped /files/<id>/ view.

# The product's own error pages (anjian/templates/40x.html, 500.html); /api/ answers JSON.
handler400 = "anjian.core.views_errors.bad_request"
handler403 = "anjian.core.views_errors.permission_denied"
handler404 = "anjian.core.views_errors.page_not_found"
handler500 = "anjian.core.views_errors.server_error"
