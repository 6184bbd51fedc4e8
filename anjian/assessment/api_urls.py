"""API routes of this app, mounted under /api/ by the project URLconf. The indicator routes come
before the router's, so "values" or "records" is never read as a record's key."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import (
    AssessmentRoundViewSet,
    AssessmentSchemeViewSet,
    AssessmentViewSet,
    DashboardView,
    IndicatorBreakdownView,
    IndicatorListView,
    IndicatorRecordsView,
    IndicatorValuesView,
    TargetAgreementViewSet,
)

router = SimpleRouter()
router.register("target-agreements", TargetAgreementViewSet, basename="target-agreement")
router.register("assessment-schemes", AssessmentSchemeViewSet, basename="assessment-scheme")
router.register("assessment-rounds", AssessmentRoundViewSet, basename="assessment-round")
router.register("assessments", AssessmentViewSet, basename="assessment")

urlpatterns = [
    path("indicators/", IndicatorListView.as_view(), name="api-indicators"),
    path("indicators/values/", IndicatorValuesView.as_view(), name="api-indicator-values"),
    path("indicators/breakdown/", IndicatorBreakdownView.as_view(), name="api-indicator-breakdown"),
    path("indicators/records/", IndicatorRecordsView.as_view(), name="api-indicator-records"),
    path("indicators/dashboard/", DashboardView.as_view(), name="api-indicator-dashboard"),
    *router.urls,
]
