"""API routes of the enforcement app, mounted under /api/ by the project URLconf."""

from rest_framework.routers import SimpleRouter

from .api import CertificateViewSet, ConflictViewSet, ExpertViewSet
from .api_cases import AdmonitionViewSet, CaseViewSet, ViolationViewSet
from .api_draws import DrawEntryViewSet, DrawViewSet
from .api_inspections import EnforcementDocumentViewSet, EnforcementInspectionViewSet, LeaderRotationViewSet
from .api_plans import PlanEntryViewSet, PlanViewSet

router = SimpleRouter()
router.register("enforcement-experts", ExpertViewSet, basename="enforcement-expert")
router.register("enforcement-certificates", CertificateViewSet, basename="enforcement-certificate")
router.register("enforcement-conflicts", ConflictViewSet, basename="enforcement-conflict")
router.register("enforcement-plans", PlanViewSet, basename="enforcement-plan")
router.register("enforcement-plan-entries", PlanEntryViewSet, basename="enforcement-plan-entry")
router.register("enforcement-draws", DrawViewSet, basename="enforcement-draw")
router.register("enforcement-draw-entries", DrawEntryViewSet, basename="enforcement-draw-entry")
router.register("enforcement-cases", CaseViewSet, basename="enforcement-case")
router.register("enforcement-violations", ViolationViewSet, basename="enforcement-violation")
router.register("enforcement-admonitions", AdmonitionViewSet, basename="enforcement-admonition")
router.register("enforcement-inspections", EnforcementInspectionViewSet, basename="enforcement-inspection")
router.register("enforcement-documents", EnforcementDocumentViewSet, basename="enforcement-document")
router.register("enforcement-rotations", LeaderRotationViewSet, basename="enforcement-rotation")

urlpatterns = router.urls
