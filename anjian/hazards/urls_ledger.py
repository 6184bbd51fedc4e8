"""Hazard pages (included by hazards.urls under /hazards/, app_name "hazards")."""

from django.urls import path

from . import views, views_keys

urlpatterns = [
    path("", views.hazard_list, name="list"),
    path("new/", views.hazard_create, name="create"),
    path("export.xlsx", views.export_xlsx, name="export"),
    path("listings/", views.listing_list, name="listings"),
    path("api-keys/", views_keys.key_list, name="api_keys"),
    path("api-keys/<int:pk>/revoke/", views_keys.key_revoke, name="api_key_revoke"),
    path("notices/new/", views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    # 双报告 and 复查 records (issue #10): print views and PDFs.
    path("dual-reports/<int:pk>/", views.dual_report_detail, name="dual_report"),
    path("dual-reports/<int:pk>/report.pdf", views.dual_report_pdf, name="dual_report_pdf"),
    path("rechecks/<int:pk>/", views.recheck_detail, name="recheck"),
    path("rechecks/<int:pk>/recheck.pdf", views.recheck_pdf, name="recheck_pdf"),
    path("<int:pk>/", views.hazard_detail, name="detail"),
    path("<int:pk>/files/<int:att>/", views.attachment, name="attachment"),
    path("<int:pk>/<slug:action>/", views.hazard_action, name="action"),
]
