"""Warning pages: the inbox (mounted at /warnings/)."""

from django.urls import path

from . import views

app_name = "warnings"
urlpatterns = [
    path("", views.inbox_page, name="inbox"),
    path("read-all/", views.mark_all_read_view, name="read_all"),
    path("<int:pk>/read/", views.mark_read_view, name="read"),
    path("<int:pk>/open/", views.open_record, name="open"),
]
