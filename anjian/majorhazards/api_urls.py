"""API routes of this app, mounted under /api/ by the project URLconf.

``major-hazard-sources/evaluate`` comes before the router's routes so "evaluate" is never read
as a source id."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import (
    EvaluateView,
    MajorHazardSourceViewSet,
    ResponsibleCheckViewSet,
    ResponsiblePersonViewSet,
    SourceSubstanceViewSet,
)

router = SimpleRouter()
router.register("major-hazard-sources", MajorHazardSourceViewSet, basename="major-hazard-source")
router.register("major-hazard-substances", SourceSubstanceViewSet, basename="major-hazard-substance")
router.register("major-hazard-persons", ResponsiblePersonViewSet, basename="major-hazard-person")
router.register("major-hazard-checks", ResponsibleCheckViewSet, basename="major-hazard-check")

urlpatterns = [
    path("major-hazard-sources/evaluate", EvaluateView.as_view(), name="major-hazard-source-evaluate"),
    *router.urls,
]
