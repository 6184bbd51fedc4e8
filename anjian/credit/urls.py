"""Pages of this app, mounted under /credit/ by the project URLconf."""

from django.urls import path

from . import views

app_name = "credit"
urlpatterns = [
    path("", views.enterprise_list, name="enterprises"),
    path("export/", views.enterprise_export, name="enterprise_export"),
    path("scheme/", views.scheme, name="scheme"),
    path("records/", views.record_list, name="records"),
    path("records/export/", views.record_export, name="record_export"),
    path("records/new/", views.record_create, name="record_create"),
    path("records/<int:pk>/", views.record_detail, name="record"),
    path("records/<int:pk>/step/", views.record_step, name="record_step"),
    path("listings/", views.listing_list, name="listings"),
    path("listings/export/", views.listing_export, name="listing_export"),
    path("listings/new/", views.listing_create, name="listing_create"),
    path("listings/<int:pk>/", views.listing_detail, name="listing"),
    path("listings/<int:pk>/step/", views.listing_step, name="listing_step"),
    path("listings/<int:pk>/notices/new/", views.notice_create, name="notice_create"),
    path("notices/<int:pk>/step/", views.notice_step, name="notice_step"),
    path("notices/<int:pk>/pdf/", views.notice_pdf, name="notice_pdf"),
]
