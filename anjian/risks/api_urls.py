"""API routes of this app, mounted under /api/ by the project URLconf. The evaluate
calculator is registered before the router so "risk-assessments/evaluate" is not read as an
assessment id."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("risk-points", api.RiskPointViewSet, basename="risk-point")
router.register("risk-assessments", api.RiskAssessmentViewSet, basename="risk-assessment")
router.register("control-measures", api.ControlMeasureViewSet, basename="control-measure")
router.register("enterprise-risk-grades", api.EnterpriseRiskGradeViewSet, basename="enterprise-risk-grade")
router.register("risk-profiles", api.RiskProfileViewSet, basename="risk-profile")

urlpatterns = [
    path("risk-assessments/evaluate", api.EvaluateView.as_view(), name="risk-evaluate"),
    path("risk-map/", api.RiskMapView.as_view(), name="risk-map"),
    path("risk-factor-values/", api.FactorValuesView.as_view(), name="risk-factor-values"),
    path("supervision-frequencies/", api.SupervisionFrequencyView.as_view(), name="supervision-frequencies"),
    *router.urls,
]
