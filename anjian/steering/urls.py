"""Pages of the committee office, mounted under /steering/ by the project URLconf."""

from django.urls import path

from . import views

app_name = "steering"
urlpatterns = [
    path("", views.home, name="home"),
    path("units/", views.unit_list, name="units"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/void/", views.unit_void, name="unit_void"),
    path("reports/", views.report_list, name="reports"),
    path("reports/board/", views.report_board_page, name="report_board"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/meetings/", views.meeting_add, name="meeting_add"),
    path("reports/<int:pk>/meetings/<int:meeting_pk>/remove/", views.meeting_remove, name="meeting_remove"),
    path("reports/<int:pk>/checks/", views.check_add, name="check_add"),
    path("reports/<int:pk>/checks/<int:check_pk>/remove/", views.check_remove, name="check_remove"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("reports/<int:pk>/void/", views.report_void, name="report_void"),
]
