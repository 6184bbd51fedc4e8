"""API routes of this app, mounted under /api/emergency/ by the project URLconf."""

from rest_framework.routers import SimpleRouter

from .api import (
    DisposalCardViewSet,
    DrillViewSet,
    DutyLogEntryViewSet,
    DutyShiftViewSet,
    EmergencyParameterViewSet,
    EmergencyPlanViewSet,
    RescueTeamViewSet,
    SupplyViewSet,
)

router = SimpleRouter()
router.register("parameters", EmergencyParameterViewSet, basename="emergency-parameter")
router.register("plans", EmergencyPlanViewSet, basename="emergency-plan")
router.register("drills", DrillViewSet, basename="emergency-drill")
router.register("teams", RescueTeamViewSet, basename="emergency-team")
router.register("supplies", SupplyViewSet, basename="emergency-supply")
router.register("cards", DisposalCardViewSet, basename="emergency-card")
router.register("duty-shifts", DutyShiftViewSet, basename="emergency-duty-shift")
router.register("duty-log", DutyLogEntryViewSet, basename="emergency-duty-log")

urlpatterns = router.urls
