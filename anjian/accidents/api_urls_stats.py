"""API routes of the accident statistics and the regional yearly figures."""

urlpatterns: list = []
