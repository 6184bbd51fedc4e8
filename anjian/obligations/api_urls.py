"""API routes of this app, mounted under /api/ by the project URLconf."""

from rest_framework.routers import SimpleRouter

from .api import KeyPersonViewSet, LicenceKindViewSet, LicenceViewSet, PersonCertificateViewSet
from .api_duties import (
    CommitmentViewSet,
    SafetyOrganisationViewSet,
    SpotCheckEntryViewSet,
    SpotCheckViewSet,
    StandardisationViewSet,
)

router = SimpleRouter()
router.register("licence-kinds", LicenceKindViewSet, basename="licence-kind")
router.register("licences", LicenceViewSet, basename="licence")
router.register("key-persons", KeyPersonViewSet, basename="key-person")
router.register("person-certificates", PersonCertificateViewSet, basename="person-certificate")
router.register("standardisations", StandardisationViewSet, basename="standardisation")
router.register("standardisation-spot-checks", SpotCheckViewSet, basename="standardisation-spot-check")
router.register("standardisation-spot-check-entries", SpotCheckEntryViewSet,
                basename="standardisation-spot-check-entry")
router.register("safety-organisations", SafetyOrganisationViewSet, basename="safety-organisation")
router.register("safety-commitments", CommitmentViewSet, basename="safety-commitment")

urlpatterns = router.urls
