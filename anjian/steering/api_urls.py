"""API routes of the committee office, mounted under /api/ by the project URLconf (all under
``steering/``)."""

from rest_framework.routers import SimpleRouter

from .api import MonthlyReportViewSet, TourFindingViewSet, TourViewSet, UnitViewSet

router = SimpleRouter()
router.register("steering/units", UnitViewSet, basename="steering-unit")
router.register("steering/monthly-reports", MonthlyReportViewSet, basename="steering-monthly-report")
router.register("steering/tours", TourViewSet, basename="steering-tour")
router.register("steering/tour-findings", TourFindingViewSet, basename="steering-tour-finding")

urlpatterns = router.urls
