"""Pages of the committee office, mounted under /steering/ by the project URLconf."""

from django.urls import path

from . import views, views_tours

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
    path("tours/", views_tours.tour_list, name="tours"),
    path("tours/new/", views_tours.tour_create, name="tour_create"),
    path("tours/<int:pk>/", views_tours.tour_detail, name="tour_detail"),
    path("tours/<int:pk>/edit/", views_tours.tour_edit, name="tour_edit"),
    path("tours/<int:pk>/findings/", views_tours.finding_add, name="finding_add"),
    path("tours/<int:pk>/feedback/", views_tours.tour_feedback, name="tour_feedback"),
    path("tours/<int:pk>/complete/", views_tours.tour_complete, name="tour_complete"),
    path("tours/<int:pk>/void/", views_tours.tour_void, name="tour_void"),
    path("findings/", views_tours.finding_list, name="findings"),
    path("findings/<int:pk>/", views_tours.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/edit/", views_tours.finding_edit, name="finding_edit"),
    path("findings/<int:pk>/report/", views_tours.finding_report, name="finding_report"),
    path("findings/<int:pk>/verify/", views_tours.finding_verify, name="finding_verify"),
    path("findings/<int:pk>/void/", views_tours.finding_void, name="finding_void"),
]
