"""API routes of this app, mounted under /api/ by the project URLconf. The statistics and
regional-figures endpoints live in api_urls_stats.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import AccidentViewSet, GradeView
from .api_urls_stats import urlpatterns as statistics_patterns

router = SimpleRouter()
router.register("accidents", AccidentViewSet, basename="accident")

urlpatterns: list = [
    # Before the router: "accidents/grade" must not be read as the detail of accident "grade".
    path("accidents/grade", GradeView.as_view(), name="accident-grade"),
    *statistics_patterns,
    *router.urls,
]
