"""API routes of this app, mounted under /api/ by the project URLconf."""

from rest_framework.routers import SimpleRouter

from .api import KeyPersonViewSet, LicenceKindViewSet, LicenceViewSet, PersonCertificateViewSet

router = SimpleRouter()
router.register("licence-kinds", LicenceKindViewSet, basename="licence-kind")
router.register("licences", LicenceViewSet, basename="licence")
router.register("key-persons", KeyPersonViewSet, basename="key-person")
router.register("person-certificates", PersonCertificateViewSet, basename="person-certificate")

urlpatterns = router.urls
