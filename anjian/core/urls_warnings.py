"""Warning pages: the inbox (included by core.urls)."""

urlpatterns: list = []
