"""API routes of this app, mounted under /api/ by the project URLconf."""

from rest_framework.routers import SimpleRouter

from .api import EnterpriseApiKeyViewSet, HazardViewSet, ListedSupervisionViewSet, RectificationNoticeViewSet

router = SimpleRouter()
router.register("hazards", HazardViewSet, basename="hazard")
router.register("listed-supervisions", ListedSupervisionViewSet, basename="listed-supervision")
router.register("rectification-notices", RectificationNoticeViewSet, basename="rectification-notice")
router.register("enterprise-api-keys", EnterpriseApiKeyViewSet, basename="enterprise-api-key")
urlpatterns = [*router.urls]
