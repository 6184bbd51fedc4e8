"""Pages of this app, mounted under /risks/ by the project URLconf."""

from django.urls import path

from . import views

app_name = "risks"
urlpatterns = [
    path("", views.point_list, name="list"),
    path("new/", views.point_create, name="create"),
    path("export/", views.export_xlsx, name="export"),
    path("map/", views.risk_map, name="map"),
    path("profiles/", views.profile_list, name="profiles"),
    path("profiles/<int:pk>/default/", views.profile_set_default, name="profile_default"),
    path("grades/", views.grade_list, name="grades"),
    path("enterprise/<int:pk>/", views.enterprise_risk, name="enterprise"),
    path("enterprise/<int:pk>/generate/", views.generate_checks, name="generate"),
    path("card/<str:token>/", views.card_public, name="card_public"),
    path("<int:pk>/", views.point_detail, name="detail"),
    path("<int:pk>/edit/", views.point_edit, name="edit"),
    path("<int:pk>/void/", views.point_void, name="void"),
    path("<int:pk>/assess/", views.point_assess, name="assess"),
    path("<int:pk>/card.pdf", views.card_pdf_view, name="card_pdf"),
    path("<int:pk>/card/regenerate/", views.card_regenerate, name="card_regenerate"),
    path("<int:pk>/measures/new/", views.measure_create, name="measure_create"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/void/", views.measure_void, name="measure_void"),
]
