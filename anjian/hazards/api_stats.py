"""Hazard statistics API (mounted under /api/hazard-statistics/)."""

urlpatterns: list = []
