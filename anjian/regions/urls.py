from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("", views.region_list, name="list"),
    path("import/", views.region_import, name="import"),
    path("grids/", views.grid_list, name="grids"),
    path("<str:code>/", views.region_detail, name="detail"),
]
