"""The warnings API routes (the inbox), mounted under /api/ by the project URLconf."""

from rest_framework.routers import SimpleRouter

from .api import WarningViewSet

router = SimpleRouter()
router.register("warnings", WarningViewSet, basename="warning")
urlpatterns = [*router.urls]
