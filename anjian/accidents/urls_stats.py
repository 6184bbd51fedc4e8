"""Pages of the accident statistics and the regional yearly figures (GDP, employment), included
by accidents.urls under /accidents/ (app_name "accidents")."""

from django.urls import path

from . import views_stats

urlpatterns: list = [
    path("statistics/", views_stats.statistics_page, name="statistics"),
    path("statistics/export.xlsx", views_stats.statistics_export, name="statistics_export"),
    path("figures/", views_stats.figures_page, name="figures"),
    path("figures/import/", views_stats.figures_import, name="figures_import"),
    path("figures/template.xlsx", views_stats.figures_template, name="figures_template"),
    path("figures/<int:pk>/void/", views_stats.figures_void, name="figures_void"),
]
