"""API routes of this app, mounted under /api/ by the project URLconf."""

from rest_framework.routers import SimpleRouter

from .api import TipRewardViewSet, TipViewSet

router = SimpleRouter()
router.register("public/tips", TipViewSet, basename="public-tip")
router.register("public/rewards", TipRewardViewSet, basename="public-reward")

urlpatterns = router.urls
