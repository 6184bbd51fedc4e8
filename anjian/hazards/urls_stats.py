"""Hazard pages (included by hazards.urls)."""

urlpatterns: list = []
