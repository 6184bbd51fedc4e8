"""Warning pages: the inbox (mounted at /warnings/)."""

from django.urls import path

from . import views_warnings

app_name = "warnings"
urlpatterns = [
    path("", views_warnings.inbox_page, name="inbox"),
    path("read-all/", views_warnings.mark_all_read_view, name="read_all"),
    path("<int:pk>/read/", views_warnings.mark_read_view, name="read"),
    path("<int:pk>/open/", views_warnings.open_record, name="open"),
]
