"""API routes of the committee office, mounted under /api/ by the project URLconf (all under
``steering/``)."""

from rest_framework.routers import SimpleRouter

from .api import MonthlyReportViewSet, UnitViewSet

router = SimpleRouter()
router.register("steering/units", UnitViewSet, basename="steering-unit")
router.register("steering/monthly-reports", MonthlyReportViewSet, basename="steering-monthly-report")

urlpatterns = router.urls
