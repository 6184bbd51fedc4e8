"""Fallback URLconf: only the API, used when the project's root URLconf cannot be imported
(e.g. a page under construction elsewhere). Same router, same viewsets, same paths."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from anjian.enterprises.api import EnterpriseViewSet, SupervisionViewSet

router = DefaultRouter()
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("supervisions", SupervisionViewSet, basename="supervision")

urlpatterns = [path("api/", include(router.urls))]
