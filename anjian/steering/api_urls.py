"""API routes of the committee office, mounted under /api/ by the project URLconf (all under
``steering/``)."""

from rest_framework.routers import SimpleRouter

from .api import (
    CampaignViewSet,
    DutyViewSet,
    MonthlyReportViewSet,
    PlanTaskViewSet,
    PlanViewSet,
    ProgressReportViewSet,
    SummonsViewSet,
    TaskAssignmentViewSet,
    TourFindingViewSet,
    TourViewSet,
    UnitViewSet,
)

router = SimpleRouter()
router.register("steering/units", UnitViewSet, basename="steering-unit")
router.register("steering/monthly-reports", MonthlyReportViewSet, basename="steering-monthly-report")
router.register("steering/campaigns", CampaignViewSet, basename="steering-campaign")
router.register("steering/tours", TourViewSet, basename="steering-tour")
router.register("steering/tour-findings", TourFindingViewSet, basename="steering-tour-finding")
router.register("steering/summonses", SummonsViewSet, basename="steering-summons")
router.register("steering/plans", PlanViewSet, basename="steering-plan")
router.register("steering/tasks", PlanTaskViewSet, basename="steering-task")
router.register("steering/task-assignments", TaskAssignmentViewSet, basename="steering-task-assignment")
router.register("steering/progress-reports", ProgressReportViewSet, basename="steering-progress-report")
router.register("steering/duties", DutyViewSet, basename="steering-duty")

urlpatterns = router.urls
