"""Pages of the hazard app: the ledger and its workflow (urls_ledger), statistics (urls_stats)."""

from django.urls import include, path

app_name = "hazards"
urlpatterns = [
    path("statistics/", include("anjian.hazards.urls_stats")),
    path("", include("anjian.hazards.urls_ledger")),
]
