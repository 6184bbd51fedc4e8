from django.urls import path

from . import views, views_io

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_create, name="create"),
    path("blind-spots/", views.blind_spots, name="blind_spots"),
    path("export.xlsx", views_io.export_xlsx, name="export"),
    path("import/", views_io.import_page, name="import"),
    path("import/template.xlsx", views_io.import_template, name="import_template"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/status/", views.enterprise_status, name="status"),
    path("<int:pk>/supervision/", views.supervision_assign, name="supervision"),
    path("<int:pk>/void/", views.enterprise_void, name="void"),
    path("<int:pk>/plate.pdf", views_io.plate_pdf, name="plate_pdf"),
]
