from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import SecurityEventViewSet, TokenRotateView, TokenView

router = SimpleRouter()
router.register("security-events", SecurityEventViewSet, basename="security-event")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/token/rotate/", TokenRotateView.as_view(), name="api-token-rotate"),
    *router.urls,
]
