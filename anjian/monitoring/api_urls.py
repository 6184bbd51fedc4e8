"""API routes of this app, mounted under /api/ by the project URLconf."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import (
    AlarmViewSet,
    BadInputViewSet,
    IngestView,
    MonitoredSourceViewSet,
    ReadingViewSet,
    SensorViewSet,
)

router = SimpleRouter()
router.register("monitoring/sources", MonitoredSourceViewSet, basename="monitoring-source")
router.register("monitoring/sensors", SensorViewSet, basename="monitoring-sensor")
router.register("monitoring/readings", ReadingViewSet, basename="monitoring-reading")
router.register("monitoring/alarms", AlarmViewSet, basename="monitoring-alarm")
router.register("monitoring/bad-input", BadInputViewSet, basename="monitoring-bad-input")

urlpatterns = [
    path("monitoring/ingest/", IngestView.as_view(), name="monitoring-ingest"),
    *router.urls,
]
