"""Cross-cutting API routes (warnings inbox), mounted under /api/ by the project URLconf."""

from rest_framework.routers import SimpleRouter

from .api_warnings import WarningViewSet

router = SimpleRouter()
router.register("warnings", WarningViewSet, basename="warning")
urlpatterns = [*router.urls]
