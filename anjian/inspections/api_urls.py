"""API routes of this app, mounted under /api/ by the project URLconf."""

from rest_framework.routers import SimpleRouter

from .api import CadenceViewSet, DutyViewSet, RecordViewSet, TaskViewSet

router = SimpleRouter()
router.register("inspection-cadences", CadenceViewSet, basename="inspection-cadence")
router.register("inspection-duties", DutyViewSet, basename="inspection-duty")
router.register("inspection-tasks", TaskViewSet, basename="inspection-task")
router.register("inspection-records", RecordViewSet, basename="inspection-record")
urlpatterns = [*router.urls]
