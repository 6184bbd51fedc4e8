"""Pages of the accident statistics and the regional yearly figures (GDP, employment)."""

urlpatterns: list = []
