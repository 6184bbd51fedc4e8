"""API routes of this app, mounted under /api/ by the project URLconf. The statistics and
regional-figures endpoints live in api_urls_stats.py."""

from .api_urls_stats import urlpatterns as statistics_patterns

urlpatterns: list = [
    *statistics_patterns,
]
