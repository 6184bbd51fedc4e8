"""API routes of this app, mounted under /api/ by the project URLconf."""

urlpatterns: list = []
