"""Pages of this app, mounted under /accidents/ by the project URLconf. The statistics and
regional-figures pages live in urls_stats.py."""

from .urls_stats import urlpatterns as statistics_patterns

app_name = "accidents"
urlpatterns: list = [
    *statistics_patterns,
]
