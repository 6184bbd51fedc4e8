"""Hazard statistics pages (included by hazards.urls under /hazards/statistics/, app_name "hazards")."""

from django.urls import path

from . import views_stats

urlpatterns = [
    path("", views_stats.statistics_page, name="statistics"),
    path("export.xlsx", views_stats.statistics_export, name="statistics_export"),
]
