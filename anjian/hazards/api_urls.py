"""API routes of this app, mounted under /api/ by the project URLconf."""

from rest_framework.routers import SimpleRouter

from .api_keys import EnterpriseApiKeyViewSet
from .api_ledger import HazardViewSet
from .api_listings import ListedSupervisionViewSet
from .api_notices import RectificationNoticeViewSet
from .api_reports import DualReportViewSet, RecheckViewSet

router = SimpleRouter()
router.register("hazards", HazardViewSet, basename="hazard")
router.register("listed-supervisions", ListedSupervisionViewSet, basename="listed-supervision")
router.register("rectification-notices", RectificationNoticeViewSet, basename="rectification-notice")
router.register("enterprise-api-keys", EnterpriseApiKeyViewSet, basename="enterprise-api-key")
router.register("dual-reports", DualReportViewSet, basename="dual-report")
router.register("rechecks", RecheckViewSet, basename="recheck")
urlpatterns = [*router.urls]
