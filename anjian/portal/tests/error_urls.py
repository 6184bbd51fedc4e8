"""The product's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from anjian.urls import handler400, handler403, handler404, handler500  # noqa: F401
from anjian.urls import urlpatterns as product_urls


def boom(request):
    raise RuntimeError("a bug")


def denied(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("bad")


urlpatterns = [
    path("test-errors/boom/", boom),
    path("test-errors/denied/", denied),
    path("test-errors/suspicious/", suspicious),
    path("api/test-errors/boom/", boom),
    *product_urls,
]
