"""Cross-cutting API routes (warnings inbox), mounted under /api/ by the project URLconf."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()
urlpatterns = [*router.urls]
