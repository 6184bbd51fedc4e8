"""API routes of this app, mounted under /api/ by the project URLconf."""

from rest_framework.routers import SimpleRouter

from .api import (
    BlacklistingViewSet,
    CreditRecordKindViewSet,
    CreditRecordViewSet,
    EnterpriseCreditViewSet,
    JointNoticeViewSet,
)

router = SimpleRouter()
router.register("credit-record-kinds", CreditRecordKindViewSet, basename="credit-record-kind")
router.register("credit-records", CreditRecordViewSet, basename="credit-record")
router.register("enterprise-credits", EnterpriseCreditViewSet, basename="enterprise-credit")
router.register("credit-listings", BlacklistingViewSet, basename="credit-listing")
router.register("joint-notices", JointNoticeViewSet, basename="joint-notice")

urlpatterns = router.urls
