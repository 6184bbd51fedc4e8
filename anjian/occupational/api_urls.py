"""API routes of this app, mounted under /api/occupational/ by the project URLconf."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("hazard-factors", api.HazardFactorViewSet, basename="occ-hazard-factor")
router.register("exposures", api.ExposureViewSet, basename="occ-exposure")
router.register("declarations", api.DeclarationViewSet, basename="occ-declaration")
router.register("detections", api.DetectionViewSet, basename="occ-detection")
router.register("detection-results", api.DetectionResultViewSet, basename="occ-detection-result")
router.register("examinations", api.ExaminationViewSet, basename="occ-examination")
router.register("trainings", api.TrainingViewSet, basename="occ-training")
router.register("protective-equipment", api.ProtectiveIssueViewSet, basename="occ-protective-issue")

urlpatterns = router.urls
