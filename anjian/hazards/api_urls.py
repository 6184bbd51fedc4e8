"""API routes of this app, mounted under /api/ by the project URLconf."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()
urlpatterns = [*router.urls]
