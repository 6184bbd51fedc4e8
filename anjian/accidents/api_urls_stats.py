"""API routes of the accident statistics (the regional figures they read are served by the
regions app, regions/api_urls.py)."""

from django.urls import path

from .api_stats import AccidentStatisticsExportView, AccidentStatisticsView

urlpatterns: list = [
    path("accident-statistics/", AccidentStatisticsView.as_view(), name="api-accident-statistics"),
    path("accident-statistics/export/", AccidentStatisticsExportView.as_view(),
         name="api-accident-statistics-export"),
]
